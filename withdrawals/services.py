"""Withdrawal applications: creating and submitting them (review is in review.py, payouts in payouts.py).

States: 草稿 draft → 已提交 submitted → (待补件 materials_requested → submitted) → 审核通过 approved
or 审核不通过 rejected → 付款中 paying → 已到账 paid or 付款失败 failed (see models.TRANSITIONS).
Every rule is checked again here, under the account's row lock, whatever the form already said.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from deposits.models import PersonalAccount
from deposits.selectors import account_interest_to_date
from deposits.services import account_lock
from gjj_portal import errors
from gjj_portal.cache import person_changed
from gjj_portal.errors import DomainError
from gjj_portal.states import change_record, moves_record
from policy.center import current_policy

from . import rules
from .models import (
    TRANSITIONS,
    Channel,
    Material,
    RentalDetail,
    Status,
    StatusChange,
    WithdrawalApplication,
    WithdrawalKind,
)
from .notifications import application_notify, applications_notify_many
from .selectors import (
    account_facts,
    closing_application_in_progress,
    commercial_repaid,
    hpf_overdue,
    hpf_repaid,
    rent_facts,
    withdrawals_this_year,
)


class WithdrawalError(DomainError):
    """A refusal with a Chinese message for the person who asked."""


class InvalidTransition(WithdrawalError, errors.InvalidTransition):
    """A move the applications' transition table does not allow."""


def _moves(applications: list[WithdrawalApplication], reasons: dict[int, str] | None = None):
    """The applications as moves for the recorder (gjj_portal.states.moves_record)."""
    for a in applications:
        entity = {"application": a} if reasons is None else {"application": a, "reason": reasons[a.pk]}
        yield entity, a.status, f"申请{a.number}"


def _transition(*, application: WithdrawalApplication, to: Status, actor=None, reason: str = "") -> None:
    """Move a locked application to `to`, recording who, when, from, to and why."""
    moves_record(
        StatusChange, TRANSITIONS, Status, _moves([application]), to=to, reason=reason, actor=actor,
        error=InvalidTransition,
    )  # fmt: skip
    application.status = to
    application.save(update_fields=["status"])
    person_changed(application.applicant_id)
    application_notify(application=application, to_status=to, reason=reason)
    _partner_follow([application], to, {application.pk: reason})


# Who must hear of every move of a 两地联办 application, in its transaction: crosscenter registers the
# function that reports it to the center that accepted it (crosscenter.apps; this app does not import it).
JOINT_FOLLOWERS: list = []


def _partner_follow(applications: list[WithdrawalApplication], to: str, reasons: dict[int, str]) -> None:
    joint = [a for a in applications if a.channel == Channel.JOINT]
    if joint:
        for follow in JOINT_FOLLOWERS:
            follow(applications=joint, to=to, reasons=reasons)


def _transition_many(*, applications: list[WithdrawalApplication], to: Status, reasons: dict[int, str]) -> None:
    """`_transition` for many locked applications moving to the same state by the system (the
    payouts): the rules checked for each, then one INSERT of their status rows, one UPDATE and one
    COPY of their notices. `reasons` maps each application's id to its why."""
    if not applications:
        return
    moves_record(
        StatusChange, TRANSITIONS, Status, _moves(applications, reasons), to=to, reason="", error=InvalidTransition
    )
    WithdrawalApplication.objects.filter(pk__in=[a.pk for a in applications]).update(status=to)
    person_changed(*{a.applicant_id for a in applications})
    for application in applications:
        application.status = to
    applications_notify_many(applications=applications, to_status=to, reasons=reasons)
    _partner_follow(applications, to, reasons)


@dataclass(frozen=True)
class Payee:
    bank: str
    card_number: str


def bound_card(account) -> rules.BoundCard:
    return rules.BoundCard(account.payee_bank, account.payee_card, account.payee_card_since)


def _payee_problem(payee: Payee, account=None) -> str | None:
    """The bank and card; with the account, also its bound card and that card's cooling-off."""
    policy = current_policy()
    problem = rules.payee_problem(bank=payee.bank, card_number=payee.card_number, policy=policy)
    if problem or account is None:
        return problem
    return rules.bound_card_problem(
        bank=payee.bank,
        card_number=payee.card_number,
        bound=bound_card(account),
        now=timezone.now(),
        cooling_hours=policy.card_cooling_hours,
    )


def _open(
    *, user, account, kind, amount, payee: Payee, needs_materials: bool, channel: str = Channel.ONLINE, **links
) -> WithdrawalApplication:
    """Create the application as a draft; without materials to upload it is submitted at once."""
    application = WithdrawalApplication.objects.create(
        applicant=user,
        account=account,
        kind=kind,
        amount=amount,
        bank=payee.bank,
        card_number=payee.card_number,
        card_luhn_ok=rules.luhn_ok(payee.card_number),
        needs_materials=needs_materials,
        channel=channel,
        **links,
    )
    return application


def _after_open(application: WithdrawalApplication, user) -> WithdrawalApplication:
    change_record(StatusChange, {"application": application}, to=Status.DRAFT, actor=user, reason="填写申请")
    person_changed(application.applicant_id)
    application_notify(application=application, to_status=Status.DRAFT)
    if not application.needs_materials:
        application = withdrawal_submit(application=application, user=user)
    return application


@dataclass(frozen=True)
class RentRequest:
    region: str
    address: str
    year: int
    start_month: int
    end_month: int
    monthly_rent: Decimal
    bank: str
    card_number: str
    amount: Decimal


@transaction.atomic
def rent_withdrawal_create(
    *, user, account: PersonalAccount, request: RentRequest, today: date | None = None, channel: str = Channel.ONLINE
):
    """租房提取: submitted at once, or a draft awaiting materials (本地上传)."""
    today = today or timezone.localdate()
    policy = current_policy()
    account = account_lock(account_id=account.pk)  # serializes the frequency count per account
    standing = account.standing_instructions.filter(kind=WithdrawalKind.RENT, status="active").exists()
    problem = (
        ("您已签订按月租房委托提取协议，每月自动提取，无需再按次申请。" if standing else None)
        or rules.rent_eligibility_problem(rent_facts(account=account, today=today), policy)
        or rules.rent_period_problem(
            year=request.year, start_month=request.start_month, end_month=request.end_month, today=today
        )
        or _payee_problem(Payee(request.bank, request.card_number), account)
        or rules.amount_problem(
            amount=request.amount,
            limit=rules.rent_withdrawable(
                monthly_rent=request.monthly_rent,
                start_month=request.start_month,
                end_month=request.end_month,
                balance=account.balance,
                policy=policy,
            ),
        )
    )
    if problem:
        raise WithdrawalError(problem)
    application = _open(
        user=user,
        account=account,
        kind=WithdrawalKind.RENT,
        amount=request.amount,
        payee=Payee(request.bank, request.card_number),
        needs_materials=rules.rent_needs_materials(
            rent_region=request.region, employer_region=account.employer.region, policy=policy
        ),
        channel=channel,
    )
    RentalDetail.objects.create(
        application=application,
        region=request.region,
        address=request.address,
        year=request.year,
        start_month=request.start_month,
        end_month=request.end_month,
        monthly_rent=request.monthly_rent,
    )
    return _after_open(application, user)


def closing_amount(*, account: PersonalAccount, today: date) -> Decimal:
    """计算: the whole balance plus interest to date."""
    return account.balance + account_interest_to_date(
        account=account, today=today, rates=current_policy().interest_rates
    )


def closing_problem(*, kind: str, account: PersonalAccount, today: date, excluding=None) -> str | None:
    """`rules.closing_problem` fed by the selectors (the form, the service, approval and the workbench)."""
    return rules.closing_problem(
        kind=kind,
        facts=account_facts(account=account, today=today),
        policy=current_policy(),
        in_progress=closing_application_in_progress(account=account, excluding=excluding),
    )


def closing_needs_materials(*, kind: str, account: PersonalAccount, today: date) -> bool:
    return rules.closing_needs_materials(kind=kind, facts=account_facts(account=account, today=today))


@transaction.atomic
def closing_withdrawal_create(*, user, account: PersonalAccount, kind: str, payee: Payee, today: date | None = None):
    """完全丧失劳动能力 / 退休 / 外地销户提取: the whole balance plus interest; the account closes on approval."""
    today = today or timezone.localdate()
    account = account_lock(account_id=account.pk)
    problem = closing_problem(kind=kind, account=account, today=today) or _payee_problem(payee, account)
    if problem:
        raise WithdrawalError(problem)
    application = _open(
        user=user,
        account=account,
        kind=kind,
        amount=closing_amount(account=account, today=today),
        payee=payee,
        needs_materials=closing_needs_materials(kind=kind, account=account, today=today),
    )
    return _after_open(application, user)


def loan_withdrawal_limit(
    *, account: PersonalAccount, kind: str, loan, today: date, excluding=None
) -> tuple[str | None, Decimal]:
    """(why not, or None; how much at most) for 商贷/公贷还款提取 against one loan record."""
    policy = current_policy()
    if kind == WithdrawalKind.COMMERCIAL_LOAN:
        if loan.borrower_id != account.pk:
            return "商贷还款提取须由主贷人本人申请。", Decimal("0")
        repaid, overdue = commercial_repaid(loan=loan, today=today), False
    else:
        if account.pk not in (loan.borrower_id, loan.co_borrower_id):
            return "该贷款合同不属于您。", Decimal("0")
        repaid, overdue = hpf_repaid(contract=loan, today=today), hpf_overdue(contract=loan)
    problem = rules.loan_withdrawal_problem(
        facts=account_facts(account=account, today=today),
        withdrawals_this_year=withdrawals_this_year(account=account, kind=kind, today=today, excluding=excluding),
        repaid=repaid,
        policy=policy,
        overdue=overdue,
    )
    return problem, rules.loan_withdrawable(repaid=repaid, balance=account.balance, policy=policy)


@transaction.atomic
def loan_withdrawal_create(
    *, user, account: PersonalAccount, kind: str, loan, payee: Payee, amount: Decimal, today: date | None = None
):
    """商贷还款提取 / 公贷还款提取: up to the last year's repayments and the balance."""
    today = today or timezone.localdate()
    account = account_lock(account_id=account.pk)
    problem, limit = loan_withdrawal_limit(account=account, kind=kind, loan=loan, today=today)
    problem = problem or _payee_problem(payee, account) or rules.amount_problem(amount=amount, limit=limit)
    if problem:
        raise WithdrawalError(problem)
    links = {"commercial_loan": loan} if kind == WithdrawalKind.COMMERCIAL_LOAN else {"loan_contract": loan}
    application = _open(
        user=user, account=account, kind=kind, amount=amount, payee=payee, needs_materials=False, **links
    )
    return _after_open(application, user)


@transaction.atomic
def materials_add(*, application: WithdrawalApplication, checked: list, slot: str = "") -> int:
    """本地上传: files already checked by `uploads.material_check`, as (original name, clean file, type), for
    one document of the checklist (`slot`)."""
    for name, content, content_type in checked:
        Material.objects.create(
            application=application,
            file=content,
            slot=slot,
            original_name=name[:200],
            content_type=content_type,
            size=content.size,
        )
    return len(checked)


def materials_removable(*, application: WithdrawalApplication):
    """What the applicant may still remove: everything before 提交; after a 补件 request only what came since
    (what the reviewer has seen stays)."""
    if application.status == Status.DRAFT:
        return application.materials.all()
    if application.status == Status.MATERIALS_REQUESTED:
        asked_at = application.changes.filter(to_status=Status.MATERIALS_REQUESTED).latest("at").at
        return application.materials.filter(uploaded_at__gt=asked_at)
    return application.materials.none()


@transaction.atomic
def material_remove(*, application: WithdrawalApplication, public_id) -> str:
    """删除 a wrong file before submission; its name, for the message. Anything else answers an error."""
    application = WithdrawalApplication.objects.select_for_update().get(pk=application.pk)
    material = materials_removable(application=application).filter(public_id=public_id).first()
    if material is None:
        raise WithdrawalError("该材料已提交审核或不存在，不能删除。")
    name = material.original_name
    material.file.delete(save=False)
    material.delete()
    return name


@transaction.atomic
def withdrawal_withdraw(*, application: WithdrawalApplication, user) -> WithdrawalApplication:
    """撤回: the applicant ends their own online application before the center decides. A 委托提取 month or a
    两地联办 case is not theirs to withdraw here (撤销 the instruction; the accepting center's window)."""
    application = WithdrawalApplication.objects.select_for_update().get(pk=application.pk)
    if application.channel != Channel.ONLINE:
        raise WithdrawalError("该申请不是网上提交的申请，不能在此撤回，请拨打服务热线咨询。")
    if application.status not in WITHDRAWABLE:
        raise WithdrawalError(f"申请已{application.get_status_display()}，不能撤回。")
    _transition(application=application, to=Status.WITHDRAWN, actor=user, reason="本人撤回")
    return application


WITHDRAWABLE = (Status.DRAFT, Status.SUBMITTED, Status.MATERIALS_REQUESTED)


@transaction.atomic
def withdrawal_submit(*, application: WithdrawalApplication, user) -> WithdrawalApplication:
    """提交申请 (or 确定 after 本地上传): draft or 待补件 → submitted."""
    application = WithdrawalApplication.objects.select_for_update().get(pk=application.pk)
    materials = application.materials.all()
    if application.status == Status.MATERIALS_REQUESTED:
        asked_at = application.changes.filter(to_status=Status.MATERIALS_REQUESTED).latest("at").at
        materials = materials.filter(uploaded_at__gt=asked_at)
    if application.needs_materials and not materials.exists():
        raise WithdrawalError("请先点击“本地上传”上传所需材料，再点击“确定”。")
    _transition(application=application, to=Status.SUBMITTED, actor=user, reason="提交申请")
    application.submitted_at = timezone.now()
    application.save(update_fields=["submitted_at"])
    return application
