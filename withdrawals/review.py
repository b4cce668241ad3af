"""Review of withdrawal applications in admin: 初审 approves, rejects or asks for materials; a second
person (复核/财务) releases the payout. Approval takes the money from the balance in the same
transaction (LOCK ORDER, as in payouts.py: account → application → payout), so two approvals can
never spend it twice;
closing withdrawals also post interest to date, take the whole balance and close the account."""

from django.db import transaction
from django.utils import timezone

from deposits.models import EntryKind, PersonalAccount
from deposits.services import InsufficientBalance, account_close, account_lock, interest_to_date_post, ledger_post
from gjj_portal.states import change_record
from policy.center import current_policy

from . import rules
from .models import TRANSITIONS, Payout, PayoutChange, Status, WithdrawalApplication
from .payouts import payouts_record
from .services import InvalidTransition, WithdrawalError, _transition, closing_problem


def _lock_for_review(application_id: int) -> tuple[PersonalAccount, WithdrawalApplication]:
    account_id = WithdrawalApplication.objects.values_list("account_id", flat=True).get(pk=application_id)
    account = account_lock(account_id=account_id)
    application = WithdrawalApplication.objects.select_for_update().get(pk=application_id)
    return account, application


def _record_review(application, reviewer, opinion):
    application.review_opinion = opinion
    application.reviewed_by = reviewer
    application.reviewed_at = timezone.now()
    application.save(update_fields=["review_opinion", "reviewed_by", "reviewed_at", "amount", "account_status_before"])


def _take_closing(account: PersonalAccount, application: WithdrawalApplication, reviewer) -> None:
    """Interest to date (09), then the whole balance (12 销户提取), and the account closes (05)."""
    today = timezone.localdate()
    problem = closing_problem(kind=application.kind, account=account, today=today, excluding=application)
    if problem:
        raise WithdrawalError(f"申请人已不符合条件：{problem}")
    interest_to_date_post(
        account=account,
        reference=f"JX{application.number}",
        memo="销户结息",
        today=today,
        rates=current_policy().interest_rates,
    )
    application.amount = account.balance
    ledger_post(
        account=account,
        kind=EntryKind.CLOSING_WITHDRAWAL,
        amount=-account.balance,
        reference=application.number,
        occurred_on=today,
        memo=application.get_kind_display(),
    )
    application.account_status_before = account_close(
        account=account, actor=reviewer, reason=f"{application.get_kind_display()}（申请{application.number}）"
    )


def _take_partial(account: PersonalAccount, application: WithdrawalApplication) -> None:
    limit = account.balance - current_policy().min_balance_after_withdrawal
    if problem := rules.amount_problem(amount=application.amount, limit=limit):
        raise WithdrawalError(f"账户余额已不足以支付本申请：{problem}")
    if account.status in rules.CLOSED_STATUSES:
        raise WithdrawalError("申请人的账户已销户，不能再支付。")
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


@transaction.atomic
def withdrawal_approve(*, application_id: int, reviewer, opinion: str = "") -> WithdrawalApplication:
    """审核通过: the money leaves the balance now; the payout waits for a second person's release."""
    account, application = _lock_for_review(application_id)
    if Status.APPROVED not in TRANSITIONS[application.status]:
        raise InvalidTransition(
            f"申请{application.number}当前状态为“{application.get_status_display()}”，不能审核通过。"
        )
    if application.closes_account:
        _take_closing(account, application, reviewer)
    else:
        _take_partial(account, application)
    opinion = opinion.strip() or "审核通过"
    _transition(application=application, to=Status.APPROVED, actor=reviewer, reason=opinion)
    _record_review(application, reviewer, opinion)
    payout = Payout.objects.create(
        application=application,
        amount=application.amount,
        bank=application.bank,
        card_number=application.card_number,
        payee_name=account.name,
    )
    change_record(PayoutChange, {"payout": payout}, to=payout.status, actor=reviewer, reason="审核通过，待复核放款")
    return application


@transaction.atomic
def withdrawal_reject(*, application_id: int, reviewer, opinion: str) -> WithdrawalApplication:
    """审核不通过: the reason is required and shown to the depositor; no money moves."""
    if not opinion or not opinion.strip():
        raise WithdrawalError("审核不通过时必须填写审批意见（不通过原因）。")
    _account, application = _lock_for_review(application_id)
    _transition(application=application, to=Status.REJECTED, actor=reviewer, reason=opinion.strip())
    _record_review(application, reviewer, opinion.strip())
    return application


@transaction.atomic
def withdrawal_request_materials(*, application_id: int, reviewer, reason: str) -> WithdrawalApplication:
    """要求补件: the depositor gets a 待办 and uploads again; the application comes back as submitted."""
    if not reason or not reason.strip():
        raise WithdrawalError("要求补件时必须写明需补充的材料。")
    _account, application = _lock_for_review(application_id)
    _transition(application=application, to=Status.MATERIALS_REQUESTED, actor=reviewer, reason=reason.strip())
    application.needs_materials = True
    application.save(update_fields=["needs_materials"])
    return application


@transaction.atomic
def payout_release(*, application_id: int, releaser, send: bool = True) -> Payout:
    """复核放款: a second person lets the approved payout go to the bank (enqueued after COMMIT;
    `send=False` when the caller releases many and enqueues them in batches, `payouts_enqueue`)."""
    from .tasks import payout_send

    application = WithdrawalApplication.objects.select_for_update().get(pk=application_id)
    payout = Payout.objects.select_for_update().filter(application=application).first()
    if payout is None or payout.status != Payout.State.HELD:
        raise WithdrawalError(f"申请{application.number}没有待复核的付款。")
    # releaser None: the system, under a signed 委托提取协议 (withdrawals.standing), never a person.
    if releaser is not None and application.reviewed_by_id == releaser.pk:
        raise WithdrawalError("审核人不能复核放款自己审核通过的申请，须由另一名复核/财务人员放款。")
    payouts_record(moves=[(payout, payout.status)], to=Payout.State.PENDING, reason="复核放款", actor=releaser)
    payout.status = Payout.State.PENDING
    payout.released_by = releaser
    payout.released_at = timezone.now()
    payout.save(update_fields=["status", "released_by", "released_at", "updated_at"])
    if send:
        transaction.on_commit(lambda: payout_send.delay(payout.pk))
    return payout
