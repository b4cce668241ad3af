"""Withdrawal applications and their review.

States: 草稿 draft → 已提交 submitted → (待补件 materials_requested → submitted) → 审核通过 approved
or 审核不通过 rejected → 付款中 paying → 已到账 paid or 付款失败 failed (see models.TRANSITIONS).
Approval debits the balance in the same transaction as the state change, under the account's row
lock (locks are always taken account first, then application), and enqueues the payout on commit.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from deposits.models import EntryKind, PersonalAccount
from deposits.services import InsufficientBalance, account_lock, ledger_post
from gjj_portal.policy import current_policy

from . import rules
from .models import TRANSITIONS, Payout, RentalDetail, Status, StatusChange, WithdrawalApplication, WithdrawalKind
from .notifications import application_notify
from .selectors import rent_facts


class WithdrawalError(Exception):
    """A refusal with a Chinese message for the person who asked."""


class InvalidTransition(WithdrawalError):
    pass


def _transition(*, application: WithdrawalApplication, to: Status, actor=None, reason: str = "") -> None:
    """Move a locked application to `to`, recording who, when, from, to and why."""
    if to not in TRANSITIONS[application.status]:
        raise InvalidTransition(
            f"申请{application.number}当前状态为“{application.get_status_display()}”，不能变更为“{Status(to).label}”。"
        )
    StatusChange.objects.create(
        application=application, from_status=application.status, to_status=to, actor=actor, reason=reason
    )
    application.status = to
    application.save(update_fields=["status"])
    application_notify(application=application, to_status=to, reason=reason)


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
def rent_withdrawal_create(*, user, account: PersonalAccount, request: RentRequest, today: date | None = None):
    """Create a 租房提取 application: submitted at once, or a draft awaiting materials (本地上传)."""
    today = today or timezone.localdate()
    policy = current_policy()
    account = account_lock(account_id=account.pk)  # serializes the frequency count per account
    problem = (
        rules.rent_eligibility_problem(rent_facts(account=account, today=today), policy)
        or rules.rent_period_problem(
            year=request.year, start_month=request.start_month, end_month=request.end_month, today=today
        )
        or rules.bank_problem(request.bank, policy)
        or rules.card_number_problem(request.card_number)
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
    needs_materials = rules.rent_needs_materials(
        rent_region=request.region, employer_region=account.employer.region, policy=policy
    )
    application = WithdrawalApplication.objects.create(
        applicant=user,
        account=account,
        kind=WithdrawalKind.RENT,
        amount=request.amount,
        bank=request.bank,
        card_number=request.card_number,
        card_luhn_ok=rules.luhn_ok(request.card_number),
        needs_materials=needs_materials,
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
    StatusChange.objects.create(application=application, to_status=Status.DRAFT, actor=user, reason="填写申请")
    application_notify(application=application, to_status=Status.DRAFT)
    if not needs_materials:
        application = withdrawal_submit(application=application, user=user)
    return application


@transaction.atomic
def withdrawal_submit(*, application: WithdrawalApplication, user) -> WithdrawalApplication:
    """提交申请 (or 确定 after 本地上传): draft or 待补件 → submitted."""
    application = WithdrawalApplication.objects.select_for_update().get(pk=application.pk)
    if application.needs_materials and not application.materials.exists():
        raise WithdrawalError("请先点击“本地上传”上传所需材料，再点击“确定”。")
    _transition(application=application, to=Status.SUBMITTED, actor=user, reason="提交申请")
    application.submitted_at = timezone.now()
    application.save(update_fields=["submitted_at"])
    return application


def _lock_for_review(application_id: int) -> tuple[PersonalAccount, WithdrawalApplication]:
    account_id = WithdrawalApplication.objects.values_list("account_id", flat=True).get(pk=application_id)
    account = account_lock(account_id=account_id)
    application = WithdrawalApplication.objects.select_for_update().get(pk=application_id)
    return account, application


@transaction.atomic
def withdrawal_approve(*, application_id: int, reviewer, opinion: str = "") -> WithdrawalApplication:
    """审核通过: debit the balance (11 部分提取) and create the payout, in one transaction."""
    from .tasks import payout_send

    account, application = _lock_for_review(application_id)
    if Status.APPROVED not in TRANSITIONS[application.status]:
        raise InvalidTransition(
            f"申请{application.number}当前状态为“{application.get_status_display()}”，不能审核通过。"
        )
    policy = current_policy()
    problem = rules.amount_problem(
        amount=application.amount, limit=account.balance - policy.min_balance_after_withdrawal
    )
    if problem:
        raise WithdrawalError(f"账户余额已不足以支付本申请：{problem}")
    try:
        ledger_post(
            account=account,
            kind=EntryKind.PARTIAL_WITHDRAWAL,
            amount=-application.amount,
            reference=application.number,
            occurred_on=timezone.localdate(),
            memo=application.get_kind_display(),
        )
    except InsufficientBalance as exc:
        raise WithdrawalError(str(exc)) from exc
    opinion = opinion.strip() or "审核通过"
    _transition(application=application, to=Status.APPROVED, actor=reviewer, reason=opinion)
    application.review_opinion = opinion
    application.reviewed_by = reviewer
    application.reviewed_at = timezone.now()
    application.save(update_fields=["review_opinion", "reviewed_by", "reviewed_at"])
    payout = Payout.objects.create(
        application=application,
        amount=application.amount,
        bank=application.bank,
        card_number=application.card_number,
        payee_name=account.name,
    )
    transaction.on_commit(lambda: payout_send.delay(payout.pk))
    return application


@transaction.atomic
def withdrawal_reject(*, application_id: int, reviewer, opinion: str) -> WithdrawalApplication:
    """审核不通过: the reason is required and shown to the depositor; no money moves."""
    if not opinion or not opinion.strip():
        raise WithdrawalError("审核不通过时必须填写审批意见（不通过原因）。")
    _account, application = _lock_for_review(application_id)
    _transition(application=application, to=Status.REJECTED, actor=reviewer, reason=opinion.strip())
    application.review_opinion = opinion.strip()
    application.reviewed_by = reviewer
    application.reviewed_at = timezone.now()
    application.save(update_fields=["review_opinion", "reviewed_by", "reviewed_at"])
    return application
