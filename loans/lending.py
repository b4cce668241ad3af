"""可贷额度: may this depositor borrow, and how much. Pure functions of the facts, what is asked and the
center's policy snapshot; the form (before anything is typed, and at submission), the services (again, under
the lock) and the reviewer's workbench all call `loan_quote`, so the figure is the same everywhere.

The amount is the least of four limits, each shown with how it was computed:
  中心最高额度 (single / both spouses depositing), 账户余额倍数 (borrower + co-borrower balance × the
  policy's multiple), 还款能力 (monthly income × the policy's share − other monthly debts, turned into a
  principal at the chosen term and rate), 房价 × (1 − the down-payment share for 首套 / 二套).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, Decimal

from gjj_portal.months import month_index
from gjj_portal.retirement import birth_from_id_number, cohort_for, retirement_month, sex_from_id_number
from policy.center import loan_rate_on

from .schedule import EQUAL_INSTALMENT, monthly_rate

MIN_AMOUNT = Decimal("10000")  # below this no loan is worth a 面签
MIN_TERM_MONTHS = 12


@dataclass(frozen=True)
class PersonFacts:
    """What the center knows about one depositor, read by `loans.selectors.person_facts`."""

    name: str
    id_number: str
    status: str  # the account's status code; "normal" may borrow
    status_label: str
    balance: Decimal
    base: Decimal  # 缴存基数: the monthly income the center knows
    continuous_months: int
    open_loans: int  # HPF contracts not settled, as borrower or co-borrower
    loans_ever: int  # HPF contracts as borrower, any status
    open_application: str = ""  # the number of another open 贷款申请
    job_category: str = ""


@dataclass(frozen=True)
class LoanAsk:
    house_price: Decimal
    second_home: bool
    term_months: int
    method: str = EQUAL_INSTALMENT
    other_debts: Decimal = Decimal("0")  # other monthly repayments (商贷, 车贷…)
    co_income: Decimal = Decimal("0")  # a co-borrower who is not a depositor here: declared monthly income


@dataclass(frozen=True)
class Limit:
    name: str
    amount: Decimal
    detail: str


@dataclass
class Quote:
    problems: list[str] = field(default_factory=list)
    limits: list[Limit] = field(default_factory=list)
    amount: Decimal = Decimal("0")
    binding: str = ""
    rate: Decimal | None = None
    max_term_months: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def plain(value: Decimal) -> str:
    """15.00 → "15", 0.5 × 100 → "50", 2.5 → "2.5": a policy figure as a person writes it."""
    return format(value.normalize(), "f")


def rate_text(rate: Decimal) -> str:
    """0.026 → "2.60%", 0.02525 → "2.525%"."""
    text = f"{rate * 100:.3f}"
    return (text[:-1] if text.endswith("0") else text) + "%"


def yuan_floor(value: Decimal) -> Decimal:
    return value.quantize(Decimal("1"), rounding=ROUND_FLOOR)


def max_term_months(*, id_number: str, job_category: str, today: date, policy) -> int:
    """The longest term: the policy's years, and the last instalment no later than the statutory retirement
    month (2025 law) plus the policy's years. The first instalment is due next month."""
    retires = retirement_month(
        birth_from_id_number(id_number),
        cohort_for(sex=sex_from_id_number(id_number), job_category=job_category),
    )
    until = month_index(retires) + policy.loan_retirement_extra_years * 12 - month_index(today)
    return max(0, min(policy.loan_max_years * 12, until))


def principal_for_payment(*, payment: Decimal, annual_rate: Decimal, months: int, method: str) -> Decimal:
    """The largest principal whose (first) monthly payment is `payment`: 等额本息's annuity turned around,
    or 等额本金's first month (principal / n + principal × r)."""
    if payment <= 0 or months <= 0:
        return Decimal("0")
    r = monthly_rate(annual_rate)
    if method != EQUAL_INSTALMENT:
        return payment / (Decimal(1) / months + r)
    if r == 0:
        return payment * months
    growth = (1 + r) ** months
    return payment * (growth - 1) / (r * growth)


def eligibility_problems(*, borrower: PersonFacts, co_borrower: PersonFacts | None, policy) -> list[str]:
    problems = []
    if borrower.status != "normal":
        problems.append(f"您的公积金账户状态为“{borrower.status_label}”，须为正常缴存状态才能申请贷款。")
    if borrower.continuous_months < policy.loan_min_deposit_months:
        need, have = policy.loan_min_deposit_months, borrower.continuous_months
        problems.append(f"申请贷款须连续足额缴存满 {need} 个月，您目前连续缴存 {have} 个月。")
    if borrower.open_loans:
        problems.append("您名下（含作为共同借款人）有未结清的住房公积金贷款，结清后才能再次申请。")
    if borrower.loans_ever >= policy.loan_max_count:
        problems.append(f"每人最多可使用 {policy.loan_max_count} 次住房公积金贷款，您已使用 {borrower.loans_ever} 次。")
    if borrower.open_application:
        problems.append(f"您已有正在办理的贷款申请（{borrower.open_application}），办结或撤回后才能再次申请。")
    if co_borrower is not None:
        if co_borrower.open_loans:
            problems.append(f"共同借款人{co_borrower.name}有未结清的住房公积金贷款，不能作为共同借款人。")
        if co_borrower.open_application:
            problems.append(f"共同借款人{co_borrower.name}已有正在办理的贷款申请，不能同时申请。")
    return problems


def loan_quote(
    *, borrower: PersonFacts, co_borrower: PersonFacts | None, ask: LoanAsk | None, policy, today: date
) -> Quote:
    """Eligibility and 可贷额度. Without `ask` (nothing typed yet) the limits that need no house are shown:
    the ceiling, the balance multiple and the repayment capacity at the longest term, 首套."""
    quote = Quote(problems=eligibility_problems(borrower=borrower, co_borrower=co_borrower, policy=policy))
    quote.max_term_months = max_term_months(
        id_number=borrower.id_number, job_category=borrower.job_category, today=today, policy=policy
    )
    if quote.max_term_months < MIN_TERM_MONTHS:
        quote.problems.append("按法定退休年龄计算，您可申请的贷款期限不足1年，不能申请住房公积金贷款。")
    term = ask.term_months if ask else quote.max_term_months
    if ask and not MIN_TERM_MONTHS <= term <= quote.max_term_months:
        quote.problems.append(
            f"贷款期限须在 {MIN_TERM_MONTHS} 至 {quote.max_term_months} 个月之间"
            f"（最长 {policy.loan_max_years} 年，且不超过法定退休年龄后 {policy.loan_retirement_extra_years} 年）。"
        )
        term = max(MIN_TERM_MONTHS, min(term, quote.max_term_months))
    second_home = bool(ask and ask.second_home)
    quote.rate = loan_rate_on(policy.loan_rates, max(term, 1), today, second_home=second_home)
    depositing = co_borrower if co_borrower is not None and co_borrower.status == "normal" else None
    depositing_co = depositing is not None

    ceiling = policy.loan_max_amount_couple if depositing_co else policy.loan_max_amount
    who = "夫妻双方均缴存" if depositing_co else "单方缴存"
    limits = [Limit("中心最高额度", ceiling, f"{who}最高 {ceiling:,.0f} 元")]

    co_balance = depositing.balance if depositing is not None else Decimal("0")
    by_balance = yuan_floor((borrower.balance + co_balance) * policy.loan_balance_multiple)
    shown = f"账户余额 {borrower.balance:,.2f} 元"
    if depositing_co:
        shown += f" + 共同借款人 {co_balance:,.2f} 元"
    limits.append(Limit("账户余额倍数", by_balance, f"{shown} × {plain(policy.loan_balance_multiple)} 倍"))

    co_income = depositing.base if depositing is not None else (ask.co_income if ask else Decimal("0"))
    income = borrower.base + co_income
    debts = ask.other_debts if ask else Decimal("0")
    capacity = (income * policy.loan_income_share - debts).quantize(Decimal("0.01"))
    method = ask.method if ask else EQUAL_INSTALMENT
    by_income = (
        yuan_floor(principal_for_payment(payment=capacity, annual_rate=quote.rate, months=term, method=method))
        if quote.rate is not None
        else Decimal("0")
    )
    shown_rate = rate_text(quote.rate) if quote.rate else "—"
    limits.append(
        Limit(
            "还款能力",
            by_income,
            f"月收入 {income:,.2f} 元 × {plain(policy.loan_income_share * 100)}% − 其他月还款 {debts:,.2f} 元"
            f" = 月还款能力 {capacity:,.2f} 元，按 {term} 个月、年利率 {shown_rate} 计",
        )
    )
    if ask:
        share = policy.loan_down_payment_second if second_home else policy.loan_down_payment_first
        which = "二套" if second_home else "首套"
        limits.append(
            Limit(
                "房价与首付比例",
                yuan_floor(ask.house_price * (1 - share)),
                f"房价 {ask.house_price:,.2f} 元 ×（1 − {which}最低首付 {plain(share * 100)}%）",
            )
        )
    quote.limits = limits
    binding = min(limits, key=lambda limit: limit.amount)
    quote.amount, quote.binding = max(binding.amount, Decimal("0")), binding.name
    if quote.amount < MIN_AMOUNT and not quote.problems:
        quote.problems.append(f"可贷额度不足 {MIN_AMOUNT:,.0f} 元（受“{binding.name}”限制），暂不能申请。")
    return quote


def amount_problem(*, amount: Decimal, quote: Quote) -> str | None:
    if amount < MIN_AMOUNT:
        return f"贷款金额不能低于 {MIN_AMOUNT:,.0f} 元。"
    if amount > quote.amount:
        return f"贷款金额不能超过可贷额度 {quote.amount:,.0f} 元（受“{quote.binding}”限制）。"
    return None
