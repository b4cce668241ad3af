from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from deposits.models import PersonalAccount
from deposits.selectors import account_continuous_deposit_months
from gjj_portal.retirement import birth_from_id_number, cohort_for, retirement_month, sex_from_id_number
from loans.models import CommercialLoan, Instalment, LoanContract, LoanStatus, Repayment

from .models import Status, WithdrawalApplication, WithdrawalKind
from .rules import AccountFacts, RentFacts, months_between


def rent_facts(*, account: PersonalAccount, today: date, excluding=None) -> RentFacts:
    """`excluding`: the application under review, which must not count against itself."""
    earlier = WithdrawalApplication.objects.active().filter(
        account=account, kind=WithdrawalKind.RENT, rental__year=today.year
    )
    return RentFacts(
        account_status=account.status,
        owns_house=account.owns_house,
        continuous_months=account_continuous_deposit_months(account=account, today=today),
        balance=account.balance,
        rent_withdrawals_this_year=(earlier.exclude(pk=excluding.pk) if excluding else earlier).count(),
    )


def account_facts(*, account: PersonalAccount, today: date) -> AccountFacts:
    cohort = cohort_for(sex=sex_from_id_number(account.id_number), job_category=account.job_category)
    try:
        retires: date | None = retirement_month(birth_from_id_number(account.id_number), cohort)
    except ValueError:  # an ID whose birth date cannot be read (an old record, another kind of ID): unknown
        retires = None
    return AccountFacts(
        status=account.status,
        seal_reason=account.seal_reason,
        sealed_on=account.sealed_on,
        household_region=account.household_region,
        balance=account.balance,
        retirement_month=retires,
        today=today,
    )


def withdrawals_this_year(*, account: PersonalAccount, kind: str, today: date, excluding=None) -> int:
    # The months of a 委托提取协议 are not one-off applications: they do not count against the year's limit.
    found = WithdrawalApplication.objects.active().filter(
        account=account, kind=kind, created_at__year=today.year, standing_run__isnull=True
    )
    return (found.exclude(pk=excluding.pk) if excluding else found).count()


def closing_application_in_progress(*, account: PersonalAccount, excluding=None) -> bool:
    from .models import CLOSING_KINDS

    in_progress = [Status.DRAFT, Status.SUBMITTED, Status.MATERIALS_REQUESTED, Status.APPROVED, Status.PAYING]
    qs = WithdrawalApplication.objects.filter(account=account, kind__in=CLOSING_KINDS, status__in=in_progress)
    if excluding is not None:
        qs = qs.exclude(pk=excluding.pk)
    return qs.exists()


def commercial_loans_of(*, account: PersonalAccount):
    """查询材料号: the commercial loan records where this depositor is the main borrower."""
    return CommercialLoan.objects.filter(borrower=account).order_by("-start_on")


def commercial_repaid(*, loan: CommercialLoan, today: date) -> Decimal:
    """Repaid principal and interest in the last 12 months (the monthly payment × months repaid)."""
    start = max(loan.start_on, today - timedelta(days=365))
    return loan.monthly_payment * min(12, max(0, months_between(start, today)))


def hpf_loan_of(*, account: PersonalAccount, contract_no: str) -> LoanContract | None:
    """输入提取材料号: the depositor's own HPF loan by its contract number (None for anyone else's)."""
    return LoanContract.objects.of_account(account).filter(contract_no=contract_no.strip()).first()


def hpf_loans_repaying(*, account: PersonalAccount) -> list[LoanContract]:
    """The person's HPF loans being repaid (borrower or co-borrower): 公贷还款提取 and 我现在能办什么 offer these."""
    return list(LoanContract.objects.of_account(account).filter(status=LoanStatus.DISBURSED).order_by("contract_no"))


def hpf_repaid(*, contract: LoanContract, today: date) -> Decimal:
    """Instalments actually repaid in the last 12 months."""
    return Repayment.objects.filter(
        contract=contract, kind=Repayment.Kind.INSTALMENT, paid_on__gt=today - timedelta(days=365)
    ).aggregate(s=Sum("amount"))["s"] or Decimal("0.00")


def hpf_overdue(*, contract: LoanContract) -> bool:
    return contract.schedule.filter(status=Instalment.State.OVERDUE).exists()


def application_get_for_user(*, user, public_id) -> WithdrawalApplication:
    """The one lookup for a depositor's application: anyone else's answers 404."""
    return get_object_or_404(
        WithdrawalApplication.objects.select_related("account", "rental").of_user(user), public_id=public_id
    )


def applications_of_user(*, user):
    """我发起的: the person's applications, newest first."""
    return WithdrawalApplication.objects.of_user(user).order_by("-created_at", "-id")


def application_timeline(*, application: WithdrawalApplication, changes: list) -> list[dict]:
    """办理进度: 提交申请 → 中心审核 → 资金划转 → 到账, each done (with its time), under way (with the day it is
    expected, from the working-day calendar and the policy's review days) or not reached; a refusal, 撤回 or a
    failed payment ends it where it happened. `changes` are the application's change rows, oldest first."""
    from policy.center import current_policy, working_day_after

    from .guides import PAYOUT_WORKING_DAYS

    def at(*statuses):
        return next((c.at for c in reversed(changes) if c.to_status in statuses), None)

    status = application.status
    submitted = application.submitted_at or at(Status.SUBMITTED)
    decided = at(Status.APPROVED, Status.REJECTED)
    paid = at(Status.PAID)
    step = lambda name, state, when=None, note="": {"name": name, "state": state, "at": when, "note": note}  # noqa: E731
    steps = []
    if status == Status.DRAFT:
        steps.append(step("提交申请", "current", note="上传所需材料并点击“确定”后提交审核"))
    else:
        steps.append(step("提交申请", "done", submitted or application.created_at))
    if status == Status.WITHDRAWN:
        steps.append(step("已撤回", "stopped", at(Status.WITHDRAWN), "本人撤回，申请终止"))
        return steps
    review_by = None
    if submitted:
        review_by = working_day_after(timezone.localdate(submitted), current_policy().review_sla_days)
    if status == Status.REJECTED:
        steps.append(step("中心审核", "stopped", decided, f"审核不通过：{application.review_opinion or ''}"))
        return steps
    if status in (Status.DRAFT, Status.SUBMITTED, Status.MATERIALS_REQUESTED):
        note = f"预计 {review_by:%Y年%m月%d日} 前完成审核" if review_by else "提交后开始审核"
        if status == Status.MATERIALS_REQUESTED:
            note = "中心要求补充材料，请上传后点击“确定”"
        steps.append(step("中心审核", "current" if status != Status.DRAFT else "waiting", note=note))
        steps.append(step("资金划转", "waiting"))
        steps.append(step("到账", "waiting", note=f"审核通过后一般{PAYOUT_WORKING_DAYS}个工作日内到账"))
        return steps
    steps.append(step("中心审核", "done", decided, "审核通过"))
    expected = working_day_after(timezone.localdate(decided), PAYOUT_WORKING_DAYS) if decided else None
    if status == Status.FAILED:
        steps.append(step("资金划转", "stopped", at(Status.FAILED), "付款失败，款项已退回公积金账户，中心将与您联系"))
        return steps
    if status == Status.PAID:
        steps.append(step("资金划转", "done", at(Status.PAYING) or paid))
        steps.append(step("到账", "done", paid, f"已转入{application.bank}尾号{application.card_number[-4:]}的银行卡"))
        return steps
    steps.append(step("资金划转", "current" if status == Status.PAYING else "waiting", at(Status.PAYING)))
    note = f"预计 {expected:%Y年%m月%d日} 前到账" if expected else ""
    steps.append(step("到账", "waiting", note=note))
    return steps
