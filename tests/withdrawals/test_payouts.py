import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from deposits.models import EntryKind, LedgerEntry, PersonalAccount
from deposits.selectors import account_ledger_sum
from gjj_portal.bank import SandboxBankGateway
from withdrawals import payouts
from withdrawals.models import Payout, SandboxTransfer, Status
from withdrawals.review import payout_release, withdrawal_approve

from .helpers import submitted_rent


@pytest.fixture
def payout(depositor, reviewer, releaser):
    application = submitted_rent(depositor)
    withdrawal_approve(application_id=application.pk, reviewer=reviewer)
    return payout_release(application_id=application.pk, releaser=releaser)


def test_a_refused_transfer_puts_the_money_back_with_a_compensating_entry(payout, depositor):
    payouts.payout_execute(payout_id=payout.pk, gateway=SandboxBankGateway(failure_rate=1.0, timeout_rate=0.0))
    payout.refresh_from_db()
    assert payout.state == Payout.State.FAILED
    application = payout.application
    application.refresh_from_db()
    assert application.status == Status.FAILED
    assert "户名与卡号不符" in application.changes.last().reason
    account = PersonalAccount.objects.get(pk=depositor.account.pk)
    assert account.balance == Decimal("46080.00")
    reversal = LedgerEntry.objects.get(account=account, kind=EntryKind.WITHDRAWAL_REVERSAL)
    assert reversal.amount == Decimal("3600.00") and reversal.kind_code == "13"
    assert account_ledger_sum(account=account) == account.balance


def test_a_timeout_leaves_the_payout_pending_and_the_retry_uses_the_same_key(payout):
    # The sandbox pays and then times out: the retry must find the first transfer, not pay again.
    with pytest.raises(payouts.PayoutRetry):
        payouts.payout_execute(payout_id=payout.pk, gateway=SandboxBankGateway(failure_rate=0.0, timeout_rate=1.0))
    payout.refresh_from_db()
    assert payout.state == Payout.State.PENDING and payout.attempts == 1
    payouts.payout_execute(payout_id=payout.pk, gateway=SandboxBankGateway(failure_rate=0.0, timeout_rate=0.0))
    payout.refresh_from_db()
    assert payout.state == Payout.State.PAID
    transfer = SandboxTransfer.objects.get()
    assert transfer.idempotency_key == str(payout.idempotency_key) and transfer.times_requested == 2


def test_a_payout_held_by_another_worker_is_not_sent_again(payout):
    Payout.objects.filter(pk=payout.pk).update(state=Payout.State.SENDING, claimed_at=timezone.now())
    result = payouts.payout_execute(payout_id=payout.pk, gateway=SandboxBankGateway(failure_rate=0.0, timeout_rate=0.0))
    assert result.state == Payout.State.SENDING
    assert not SandboxTransfer.objects.exists()


def test_a_late_finisher_does_not_complete_a_payout_twice(payout):
    payouts.payout_execute(payout_id=payout.pk, gateway=SandboxBankGateway(failure_rate=0.0, timeout_rate=0.0))
    # A slow execution that the sweeper had given up on returns now: nothing changes.
    assert payouts.payout_complete(payout_id=payout.pk, reference="LATE").bank_reference != "LATE"
    assert payouts.payout_fail(payout_id=payout.pk, reason="late").state == Payout.State.PAID
    assert not LedgerEntry.objects.filter(kind=EntryKind.WITHDRAWAL_REVERSAL).exists()


def test_sweeper_requeues_lost_and_stuck_payouts_only(payout, depositor, reviewer, settings, monkeypatch):
    sent = []
    monkeypatch.setattr("withdrawals.tasks.payout_send.delay", sent.append)
    assert payouts.payout_sweep() == []  # fresh: its message is presumably on the way
    later = timezone.now() + timedelta(seconds=settings.GJJ_PAYOUT_STALE_SECONDS + 1)
    assert payouts.payout_sweep(now=later) == [payout.pk]  # lost message
    Payout.objects.filter(pk=payout.pk).update(state=Payout.State.SENDING, claimed_at=timezone.now())
    assert payouts.payout_sweep(now=timezone.now()) == []  # a live worker holds it
    assert payouts.payout_sweep(now=later + timedelta(seconds=1)) == [payout.pk]  # the worker died
    payout.refresh_from_db()
    assert payout.state == Payout.State.PENDING
    assert sent == [payout.pk, payout.pk]


def test_sandbox_failure_rate_is_honoured(depositor, reviewer):
    gateway = SandboxBankGateway(failure_rate=0.5, timeout_rate=0.0, rng=random.Random(7))
    results = [
        gateway.transfer(
            idempotency_key=__import__("uuid").uuid4(),
            amount=Decimal("1"),
            bank="建设银行",
            card_number="6217000010001234",
            payee_name="张伟",
        ).accepted
        for _ in range(40)
    ]
    assert 8 < results.count(False) < 32
