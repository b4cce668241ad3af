"""单位暂存款退款: an employer's suspense money back to its own bank account, released by two staff members,
paid once.

申请 (the employer: amount within its balance less what other requests hold) → 审核 (a staff member with
`review_refund`) → 复核放款 (another one, with `confirm_funds`): the money leaves 单位暂存款 then, under the
employer's row lock, as a 退款 entry → the worker asks the bank with the refund's key (`refund_execute`)
and records its answer once: 已退款, or 退款失败 with the money put back (a 退款未成功退回 entry). A worker
that died, or a message Redis lost, is covered by the sweep (`refunds_settle`), which asks again with the
same key — the bank answers a key it has seen with its first result."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from gjj_portal.bank import BankGateway, GatewayTimeout, bank_gateway
from gjj_portal.errors import DomainError, InvalidTransition
from gjj_portal.states import change_record, moves_record

from .collection import suspense_add
from .models import REFUND_TRANSITIONS, Employer, SuspenseEntry, SuspenseRefund, SuspenseRefundChange

S = SuspenseRefund.Status
OPEN = (S.REQUESTED, S.APPROVED)


class RefundError(DomainError):
    """A refusal in Chinese."""


class RefundMoveRefused(RefundError, InvalidTransition):
    """A move the refund's table does not allow (callers catch RefundError)."""


def _move(refund: SuspenseRefund, to: str, *, actor=None, reason: str = "", fields=()) -> None:
    moves = [({"refund": refund}, refund.status, f"退款申请（{refund.amount}元）")]
    moves_record(SuspenseRefundChange, REFUND_TRANSITIONS, S, moves, to=to, reason=reason, actor=actor,
                 error=RefundMoveRefused)  # fmt: skip
    refund.status = to
    refund.save(update_fields=["status", "updated_at", *fields])


def refundable(employer: Employer) -> Decimal:
    """The balance less what requests not yet released already ask for."""
    held = SuspenseRefund.objects.filter(employer=employer, status__in=OPEN).aggregate(s=Sum("amount"))["s"]
    return employer.suspense_balance - (held or Decimal("0"))


@transaction.atomic
def refund_request(*, employer: Employer, user, amount: Decimal, bank: str, account_no: str, account_name: str,
                   reason: str = "") -> SuspenseRefund:  # fmt: skip
    locked = Employer.objects.select_for_update().get(pk=employer.pk)
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise RefundError("退款金额应大于0，最多两位小数。")
    available = refundable(locked)
    if amount > available:
        raise RefundError(f"单位暂存款可退金额为{available:,.2f}元（已扣除待处理的退款申请）。")
    if account_name.strip() != locked.name:
        raise RefundError(f"退款只能退到本单位账户，账户名称应为“{locked.name}”。")
    refund = SuspenseRefund.objects.create(
        employer=locked, amount=amount, bank=bank, account_no=account_no, account_name=account_name.strip(),
        reason=reason[:200], requested_by=user,
    )  # fmt: skip
    change_record(SuspenseRefundChange, {"refund": refund}, to=S.REQUESTED, actor=user, reason="单位网上申请")
    return refund


def _locked(refund_id: int) -> SuspenseRefund:
    return SuspenseRefund.objects.select_for_update().get(pk=refund_id)


@transaction.atomic
def refund_approve(*, refund_id: int, staff, opinion: str = "") -> SuspenseRefund:
    refund = _locked(refund_id)
    refund.approved_by = staff
    _move(refund, S.APPROVED, actor=staff, reason=opinion or "审核通过", fields=["approved_by"])
    return refund


@transaction.atomic
def refund_reject(*, refund_id: int, staff, opinion: str) -> SuspenseRefund:
    if not opinion.strip():
        raise RefundError("不予退款须填写原因。")
    refund = _locked(refund_id)
    _move(refund, S.REJECTED, actor=staff, reason=opinion.strip()[:200])
    return refund


@transaction.atomic
def refund_release(*, refund_id: int, staff) -> SuspenseRefund:
    """复核放款 by a second person: the money leaves 单位暂存款 now (LOCK ORDER: refund, employer); the
    worker pays it after COMMIT."""
    from .tasks import refund_execute_task

    refund = _locked(refund_id)
    if refund.approved_by_id == staff.pk:
        raise RefundError("审核人不能复核放款同一笔退款，须由另一名工作人员复核。")
    employer = Employer.objects.select_for_update().get(pk=refund.employer_id)
    if refund.status == S.APPROVED and employer.suspense_balance < refund.amount:
        raise RefundError(f"单位暂存款余额{employer.suspense_balance:,.2f}元，不足退款金额。")
    refund.released_by = staff
    _move(refund, S.RELEASED, actor=staff, reason="复核放款", fields=["released_by"])
    suspense_add(employer=employer, kind=SuspenseEntry.Kind.REFUND, amount=-refund.amount,
                 reason=f"退款至{refund.bank}{refund.account_no[-4:]}（{refund.account_name}）",
                 reference=refund.key)  # fmt: skip
    transaction.on_commit(lambda: refund_execute_task.delay(refund.pk))
    return refund


def refund_execute(*, refund_id: int, gateway: BankGateway | None = None) -> SuspenseRefund:
    """Claim (only a released, unclaimed one), ask the bank with the key, record its answer once."""
    if not SuspenseRefund.objects.filter(pk=refund_id, status=S.RELEASED, paying_at__isnull=True).update(
        paying_at=timezone.now()
    ):
        return SuspenseRefund.objects.get(pk=refund_id)
    return _ask(SuspenseRefund.objects.get(pk=refund_id), gateway or bank_gateway())


def _ask(refund: SuspenseRefund, gateway: BankGateway) -> SuspenseRefund:
    try:
        result = gateway.transfer(idempotency_key=refund.key, amount=refund.amount, bank=refund.bank,
                                  card_number=refund.account_no, payee_name=refund.account_name)  # fmt: skip
    except GatewayTimeout:
        return refund  # claimed: the sweep asks again with the same key
    return _settle(refund_id=refund.pk, accepted=result.accepted, reference=result.reference, message=result.message)


@transaction.atomic
def _settle(*, refund_id: int, accepted: bool, reference: str, message: str) -> SuspenseRefund:
    refund = _locked(refund_id)
    if refund.status != S.RELEASED:
        return refund  # recorded already (a racing worker or the sweep)
    if accepted:
        refund.bank_reference = reference[:64]
        _move(refund, S.PAID, reason=f"已退至{refund.bank}账户，银行流水号{reference}", fields=["bank_reference"])
        return refund
    refund.failure = (message or "银行退回")[:200]
    _move(refund, S.FAILED, reason=f"银行未能退款：{refund.failure}", fields=["failure"])
    employer = Employer.objects.select_for_update().get(pk=refund.employer_id)
    suspense_add(employer=employer, kind=SuspenseEntry.Kind.REFUND_BACK, amount=refund.amount,
                 reason=f"退款未成功（{refund.failure}），退回单位暂存款", reference=refund.key)  # fmt: skip
    return refund


def refunds_settle(*, now=None, gateway: BankGateway | None = None) -> int:
    """Released refunds whose message was lost or whose worker died: claim again, ask with the same key."""
    now = now or timezone.now()
    gateway = gateway or bank_gateway()
    stale = now - timedelta(seconds=settings.GJJ_DISBURSE_STALE_SECONDS)
    settled = 0
    for refund_id, claimed_at in SuspenseRefund.objects.filter(status=S.RELEASED, updated_at__lt=stale).values_list(
        "pk", "paying_at"
    ):
        if claimed_at is not None and claimed_at >= stale:
            continue
        if not SuspenseRefund.objects.filter(pk=refund_id, paying_at=claimed_at).update(paying_at=now):
            continue
        _ask(SuspenseRefund.objects.get(pk=refund_id), gateway)
        settled += 1
    return settled
