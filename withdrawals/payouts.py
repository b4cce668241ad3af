"""Payouts: approved applications leave through the bank gateway exactly once.

Payout states: pending → sending (claimed by one worker: `filter(state=pending).update(...) == 1`)
→ paid, or failed (the bank refused: the money goes back with a compensating entry), or back to
pending (timeout: retried with the same idempotency key). The payout row is the outbox: a sweeper
re-enqueues rows left pending (lost message) or sending (dead worker) for too long.

LOCK ORDER, everywhere money moves (here, in review.py and services.py): personal account →
withdrawal application → payout. A service that needs a later row never holds it while waiting for
an earlier one, so two services can never deadlock each other (tests/withdrawals/test_lock_order.py).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from deposits.models import EntryKind, PersonalAccount
from deposits.services import account_lock, ledger_post
from gjj_portal.bank import BankGateway, GatewayTimeout, bank_gateway

from .models import Payout, Status, WithdrawalApplication
from .services import _transition


class PayoutRetry(Exception):
    """The bank did not answer; try again later with the same key."""


def payout_execute(*, payout_id: int, gateway: BankGateway | None = None) -> Payout:
    """Claim, call, record: three short transactions (three commits), each the fewest round trips
    that keep the payout exactly-once."""
    gateway = gateway or bank_gateway()
    if not gateway.online:
        return Payout.objects.get(pk=payout_id)  # waits for the day's batch file
    payout = _payout_claim(payout_id=payout_id)
    if payout is None:
        return Payout.objects.get(pk=payout_id)  # done already, or another worker holds it
    try:
        result = gateway.transfer(
            idempotency_key=payout.idempotency_key,
            amount=payout.amount,
            bank=payout.bank,
            card_number=payout.card_number,
            payee_name=payout.payee_name,
        )
    except GatewayTimeout as exc:
        Payout.objects.filter(pk=payout_id, state=Payout.State.SENDING).update(
            state=Payout.State.PENDING, last_error=str(exc)[:300], updated_at=timezone.now()
        )
        raise PayoutRetry(str(exc)) from exc
    if result.accepted:
        return payout_complete(payout_id=payout_id, reference=result.reference)
    return payout_fail(payout_id=payout_id, reason=result.message or "银行退回")


def _locked_with_payout(payout_id: int) -> WithdrawalApplication:
    """The payout's application, locked (LOCK ORDER: the application before the payout), with the
    payout read in the same statement but not locked: its changes are guarded by its state."""
    return (
        WithdrawalApplication.objects.select_for_update(of=("self",)).select_related("payout").get(payout__pk=payout_id)
    )


@transaction.atomic
def _payout_claim(*, payout_id: int) -> Payout | None:
    """pending → sending, and the application 付款中, in one commit; None when it was not pending."""
    application = _locked_with_payout(payout_id)
    payout, now = application.payout, timezone.now()
    claimed = Payout.objects.filter(pk=payout_id, state=Payout.State.PENDING).update(
        state=Payout.State.SENDING, claimed_at=now, updated_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    payout.state, payout.claimed_at, payout.attempts = Payout.State.SENDING, now, payout.attempts + 1
    _mark_paying(application)
    return payout


@transaction.atomic
def _application_mark_paying(*, application_id: int) -> None:
    _mark_paying(WithdrawalApplication.objects.select_for_update().get(pk=application_id))


def _mark_paying(application: WithdrawalApplication) -> None:
    """A locked application whose money leaves now (online claim or batch file): 付款中."""
    if application.status == Status.APPROVED:
        _transition(application=application, to=Status.PAYING, reason="已提交银行付款")


@transaction.atomic
def payout_complete(*, payout_id: int, reference: str) -> Payout:
    application = _locked_with_payout(payout_id)
    payout = application.payout
    done = Payout.objects.filter(pk=payout_id, state=Payout.State.SENDING).update(
        state=Payout.State.PAID, bank_reference=reference, last_error="", updated_at=timezone.now()
    )
    if not done:
        payout.refresh_from_db()
        return payout  # a racing execution finished it first
    payout.state, payout.bank_reference, payout.last_error = Payout.State.PAID, reference, ""
    _transition(application=application, to=Status.PAID, reason=f"资金已到账，银行流水号{reference}")
    return payout


@transaction.atomic
def payout_fail(*, payout_id: int, reason: str) -> Payout:
    """The bank refused for good: put the money back (13 提取冲正) and tell why."""
    account_id, application_id = Payout.objects.values_list("application__account_id", "application_id").get(
        pk=payout_id
    )
    account = account_lock(account_id=account_id)  # LOCK ORDER: account → application → payout
    application = WithdrawalApplication.objects.select_for_update().get(pk=application_id)
    payout = Payout.objects.select_for_update().get(pk=payout_id)
    if payout.state != Payout.State.SENDING:
        return payout
    payout.state = Payout.State.FAILED
    payout.last_error = reason[:300]
    payout.save(update_fields=["state", "last_error", "updated_at"])
    ledger_post(
        account=account,
        kind=EntryKind.WITHDRAWAL_REVERSAL,
        amount=payout.amount,
        reference=application.number,
        occurred_on=timezone.localdate(),
        memo=f"付款失败退回：{reason}"[:100],
    )
    if application.closes_account and application.account_status_before:
        # The money is back: the account reopens as it was, so the depositor can apply again.
        PersonalAccount.objects.filter(pk=account.pk).update(status=application.account_status_before)
    _transition(application=application, to=Status.FAILED, reason=f"付款失败：{reason}")
    return payout


def payout_sweep(*, now=None) -> list[int]:
    """Re-enqueue payouts whose message was lost (pending) or whose worker died (sending)."""
    from .tasks import payout_send

    if not bank_gateway().online:
        return []  # batch payouts are answered by the bank's return file, not retried
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.GJJ_PAYOUT_STALE_SECONDS)
    unclaimed = now - timedelta(seconds=settings.GJJ_PAYOUT_PENDING_STALE_SECONDS)
    with transaction.atomic():
        ids = list(
            Payout.objects.select_for_update(skip_locked=True)
            .filter(
                Q(state=Payout.State.SENDING, claimed_at__lt=stale)
                | Q(state=Payout.State.PENDING, updated_at__lt=unclaimed)
            )
            .values_list("pk", flat=True)
        )
        Payout.objects.filter(pk__in=ids).update(
            state=Payout.State.PENDING, updated_at=now, last_error="超时未完成，重新付款"
        )
    for payout_id in ids:
        payout_send.delay(payout_id)
    return ids
