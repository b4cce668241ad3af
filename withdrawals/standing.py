"""委托提取: a depositor's monthly standing instruction. Instruction: active → cancelled.

Each month, from the policy's day on, the job (Celery beat daily, or `manage.py run_standing_withdrawals`)
makes one withdrawal per active instruction through the same path as a one-off application: the same
eligibility rules and payee rule (the bound card and its cooling-off), an application of the same kind,
the reserve balance kept, then approval and release by the system under the signed instruction, and the
payout through Celery and the bank like any other. A `StandingRun` row per instruction and month (unique)
makes a second run of the month, or two workers at once, pay nothing more; a skipped month says why,
and the depositor is told either way."""

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from deposits.models import PersonalAccount
from deposits.services import account_lock
from gjj_portal.errors import DomainError
from gjj_portal.months import month_start
from gjj_portal.states import change_record, moves_record
from messages_center.services import message_send
from policy.center import current_policy

from . import rules
from .models import (
    STANDING_KINDS,
    STANDING_TRANSITIONS,
    Channel,
    RentalDetail,
    StandingInstruction,
    StandingInstructionChange,
    StandingRun,
    WithdrawalKind,
)
from .review import payout_release, withdrawal_approve
from .selectors import account_facts, hpf_overdue, rent_facts
from .services import Payee, WithdrawalError, _after_open, _open, _payee_problem

BUSINESS = "委托提取"
SYSTEM_OPINION = "按委托提取协议自动审核"


@dataclass(frozen=True)
class StandingTerms:
    kind: str
    bank: str
    card_number: str
    loan: object | None = None  # LoanContract (公贷) or CommercialLoan (商贷)
    monthly_rent: Decimal | None = None
    region: str = ""
    address: str = ""


def _loan_problem(*, account, kind: str, loan, today: date) -> str | None:
    if loan is None:
        return "请选择要委托还款的贷款。"
    if kind == WithdrawalKind.COMMERCIAL_LOAN and loan.borrower_id != account.pk:
        return "商贷委托提取须由主贷人本人签约。"
    if kind == WithdrawalKind.HPF_LOAN:
        if account.pk not in (loan.borrower_id, loan.co_borrower_id):
            return "该贷款合同不属于您。"
        if loan.status != "disbursed":
            return "该贷款不在还款中，不能委托提取。"
    return rules.standing_loan_problem(
        facts=account_facts(account=account, today=today),
        overdue=kind == WithdrawalKind.HPF_LOAN and hpf_overdue(contract=loan),
    )


def _rent_problem(*, account, terms: StandingTerms, today: date, signing: bool) -> str | None:
    policy = current_policy()
    facts = rent_facts(account=account, today=today)
    if not signing:
        # The instruction is the year's rent withdrawal: its own months do not count against it.
        facts = dataclasses.replace(facts, rent_withdrawals_this_year=0)
    return rules.rent_eligibility_problem(facts, policy) or rules.standing_rent_problem(
        region=terms.region,
        monthly_rent=terms.monthly_rent,
        needs_materials=rules.rent_needs_materials(
            rent_region=terms.region, employer_region=account.employer.region, policy=policy
        ),
        policy=policy,
    )


@transaction.atomic
def standing_sign(*, user, account: PersonalAccount, terms: StandingTerms, today: date | None = None):
    """签订委托提取协议: checked now under the same rules as a one-off application of its kind."""
    today = today or timezone.localdate()
    account = account_lock(account_id=account.pk)
    if terms.kind not in STANDING_KINDS:
        raise WithdrawalError("该提取类型不能办理委托提取。")
    if StandingInstruction.objects.filter(account=account, kind=terms.kind, status="active").exists():
        raise WithdrawalError("您已签订此类委托提取协议，如需修改请先撤销原协议。")
    if terms.kind == WithdrawalKind.RENT:
        problem = _rent_problem(account=account, terms=terms, today=today, signing=True)
    else:
        problem = _loan_problem(account=account, kind=terms.kind, loan=terms.loan, today=today)
    problem = problem or _payee_problem(Payee(terms.bank, terms.card_number), account)
    if problem:
        raise WithdrawalError(problem)
    links = {}
    if terms.kind == WithdrawalKind.COMMERCIAL_LOAN:
        links["commercial_loan"] = terms.loan
    elif terms.kind == WithdrawalKind.HPF_LOAN:
        links["loan_contract"] = terms.loan
    instruction = StandingInstruction.objects.create(
        applicant=user,
        account=account,
        kind=terms.kind,
        bank=terms.bank,
        card_number=terms.card_number,
        monthly_rent=terms.monthly_rent if terms.kind == WithdrawalKind.RENT else None,
        region=terms.region,
        address=terms.address,
        **links,
    )
    change_record(
        StandingInstructionChange,
        {"instruction": instruction},
        to=instruction.status,
        actor=user,
        reason="签订委托提取协议",
    )
    day = current_policy().standing_day
    message_send(
        recipient=user,
        business=BUSINESS,
        title="委托提取协议已签订",
        body=(
            f"您已签订{instruction.get_kind_display()}委托提取协议（{instruction.number}），"
            f"自下一个执行日起每月{day}日按协议提取，资金转入{terms.bank} 尾号{terms.card_number[-4:]}。"
        ),
    )
    return instruction


@transaction.atomic
def standing_cancel(*, instruction_id: int, user) -> StandingInstruction:
    """撤销: no month is paid after this; a month already run stays as it was."""
    instruction = StandingInstruction.objects.select_for_update().get(pk=instruction_id)
    moves_record(
        StandingInstructionChange,
        STANDING_TRANSITIONS,
        StandingInstruction.State,
        [({"instruction": instruction}, instruction.status, f"委托提取协议{instruction.number}")],
        to=StandingInstruction.State.CANCELLED,
        reason="撤销委托提取协议",
        actor=user,
    )
    instruction.status = StandingInstruction.State.CANCELLED
    instruction.cancelled_at = timezone.now()
    instruction.save(update_fields=["status", "cancelled_at"])
    message_send(
        recipient=instruction.applicant,
        business=BUSINESS,
        title="委托提取协议已撤销",
        body=f"您的{instruction.get_kind_display()}委托提取协议（{instruction.number}）已撤销，此后不再按月提取。",
    )
    return instruction


def _month_due(instruction: StandingInstruction, month: date) -> Decimal:
    """This month's rent (within the policy's cap) or this month's loan instalment."""
    if instruction.kind == WithdrawalKind.RENT:
        return min(instruction.monthly_rent or Decimal("0"), current_policy().rent_monthly_cap)
    if instruction.kind == WithdrawalKind.COMMERCIAL_LOAN:
        assert instruction.commercial_loan is not None  # noqa: S101 (the kind's link, set at signing)
        return instruction.commercial_loan.monthly_payment
    assert instruction.loan_contract is not None  # noqa: S101
    instalment = instruction.loan_contract.schedule.filter(due_on__gte=month, due_on__lt=month_start(month, 1)).first()
    return instalment.payment if instalment else Decimal("0")


def _month_problem(instruction: StandingInstruction, account, today: date) -> str | None:
    if instruction.kind == WithdrawalKind.RENT:
        terms = StandingTerms(
            kind=instruction.kind,
            bank=instruction.bank,
            card_number=instruction.card_number,
            monthly_rent=instruction.monthly_rent,
            region=instruction.region,
            address=instruction.address,
        )
        problem = _rent_problem(account=account, terms=terms, today=today, signing=False)
    else:
        loan: object = instruction.commercial_loan or instruction.loan_contract
        problem = _loan_problem(account=account, kind=instruction.kind, loan=loan, today=today)
    return problem or _payee_problem(Payee(instruction.bank, instruction.card_number), account)


def _pay(instruction: StandingInstruction, account, amount: Decimal, month: date, today: date):
    links: dict[str, object] = {}
    if instruction.commercial_loan_id:
        links["commercial_loan"] = instruction.commercial_loan
    if instruction.loan_contract_id:
        links["loan_contract"] = instruction.loan_contract
    application = _open(
        user=instruction.applicant,
        account=account,
        kind=instruction.kind,
        amount=amount,
        payee=Payee(instruction.bank, instruction.card_number),
        needs_materials=False,
        channel=Channel.STANDING,
        **links,
    )
    if instruction.kind == WithdrawalKind.RENT:
        RentalDetail.objects.create(
            application=application,
            region=instruction.region,
            address=instruction.address,
            year=month.year,
            start_month=month.month,
            end_month=month.month,
            monthly_rent=instruction.monthly_rent or Decimal("0"),
        )
    application = _after_open(application, instruction.applicant)
    withdrawal_approve(application_id=application.pk, reviewer=None, opinion=SYSTEM_OPINION)
    payout_release(application_id=application.pk, releaser=None)
    return application


@transaction.atomic
def standing_run_month(*, instruction_id: int, month: date, today: date) -> StandingRun | None:
    """One instruction, one month: paid or skipped, once. None if the month was already run or the
    instruction is no longer active."""
    instruction = StandingInstruction.objects.select_for_update().get(pk=instruction_id)
    if instruction.status != StandingInstruction.State.ACTIVE or instruction.runs.filter(month=month).exists():
        return None
    account = account_lock(account_id=instruction.account_id)
    policy = current_policy()
    problem = _month_problem(instruction, account, today)
    amount = rules.standing_amount(due=_month_due(instruction, month), balance=account.balance, policy=policy)
    if not problem and amount <= 0:
        problem = f"账户可提取余额不足（须保留最低留存{policy.min_balance_after_withdrawal:,.2f}元）。"
    application = None
    if not problem:
        try:
            with transaction.atomic():
                application = _pay(instruction, account, amount, month, today)
        except DomainError as exc:
            problem = str(exc)
    run = StandingRun.objects.create(
        instruction=instruction,
        month=month,
        outcome=StandingRun.Outcome.SKIPPED if problem else StandingRun.Outcome.PAID,
        amount=None if problem else amount,
        application=application,
        reason=problem or SYSTEM_OPINION,
    )
    label = f"{month:%Y年%m月}{instruction.get_kind_display()}委托提取"
    if problem or application is None:
        message_send(recipient=instruction.applicant, business=BUSINESS, title=f"{label}未执行", body=problem or "")
    else:
        message_send(
            recipient=instruction.applicant,
            business=BUSINESS,
            title=f"{label}{amount:,.2f}元",
            body=(
                f"已按协议{instruction.number}提取{amount:,.2f}元（申请编号{application.number}），"
                f"正在转入{instruction.bank} 尾号{instruction.card_number[-4:]}，到账后另行通知。"
            ),
        )
    return run


@dataclass
class StandingMonth:
    paid: int = 0
    skipped: int = 0
    already: int = 0


def standing_withdrawals_run(*, today: date | None = None, progress=None) -> StandingMonth:
    """The month's run, from the policy's day on (a daily job catches up after a missed day). Only the
    instructions without a row for the month are visited: a second run reads one query and pays nothing."""
    today = today or timezone.localdate()
    result = StandingMonth()
    if today.day < current_policy().standing_day:
        return result
    month = month_start(today)
    due = list(
        StandingInstruction.objects.filter(status=StandingInstruction.State.ACTIVE)
        .exclude(runs__month=month)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if progress is not None:
        progress.reset(total=len(due))
    for instruction_id in due:
        run = standing_run_month(instruction_id=instruction_id, month=month, today=today)
        if run is None:
            result.already += 1
        elif run.outcome == StandingRun.Outcome.PAID:
            result.paid += 1
        else:
            result.skipped += 1
        if progress is not None:
            progress.update(1)
    return result
