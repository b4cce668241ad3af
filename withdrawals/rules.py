"""Eligibility for withdrawals: pure functions over plain data, each refusal a Chinese sentence that
says what to do. Forms call them for the user; services call them again before changing state."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from gjj_portal.bank import card_number_problem
from gjj_portal.bank import luhn_ok as luhn_ok  # the withdrawal forms and services use it from here
from gjj_portal.months import whole_months
from policy.center import PolicySnapshot


@dataclass(frozen=True)
class RentFacts:
    account_status: str  # deposits.AccountStatus value
    owns_house: bool
    continuous_months: int
    balance: Decimal
    rent_withdrawals_this_year: int


def rent_eligibility_problem(facts: RentFacts, policy: PolicySnapshot) -> str | None:
    if facts.account_status != "normal":
        return "您的公积金账户不是正常缴存状态，不能办理租房提取。如有疑问请联系单位或中心窗口。"
    if facts.owns_house:
        return "您（或配偶）名下有自有住房，不符合租房提取条件。"
    if facts.continuous_months < policy.rent_min_deposit_months:
        return (
            f"租房提取需连续足额缴存满{policy.rent_min_deposit_months}个月，"
            f"您目前连续缴存{facts.continuous_months}个月，请满足条件后再申请。"
        )
    if facts.rent_withdrawals_this_year >= policy.rent_withdrawals_per_year:
        return f"本年度您已办理租房提取（每年限{policy.rent_withdrawals_per_year}次），请下一年度再申请。"
    if facts.balance - policy.min_balance_after_withdrawal <= 0:
        return "您的账户可提取余额不足，暂不能办理租房提取。"
    return None


def rent_period_problem(*, year: int, start_month: int, end_month: int, today: date) -> str | None:
    if year != today.year:
        return f"起租和止租月份须在本年度（{today.year}年）内，请重新选择。"
    if not 1 <= start_month <= end_month <= 12:
        return "本年度起租月份不能晚于本年度止租月份，请重新选择。"
    return None


def rent_withdrawable(
    *, monthly_rent: Decimal, start_month: int, end_month: int, balance: Decimal, policy: PolicySnapshot
) -> Decimal:
    """提取金额上限 = min(月租金 × 月数, 每月限额 × 月数, 余额 − 最低留存)."""
    months = end_month - start_month + 1
    return max(
        Decimal("0.00"),
        min(
            monthly_rent * months,
            policy.rent_monthly_cap * months,
            balance - policy.min_balance_after_withdrawal,
        ),
    )


def amount_problem(*, amount: Decimal, limit: Decimal) -> str | None:
    if amount <= 0:
        return "提取金额须大于0元。"
    if amount > limit:
        return f"提取金额不能超过本次可提取金额 {limit:,.2f} 元，请修改。"
    return None


def materials_problem(*, have_files: int, have_bytes: int, new_sizes: list[int], max_files: int, max_bytes: int):
    """May these files join the application's materials? At most `max_files` files and `max_bytes` in all."""
    if have_files + len(new_sizes) > max_files:
        return f"每笔申请最多上传{max_files}个材料文件（已上传{have_files}个），请合并或精简后再上传。"
    if have_bytes + sum(new_sizes) > max_bytes:
        return f"每笔申请的材料合计不能超过{max_bytes // (1024 * 1024)} MB，请压缩后再上传。"
    return None


def rent_needs_materials(*, rent_region: str, employer_region: str, policy: PolicySnapshot) -> bool:
    """Seed 001: materials only when 租房地区 is not the local region or not the employer's region."""
    return rent_region != policy.local_region or rent_region != employer_region


def bank_problem(bank: str, policy: PolicySnapshot) -> str | None:
    """The allow-list is the policy's own rule (the middleware applies it to every business)."""
    return policy.bank_problem(bank)


def payee_problem(*, bank: str, card_number: str, policy: PolicySnapshot) -> str | None:
    """收款银行 on the allow-list, 银行卡号码 of 16–19 digits."""
    return bank_problem(bank, policy) or card_number_problem(card_number)


@dataclass(frozen=True)
class BoundCard:
    """The account's 收款银行卡 (个人信息变更), if one is bound."""

    bank: str
    card_number: str
    since: datetime | None


def bound_card_problem(*, bank: str, card_number: str, bound: BoundCard, now: datetime, cooling_hours: int):
    """Once a card is bound, withdrawals go to that card only, and not before its cooling-off has passed:
    someone who took over a login cannot send the money to a card of theirs."""
    if not bound.card_number:
        return None
    if (bank, card_number) != (bound.bank, bound.card_number):
        return (
            f"提取资金只能转入您绑定的收款银行卡（{bound.bank} 尾号{bound.card_number[-4:]}）。"
            "如需更换，请先在“个人信息变更”中变更收款银行卡。"
        )
    return card_cooling_problem(bound=bound, now=now, cooling_hours=cooling_hours)


def card_cooling_problem(*, bound: BoundCard, now: datetime, cooling_hours: int) -> str | None:
    """A newly bound card receives nothing before its cooling-off has passed. It depends on the person only,
    so the forms say it when they open, before anything is typed."""
    if not bound.card_number:
        return None
    ready = bound.since + timedelta(hours=cooling_hours) if bound.since else now
    if ready > now:
        local = timezone.localtime(ready)
        return (
            f"为保障资金安全，新绑定的收款银行卡须满{cooling_hours}小时后方可接收提取资金，"
            f"请于{local:%Y-%m-%d %H:%M}后再提交申请。"
        )
    return None


def rent_most(*, balance: Decimal, policy: PolicySnapshot) -> Decimal:
    """The most one 租房提取 can take this year: every month of the year at the cap (rent_withdrawable)."""
    return rent_withdrawable(
        monthly_rent=policy.rent_monthly_cap, start_month=1, end_month=12, balance=balance, policy=policy
    )


# --- Closing withdrawals and loan repayment withdrawals -------------------------------------------

CLOSED_STATUSES = ("merged", "transferred_out", "withdrawn")


@dataclass(frozen=True)
class AccountFacts:
    status: str
    seal_reason: str
    sealed_on: date | None
    household_region: str
    balance: Decimal
    retirement_month: date | None  # None: the ID's birth date cannot be read
    today: date


def closed_problem(facts: AccountFacts) -> str | None:
    if facts.status in CLOSED_STATUSES:
        return "您的公积金账户已销户，不能再办理提取。"
    if facts.status == "frozen":
        return "您的公积金账户已冻结，暂不能办理提取，请联系中心。"
    if facts.balance <= 0:
        return "您的公积金账户余额为0，无可提取金额。"
    return None


def disability_problem(facts: AccountFacts) -> str | None:
    if problem := closed_problem(facts):
        return problem
    if facts.status != "sealed" or facts.seal_reason != "disability":
        return (
            "完全丧失劳动能力提取须账户已封存且封存原因为“完全丧失劳动能力”。"
            "请先由单位为您办理封存，或携劳动能力鉴定结论到中心窗口办理。"
        )
    return None


def retirement_problem(facts: AccountFacts) -> str | None:
    return closed_problem(facts)


def retirement_needs_proof(facts: AccountFacts) -> bool:
    """Before the statutory retirement month, a proof of retirement must be uploaded."""
    return facts.retirement_month is None or facts.today < facts.retirement_month


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end`."""
    return whole_months(start, end)


def leaving_problem(facts: AccountFacts, policy: PolicySnapshot) -> str | None:
    if problem := closed_problem(facts):
        return problem
    if facts.status != "sealed" or facts.sealed_on is None:
        return "外地销户提取须账户已封存。请先由单位为您办理封存。"
    sealed = months_between(facts.sealed_on, facts.today)
    if sealed < policy.closing_min_sealed_months:
        return (
            f"外地销户提取须账户封存满{policy.closing_min_sealed_months}个月，"
            f"您的账户已封存{sealed}个月，请满足条件后再申请。"
        )
    if not facts.household_region or facts.household_region == policy.local_region:
        return f"外地销户提取须户籍不在{policy.local_region}，您的户籍在本市，不符合条件。"
    return None


def loan_withdrawal_problem(
    *, facts: AccountFacts, withdrawals_this_year: int, repaid: Decimal, policy: PolicySnapshot, overdue: bool = False
) -> str | None:
    """商贷/公贷还款提取: what is left to take for the period's repayments."""
    if problem := closed_problem(facts):
        return problem
    if facts.status != "normal":
        return "还贷提取须账户为正常缴存状态。"
    if overdue:
        return "您的公积金贷款有逾期未还款项，请先归还逾期款项后再申请公贷还款提取。"
    if withdrawals_this_year >= policy.loan_withdrawals_per_year:
        return f"本年度您已办理此类还贷提取（每年限{policy.loan_withdrawals_per_year}次），请下一年度再申请。"
    if repaid <= 0:
        return "近一年内没有可用于提取的还款记录。"
    return None


def standing_loan_problem(*, facts: AccountFacts, overdue: bool) -> str | None:
    """委托提取 for a loan, each month: the account as for a one-off 还贷提取; the instruction itself is
    the authorization, so the yearly count and the last year's repayments do not apply."""
    if problem := closed_problem(facts):
        return problem
    if facts.status != "normal":
        return "还贷提取须账户为正常缴存状态。"
    if overdue:
        return "您的公积金贷款有逾期未还款项，请先归还逾期款项；委托提取将在下月继续执行。"
    return None


def standing_rent_problem(
    *, region: str, monthly_rent: Decimal | None, needs_materials: bool, policy: PolicySnapshot
) -> str | None:
    if region not in policy.rental_regions:
        return "请选择租房地区。"
    if monthly_rent is None or monthly_rent <= 0:
        return "请填写月租金。"
    if needs_materials:
        return "异地租房须上传租房材料，不能办理按月委托提取，请按次申请租房提取。"
    return None


def standing_amount(*, due: Decimal, balance: Decimal, policy: PolicySnapshot) -> Decimal:
    """A month of 委托提取: the month's rent (within the cap) or instalment, never below the reserve."""
    return max(Decimal("0.00"), min(due, balance - policy.min_balance_after_withdrawal))


def loan_withdrawable(*, repaid: Decimal, balance: Decimal, policy: PolicySnapshot) -> Decimal:
    return max(Decimal("0.00"), min(repaid, balance - policy.min_balance_after_withdrawal))


IN_PROGRESS = "您已有一笔销户类提取申请正在办理，请在“我发起的”中查看进度。"


def closing_problem(*, kind: str, facts: AccountFacts, policy: PolicySnapshot, in_progress: bool) -> str | None:
    """May this person close the account by this kind of withdrawal (完全丧失劳动能力, 退休, 外地销户)?"""
    if kind == "disability":
        problem = disability_problem(facts)
    elif kind == "retirement":
        problem = retirement_problem(facts)
    elif kind == "leaving":
        problem = leaving_problem(facts, policy)
    else:
        raise ValueError(f"not a closing withdrawal: {kind}")
    return problem or (IN_PROGRESS if in_progress else None)


def closing_needs_materials(*, kind: str, facts: AccountFacts) -> bool:
    """完全丧失劳动能力 always uploads its 鉴定结论; 退休 only before the statutory age; 外地销户 never."""
    if kind == "disability":
        return True
    if kind == "retirement":
        return retirement_needs_proof(facts)
    return False
