"""The reviewer's workbench: everything needed to decide on one application, on one screen.

A selector: it reads and re-runs the same rules the services run at approval (never writes)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from deposits.selectors import account_continuous_deposit_months, account_entries_between
from gjj_portal.identity import mask_id_number
from loans.models import CommercialLoan, LoanContract
from policy.center import WorkingCalendar, current_policy

from . import rules
from .models import Status, WithdrawalApplication, WithdrawalKind
from .selectors import rent_facts
from .services import Payee, _payee_problem, closing_amount, closing_problem, loan_withdrawal_limit


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Deadline:
    due_on: date | None
    days_left: int | None

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


def review_deadline(*, application: WithdrawalApplication, today: date | None = None) -> Deadline:
    """审核时限: the policy's working days from the day it was (last) submitted."""
    return review_deadlines(applications=[application], today=today)[0]


def review_deadlines(*, applications, today: date | None = None) -> list[Deadline]:
    """The deadlines of a page of applications, on one calendar read once."""
    today = today or timezone.localdate()
    days = current_policy().review_sla_days
    submitted = [timezone.localdate(a.submitted_at) if a.submitted_at else None for a in applications]
    known = [d for d in submitted if d is not None]
    if not known:
        return [Deadline(None, None) for _ in applications]
    calendar = WorkingCalendar.around(min(*known, today), max(*known, today), days)
    out = []
    for day in submitted:
        due = calendar.after(day, days) if day else None
        out.append(Deadline(due, calendar.between(today, due)) if due else Deadline(None, None))
    return out


def _check(name: str, problem: str | None, ok_text: str) -> Check:
    return Check(name, problem is None, problem or ok_text)


def eligibility_checks(*, application: WithdrawalApplication, today: date) -> tuple[list[Check], object]:
    """The rules re-run now, each with its result, and the computed maximum (None where not computed)."""
    account, policy = application.account, current_policy()
    checks = [
        _check(
            "收款银行与卡号",
            _payee_problem(Payee(application.bank, application.card_number)),
            "收款银行在名单内，卡号格式正确",
        ),
        Check(
            "卡号校验（Luhn）",
            application.card_luhn_ok,
            "通过" if application.card_luhn_ok else "未通过：请核对卡号，必要时电话联系申请人",
        ),
    ]
    limit = None
    if application.kind == WithdrawalKind.RENT:
        facts = rent_facts(account=account, today=today, excluding=application)
        rental = application.rental
        limit = rules.rent_withdrawable(
            monthly_rent=rental.monthly_rent,
            start_month=rental.start_month,
            end_month=rental.end_month,
            balance=account.balance,
            policy=policy,
        )
        checks += [
            _check(
                "租房提取条件",
                rules.rent_eligibility_problem(facts, policy),
                "账户正常、无自有住房、连续缴存满足、次数未超",
            ),
            _check(
                "租房期间",
                rules.rent_period_problem(
                    year=rental.year, start_month=rental.start_month, end_month=rental.end_month, today=today
                ),
                f"{rental.year}年{rental.start_month}月至{rental.end_month}月",
            ),
        ]
    elif application.closes_account:
        problem = closing_problem(kind=application.kind, account=account, today=today, excluding=application)
        checks.append(_check("销户提取条件", problem, "符合条件"))
        if application.status in (Status.SUBMITTED, Status.MATERIALS_REQUESTED):
            limit = closing_amount(account=account, today=today)
    elif application.commercial_loan is None and application.loan_contract is None:
        # 两地联办 偿还异地贷款: the loan is held elsewhere; the reviewer 核定 from the scanned contract and
        # repayments, within the balance the approval will check again.
        checks.append(Check("异地贷款", True, "贷款不在本中心：按扫描的借款合同、还款明细核定提取额度"))
        limit = account.balance - current_policy().min_balance_after_withdrawal
    else:
        loan = application.commercial_loan or application.loan_contract
        problem, limit = loan_withdrawal_limit(
            account=account, kind=application.kind, loan=loan, today=today, excluding=application
        )
        checks.append(_check("还贷提取条件", problem, "符合条件"))
    if limit is not None and not application.closes_account:
        checks.append(
            _check("提取金额", rules.amount_problem(amount=application.amount, limit=limit), "不超过可提取金额")
        )
    return checks, limit


def review_workbench(*, application: WithdrawalApplication, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    account = application.account
    checks, limit = eligibility_checks(application=application, today=today)
    since = today.replace(day=1) - timedelta(days=730)
    return {
        "account": account,
        "masked_id": mask_id_number(account.id_number),
        "continuous_months": account_continuous_deposit_months(account=account, today=today),
        "entries": account_entries_between(account=account, start=since, end=today),
        "earlier": WithdrawalApplication.objects.filter(account=account, created_at__year=today.year)
        .exclude(pk=application.pk)
        .order_by("-created_at"),
        "loans": LoanContract.objects.filter(borrower=account) | LoanContract.objects.filter(co_borrower=account),
        "commercial_loans": CommercialLoan.objects.filter(borrower=account),
        "checks": checks,
        "all_ok": all(c.ok for c in checks),
        "limit": limit,
        "deadline": review_deadline(application=application, today=today),
        "history": application.changes.select_related("actor").order_by("at"),
        "materials": application.materials.all(),
        "payout": getattr(application, "payout", None),
    }
