import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from deposits.models import EntryKind, LedgerEntry, PersonalAccount
from deposits.selectors import account_ledger_sum
from gjj_portal.bank import GatewayTimeout, SandboxBankGateway
from gjj_portal.models import SandboxTransfer
from tests.factories import PersonalAccountFactory, deposit_history
from withdrawals import payouts
from withdrawals.models import Payout, Status, StatusChange
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
    assert payout.status == Payout.State.FAILED
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
    assert payout.status == Payout.State.PENDING and payout.attempts == 1
    payouts.payout_execute(payout_id=payout.pk, gateway=SandboxBankGateway(failure_rate=0.0, timeout_rate=0.0))
    payout.refresh_from_db()
    assert payout.status == Payout.State.PAID
    transfer = SandboxTransfer.objects.get()
    assert transfer.idempotency_key == str(payout.idempotency_key) and transfer.times_requested == 2


def test_a_payout_held_by_another_worker_is_not_sent_again(payout):
    Payout.objects.filter(pk=payout.pk).update(status=Payout.State.SENDING, claimed_at=timezone.now())
    result = payouts.payout_execute(payout_id=payout.pk, gateway=SandboxBankGateway(failure_rate=0.0, timeout_rate=0.0))
    assert result.status == Payout.State.SENDING
    assert not SandboxTransfer.objects.exists()


def test_a_late_finisher_does_not_complete_a_payout_twice(payout):
    payouts.payout_execute(payout_id=payout.pk, gateway=SandboxBankGateway(failure_rate=0.0, timeout_rate=0.0))
    # A slow execution that the sweeper had given up on returns now: nothing changes.
    assert payouts.payout_complete(payout_id=payout.pk, reference="LATE").bank_reference != "LATE"
    assert payouts.payout_fail(payout_id=payout.pk, reason="late").status == Payout.State.PAID
    assert not LedgerEntry.objects.filter(kind=EntryKind.WITHDRAWAL_REVERSAL).exists()


def test_sweeper_requeues_lost_and_stuck_payouts_only(
    payout, depositor, reviewer, settings, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr("withdrawals.tasks.payout_send_many.delay", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        assert payouts.payout_sweep() == []  # fresh: its message is presumably on the way
        later = timezone.now() + timedelta(seconds=settings.GJJ_PAYOUT_STALE_SECONDS + 1)
        assert payouts.payout_sweep(now=later) == [payout.pk]  # lost message
        Payout.objects.filter(pk=payout.pk).update(status=Payout.State.SENDING, claimed_at=timezone.now())
        assert payouts.payout_sweep(now=timezone.now()) == []  # a live worker holds it
        assert payouts.payout_sweep(now=later + timedelta(seconds=1)) == [payout.pk]  # the worker died
    payout.refresh_from_db()
    assert payout.status == Payout.State.PENDING
    assert sent == [[payout.pk], [payout.pk]]


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


class TimesOutFor(SandboxBankGateway):
    """The sandbox bank that acts on the given keys and then does not answer."""

    def __init__(self, keys):
        super().__init__(failure_rate=0.0, timeout_rate=0.0)
        self.keys = {str(k) for k in keys}

    def transfer(self, **request):
        result = super().transfer(**request)
        if str(request["idempotency_key"]) in self.keys:
            raise GatewayTimeout("银行接口响应超时")
        return result


def released(n, reviewer, releaser) -> list[Payout]:
    found = []
    for _ in range(n):
        account = PersonalAccountFactory()
        deposit_history(account, months=24, today=timezone.localdate())
        application = submitted_rent(account.user)
        withdrawal_approve(application_id=application.pk, reviewer=reviewer)
        found.append(payout_release(application_id=application.pk, releaser=releaser, send=False))
    return found


def test_a_batch_pays_each_once_refuses_one_and_retries_only_the_one_the_bank_left_unanswered(
    policy, reviewer, releaser, django_assert_max_num_queries
):
    batch = released(5, reviewer, releaser)
    refused, silent = batch[1], batch[3]
    Payout.objects.filter(pk=refused.pk).update(card_number="6217000010000000")  # the bank refuses this card
    ids = [p.pk for p in batch]
    gateway = TimesOutFor([silent.idempotency_key])
    run = payouts.payouts_execute(payout_ids=ids, gateway=gateway)
    assert sorted(run.paid) == sorted({p.pk for p in batch} - {refused.pk, silent.pk})
    assert run.failed == [refused.pk] and run.retry == [silent.pk]
    states = dict(Payout.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert states[refused.pk] == Payout.State.FAILED and states[silent.pk] == Payout.State.PENDING
    assert LedgerEntry.objects.filter(kind=EntryKind.WITHDRAWAL_REVERSAL).count() == 1

    # Running the same batch again only finishes the unanswered one, by asking with its key again.
    run = payouts.payouts_execute(payout_ids=ids, gateway=SandboxBankGateway(failure_rate=0.0, timeout_rate=0.0))
    assert run.paid == [silent.pk] and not run.failed and not run.retry
    assert SandboxTransfer.objects.get(idempotency_key=str(silent.idempotency_key)).times_requested == 2
    assert set(SandboxTransfer.objects.values_list("times_requested", flat=True)) == {1, 2}
    assert not payouts.payouts_execute(payout_ids=ids, gateway=gateway).paid
    for payout in Payout.objects.filter(pk__in=ids).select_related("application"):
        steps = list(StatusChange.objects.filter(application=payout.application).values_list("to_status", flat=True))
        end = Status.FAILED if payout.pk == refused.pk else Status.PAID
        assert steps[-2:] == [Status.PAYING, end], steps  # 付款中 once (the retry did not add another), then the end
        assert payout.application.status == end
        assert account_ledger_sum(account=payout.application.account) == payout.application.account.balance

    # A batch costs the same statements as one payout, whatever its size (the bank's calls aside).
    more = [p.pk for p in released(6, reviewer, releaser)]
    quiet = SandboxBankGateway(failure_rate=0.0, timeout_rate=0.0)
    with django_assert_max_num_queries(16 + len(more)):
        assert len(payouts.payouts_execute(payout_ids=more, gateway=quiet).paid) == 6


def test_a_bulk_release_in_admin_enqueues_batches(
    client, policy, reviewer, releaser, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from withdrawals.models import WithdrawalApplication

    settings.GJJ_PAYOUT_BATCH = 2
    sent = []
    monkeypatch.setattr("withdrawals.tasks.payout_send_many.delay", sent.append)
    monkeypatch.setattr("withdrawals.tasks.payout_send.delay", lambda pk: pytest.fail("one task per payout"))
    applications = []
    for _ in range(3):
        account = PersonalAccountFactory()
        deposit_history(account, months=24, today=timezone.localdate())
        application = submitted_rent(account.user)
        withdrawal_approve(application_id=application.pk, reviewer=reviewer)
        applications.append(application)
    client.force_login(releaser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:withdrawals_withdrawalapplication_changelist") + "?queue=release",
            {"action": "release_selected", "_selected_action": [a.pk for a in applications]},
            follow=True,
        )
    assert "已复核放款3笔申请" in response.content.decode()
    ids = list(Payout.objects.filter(application__in=applications).order_by("pk").values_list("pk", flat=True))
    assert sorted(sum(sent, [])) == ids and [len(b) for b in sent] == [2, 1]
    assert set(
        WithdrawalApplication.objects.filter(pk__in=[a.pk for a in applications]).values_list("status", flat=True)
    ) == {Status.APPROVED}


def test_a_live_worker_renews_its_lease_between_bank_calls(reviewer, releaser, settings):
    """A batch's claim is a lease: renewed between bank calls, so a slow bank never lets the sweep (after
    GJJ_PAYOUT_STALE_SECONDS) hand a live worker's payouts to another; a dead worker's lapse within a minute."""
    assert settings.GJJ_PAYOUT_STALE_SECONDS + settings.CELERY_BEAT_SCHEDULE["payout-sweep"]["schedule"] <= 60
    settings.GJJ_PAYOUT_LEASE_RENEW_SECONDS = 0  # renew before every call
    ids = []
    for _ in range(3):
        account = PersonalAccountFactory()
        deposit_history(account, months=24, today=timezone.localdate())
        application = submitted_rent(account.user)
        withdrawal_approve(application_id=application.pk, reviewer=reviewer)
        ids.append(payout_release(application_id=application.pk, releaser=releaser, send=False).pk)
    seen = []

    class Watching(SandboxBankGateway):
        def transfer(self, **kwargs):
            seen.append(Payout.objects.get(pk=ids[-1]).claimed_at)  # the last payout waits its turn
            return super().transfer(**kwargs)

    run = payouts.payouts_execute(payout_ids=ids, gateway=Watching(failure_rate=0.0, timeout_rate=0.0))
    assert sorted(run.paid) == sorted(ids)
    assert seen[0] < seen[1] < seen[2], "the waiting payout's lease was renewed before each call"
