"""May this borrower prepay, and how much: pure functions, each refusal a Chinese sentence."""

from decimal import Decimal

SHORTEN = "shorten"  # 缩短期限: keep the monthly payment
REDUCE = "reduce"  # 减少月供: keep the term
MODES = {SHORTEN: "缩短期限（月供基本不变）", REDUCE: "减少月供（期限不变）"}


def prepayment_problem(
    *, contract_status: str, has_overdue: bool, amount: Decimal, balance: Decimal, minimum: Decimal
) -> str | None:
    if contract_status != "disbursed":
        return "该笔贷款不在还款中，不能办理提前还款。"
    if has_overdue:
        return "您的贷款有逾期未还款项，请先归还逾期款项后再办理提前还款。"
    if amount <= 0:
        return "还款金额须大于0元。"
    if amount > balance:
        return f"还款金额不能超过贷款余额 {balance:,.2f} 元。"
    if amount < minimum and amount != balance:
        return f"提前部分还款金额不能低于 {minimum:,.2f} 元（一次性结清除外）。"
    return None
