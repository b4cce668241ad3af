"""Payouts: approved applications leave through the bank gateway exactly once.

Payout states: pending → sending (claimed by one worker: `filter(status=pending).update(...) == 1`)
→ paid, or failed (the bank refused: the money goes back with a compensating entry), or back to
pending (timeout: retried with the same idempotency key). The payout row is the outbox: a sweeper
re-enqueues rows left pending (lost message) or sending (dead worker) for too long.

LOCK ORDER, everywhere money moves (here, in review.py and services.py): personal account →
withdrawal application → payout. A service that needs a later row never holds it while waiting for
an earlier one, so two services can never deadlock each other (tests/withdrawals/test_lock_order.py).
"""

import time
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from deposits.models import EntryKind
from deposits.services import account_lock, account_reopen, ledger_post
from gjj_portal.bank import BankGateway, GatewayTimeout, bank_gateway
from gjj_portal.states import moves_record

from .models import PAYOUT_TRANSITIONS, Payout, PayoutChange, Status, WithdrawalApplication
from .services import _transition, _transition_many


def payouts_record(*, moves: list[tuple[Payout | int, str]], to: str, reason: str, actor=None) -> None:
    """The change rows of payouts moved to `to` (each `(payout or id, its state before)`), in one INSERT,
    after checking every move against PAYOUT_TRANSITIONS. The caller writes the state itself (often as
    one UPDATE for the whole batch) in the same transaction."""
    entries = (({"payout_id": getattr(p, "pk", p)}, before, "付款") for p, before in moves)
    moves_record(PayoutChange, PAYOUT_TRANSITIONS, Payout.State, entries, to=to, reason=reason, actor=actor)


class PayoutRetry(Exception):
    """The bank did not answer; try again later with the same key."""


@dataclass
class PayoutRun:
    """What one execution did: paid and failed are final, `retry` timed out (pending again, same key)."""

    paid: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)


def payout_execute(*, payout_id: int, gateway: BankGateway | None = None) -> Payout:
    """One payout (the task a release enqueues): `payouts_execute` of one, PayoutRetry on a timeout."""
    run = payouts_execute(payout_ids=[payout_id], gateway=gateway)
    payout = Payout.objects.get(pk=payout_id)
    if run.retry:
        raise PayoutRetry(payout.last_error)
    return payout


def payouts_execute(*, payout_ids: list[int], gateway: BankGateway | None = None) -> PayoutRun:
    """Claim, call, record, for one payout or a batch: one transaction claims them all, the bank is
    asked once per payout with its own idempotency key, one transaction records every acceptance.
    A payout not pending (done already, or another worker holds it) is left alone; a crash anywhere
    leaves rows `sending`, which the sweep sends again with the same keys (the bank answers a key
    it has seen with its first result), so nothing is paid twice."""
    gateway = gateway or bank_gateway()
    run = PayoutRun()
    if not gateway.online:
        return run  # waits for the day's batch file
    accepted, refused, timed_out = {}, {}, {}
    claimed = _payouts_claim(payout_ids=payout_ids)
    renewed = time.monotonic()
    for n, payout in enumerate(claimed):
        if time.monotonic() - renewed >= settings.GJJ_PAYOUT_LEASE_RENEW_SECONDS:
            _lease_renew([p.pk for p in claimed[n:]])  # still alive: the sweep leaves the rest to this worker
            renewed = time.monotonic()
        try:
            result = gateway.transfer(
                idempotency_key=payout.idempotency_key,
                amount=payout.amount,
                bank=payout.bank,
                card_number=payout.card_number,
                payee_name=payout.payee_name,
            )
        except GatewayTimeout as exc:
            timed_out[payout.pk] = str(exc)[:300]
            continue
        if result.accepted:
            accepted[payout.pk] = result.reference
        else:
            refused[payout.pk] = result.message or "银行退回"
    run.paid = payouts_complete(references=accepted)
    for payout_id, reason in refused.items():
        if payout_fail(payout_id=payout_id, reason=reason).status == Payout.State.FAILED:
            run.failed.append(payout_id)
    for payout_id, error in timed_out.items():
        with transaction.atomic():
            if Payout.objects.filter(pk=payout_id, status=Payout.State.SENDING).update(
                status=Payout.State.PENDING, last_error=error, updated_at=timezone.now()
            ):
                payouts_record(moves=[(payout_id, Payout.State.SENDING)], to=Payout.State.PENDING, reason=error)
                run.retry.append(payout_id)
    return run


def _lease_renew(payout_ids: list[int]) -> None:
    Payout.objects.filter(pk__in=payout_ids, status=Payout.State.SENDING).update(claimed_at=timezone.now())


def _locked_with_payouts(payout_ids, state: str) -> list[WithdrawalApplication]:
    """The payouts' applications in `state`, locked with their payouts in one statement (LOCK ORDER:
    an application before its payout, applications by id), the payout's state checked after the lock."""
    return list(
        WithdrawalApplication.objects.select_for_update(of=("self", "payout"))
        .select_related("payout")
        .filter(payout__pk__in=payout_ids, payout__status=state)
        .order_by("pk")
    )


@transaction.atomic
def _payouts_claim(*, payout_ids, batch_file: str = "") -> list[Payout]:
    """pending → sending, and each application 付款中, in one commit: the payouts claimed (the ones
    still pending when locked), in application order. Shared by the online link and the batch file."""
    applications = _locked_with_payouts(payout_ids, Payout.State.PENDING)
    if not applications:
        return []
    now = timezone.now()
    payouts_record(
        moves=[(a.payout, Payout.State.PENDING) for a in applications],
        to=Payout.State.SENDING,
        reason=f"批量付款文件{batch_file}" if batch_file else "提交银行付款",
    )
    Payout.objects.filter(pk__in=[a.payout.pk for a in applications]).update(
        status=Payout.State.SENDING, claimed_at=now, updated_at=now, attempts=F("attempts") + 1, batch_file=batch_file
    )
    paying = [a for a in applications if a.status == Status.APPROVED]  # a retry after a timeout is 付款中 already
    _transition_many(applications=paying, to=Status.PAYING, reasons={a.pk: "已提交银行付款" for a in paying})
    claimed = []
    for application in applications:
        payout = application.payout
        payout.status, payout.claimed_at, payout.attempts = Payout.State.SENDING, now, payout.attempts + 1
        payout.batch_file = batch_file
        claimed.append(payout)
    return claimed


@transaction.atomic
def payouts_complete(*, references: dict[int, str]) -> list[int]:
    """The bank accepted: sending → paid with its reference, each application 已到账, in one commit.
    A payout no longer sending (a racing execution recorded it) is left alone. Returns the ids paid."""
    applications = _locked_with_payouts(list(references), Payout.State.SENDING)
    if not applications:
        return []
    now, payouts = timezone.now(), []
    for application in applications:
        payout = application.payout
        payout.status, payout.bank_reference, payout.last_error = Payout.State.PAID, references[payout.pk], ""
        payout.updated_at = now
        payouts.append(payout)
    payouts_record(moves=[(p, Payout.State.SENDING) for p in payouts], to=Payout.State.PAID, reason="银行付款成功")
    Payout.objects.bulk_update(payouts, ["status", "bank_reference", "last_error", "updated_at"])
    _transition_many(
        applications=applications,
        to=Status.PAID,
        reasons={a.pk: f"资金已到账，银行流水号{references[a.payout.pk]}" for a in applications},
    )
    return [p.pk for p in payouts]


def payout_complete(*, payout_id: int, reference: str) -> Payout:
    payouts_complete(references={payout_id: reference})
    return Payout.objects.get(pk=payout_id)


@transaction.atomic
def payout_fail(*, payout_id: int, reason: str) -> Payout:
    """The bank refused for good: put the money back (13 提取冲正) and tell why."""
    account_id, application_id = Payout.objects.values_list("application__account_id", "application_id").get(
        pk=payout_id
    )
    account = account_lock(account_id=account_id)  # LOCK ORDER: account → application → payout
    application = WithdrawalApplication.objects.select_for_update().get(pk=application_id)
    payout = Payout.objects.select_for_update().get(pk=payout_id)
    if payout.status != Payout.State.SENDING:
        return payout
    payouts_record(moves=[(payout, payout.status)], to=Payout.State.FAILED, reason=f"银行退回：{reason}"[:300])
    payout.status = Payout.State.FAILED
    payout.last_error = reason[:300]
    payout.save(update_fields=["status", "last_error", "updated_at"])
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
        account_reopen(
            account=account, to=application.account_status_before, reason=f"申请{application.number}付款失败，资金退回"
        )
    _transition(application=application, to=Status.FAILED, reason=f"付款失败：{reason}")
    return payout


def payout_sweep(*, now=None) -> list[int]:
    """Re-enqueue payouts whose message was lost (pending) or whose worker died (sending)."""
    if not bank_gateway().online:
        return []  # batch payouts are answered by the bank's return file, not retried
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.GJJ_PAYOUT_STALE_SECONDS)
    unclaimed = now - timedelta(seconds=settings.GJJ_PAYOUT_PENDING_STALE_SECONDS)
    with transaction.atomic():
        found = list(
            Payout.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=Payout.State.SENDING, claimed_at__lt=stale)
                | Q(status=Payout.State.PENDING, updated_at__lt=unclaimed)
            )
            .values_list("pk", "status")
        )
        ids = [pk for pk, _state in found]
        payouts_record(
            moves=[(pk, state) for pk, state in found if state == Payout.State.SENDING],
            to=Payout.State.PENDING,
            reason="超时未完成，重新付款",
        )
        Payout.objects.filter(pk__in=ids).update(
            status=Payout.State.PENDING, updated_at=now, last_error="超时未完成，重新付款"
        )
    payouts_enqueue(payout_ids=ids)
    return ids


def payouts_enqueue(*, payout_ids: list[int]) -> None:
    """Hand released payouts to the workers, GJJ_PAYOUT_BATCH to a task, once the caller's
    transaction (if any) has committed."""
    from .tasks import payout_send_many

    size = settings.GJJ_PAYOUT_BATCH
    for i in range(0, len(payout_ids), size):
        batch = payout_ids[i : i + size]
        transaction.on_commit(partial(payout_send_many.delay, batch))
