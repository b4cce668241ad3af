"""A real Celery worker process, consuming from Redis and writing to the test PostgreSQL database."""

import os
import signal
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from deposits.models import EntryKind, LedgerEntry, PersonalAccount
from deposits.selectors import account_ledger_sum
from gjj_portal.celery import app
from gjj_portal.models import SandboxTransfer
from tests.processes import wait_for
from withdrawals import payouts
from withdrawals.models import Payout, Status, WithdrawalApplication
from withdrawals.review import payout_release, withdrawal_approve
from withdrawals.services import InvalidTransition
from withdrawals.tasks import payout_send

from .helpers import submitted_rent

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(start_worker):
    return start_worker()


def succeeded(worker):
    return worker.log.read_text().count("succeeded in")


def test_an_approved_application_reaches_paid_exactly_once_through_a_real_worker(
    worker, client, depositor, reviewer, releaser
):
    application = submitted_rent(depositor)
    client.force_login(reviewer)
    response = client.post(
        reverse("admin:withdrawals_review", args=[application.pk]), {"decision": "approve", "opinion": "同意"}
    )
    assert response.status_code == 302
    client.force_login(releaser)  # the two-person rule: another person releases; enqueued on commit
    assert client.post(reverse("admin:withdrawals_release", args=[application.pk])).status_code == 302

    wait_for(lambda: WithdrawalApplication.objects.get(pk=application.pk).status == Status.PAID, what="已到账")
    payout = Payout.objects.get(application=application)
    assert payout.status == Payout.State.PAID and payout.bank_reference.startswith("SBX")

    # Approving again (admin, then the service) is refused; delivering the task again pays nothing more.
    client.force_login(reviewer)
    again = client.post(
        reverse("admin:withdrawals_review", args=[application.pk]),
        {"decision": "approve", "opinion": "同意"},
        follow=True,
    )
    assert "不能审核通过" in again.content.decode()
    with pytest.raises(InvalidTransition):
        withdrawal_approve(application_id=application.pk, reviewer=reviewer)
    payout_send.delay(payout.pk)
    payout_send.delay(payout.pk)
    wait_for(lambda: succeeded(worker) >= 3, what="the duplicate deliveries to be processed")

    assert SandboxTransfer.objects.count() == 1
    assert SandboxTransfer.objects.get().times_requested == 1
    account = PersonalAccount.objects.get(pk=depositor.account.pk)
    assert LedgerEntry.objects.filter(account=account, kind=EntryKind.PARTIAL_WITHDRAWAL).count() == 1
    assert account.balance == Decimal("42480.00") == account_ledger_sum(account=account)
    assert list(application.changes.values_list("to_status", flat=True)) == [
        "draft",
        "submitted",
        "approved",
        "paying",
        "paid",
    ]


def approved_and_released(depositor, reviewer, releaser):
    application = submitted_rent(depositor)
    withdrawal_approve(application_id=application.pk, reviewer=reviewer)
    payout_release(application_id=application.pk, releaser=releaser)  # publishes to Redis after COMMIT
    return application


def later():
    return timezone.now() + timedelta(seconds=settings.GJJ_PAYOUT_STALE_SECONDS + 1)


def assert_paid_once(application, depositor, times_asked):
    wait_for(lambda: WithdrawalApplication.objects.get(pk=application.pk).status == Status.PAID, what="已到账")
    transfer = SandboxTransfer.objects.get()
    assert transfer.times_requested == times_asked and transfer.amount == Decimal("3600.00")
    account = PersonalAccount.objects.get(pk=depositor.account.pk)
    assert LedgerEntry.objects.filter(account=account, kind=EntryKind.PARTIAL_WITHDRAWAL).count() == 1
    assert account.balance == Decimal("42480.00") == account_ledger_sum(account=account)


def test_a_worker_killed_mid_payout_never_pays_twice(start_worker, depositor, reviewer, releaser):
    # The bank takes 30 s to answer after paying: the worker is killed in that gap, the worst moment.
    doomed = start_worker(pool="solo", GJJ_SANDBOX_BANK_DELAY="30")
    application = approved_and_released(depositor, reviewer, releaser)
    wait_for(lambda: SandboxTransfer.objects.exists(), what="the bank to take the transfer")
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait(10)
    payout = Payout.objects.get(application=application)
    assert payout.status == Payout.State.SENDING  # we never heard the bank's answer
    start_worker()
    assert payouts.payout_sweep(now=later()) == [payout.pk]  # beat's sweeper finds the stuck payout
    assert_paid_once(application, depositor, times_asked=2)  # asked again, same key: paid once


def test_a_message_redis_lost_is_found_by_the_sweeper(start_worker, depositor, reviewer, releaser):
    application = approved_and_released(depositor, reviewer, releaser)
    app.control.purge()  # Redis lost the message
    start_worker()
    time.sleep(2)
    assert Payout.objects.get(application=application).status == Payout.State.PENDING  # nobody knows of it
    assert payouts.payout_sweep(now=later()) == [Payout.objects.get(application=application).pk]
    assert_paid_once(application, depositor, times_asked=1)


def test_lost_payouts_are_swept_within_a_minute():
    """In production a payout whose message was lost (pending) or whose worker died (its lease not renewed)
    is stale after its period and found by the next sweep: under a minute together, with time to pay."""
    sweep_every = settings.CELERY_BEAT_SCHEDULE["payout-sweep"]["schedule"]
    assert settings.GJJ_PAYOUT_PENDING_STALE_SECONDS + sweep_every <= 45
    assert settings.GJJ_PAYOUT_STALE_SECONDS + sweep_every <= 45
    assert settings.GJJ_PAYOUT_LEASE_RENEW_SECONDS * 3 <= settings.GJJ_PAYOUT_STALE_SECONDS  # 3 renewals missed


def test_redis_flushed_and_a_worker_killed_mid_batch_every_payout_is_paid_once_within_a_minute(
    start_worker, policy, reviewer, releaser
):
    """At the production periods (nothing scaled: the settings' defaults, beat as compose runs it): two
    workers pay a batch through a slow bank; Redis loses every queued message and one worker is killed with
    kill -9 in the middle of a bank call. Beat's sweep finds the lost and the stranded payouts; all are
    paid within 60 s of the loss, each asked of the bank under its own key and booked once."""
    import redis

    from tests.factories import PersonalAccountFactory, deposit_history

    doomed = start_worker(pool="solo", GJJ_SANDBOX_BANK_DELAY="1")
    start_worker(pool="solo", GJJ_SANDBOX_BANK_DELAY="1")
    start_worker.beat()
    applications = []
    for _ in range(8):
        account = PersonalAccountFactory()
        deposit_history(account, months=24, today=timezone.localdate())
        applications.append(approved_and_released(account.user, reviewer, releaser))
    wait_for(lambda: Payout.objects.filter(status=Payout.State.PAID).exists(), what="the first payout")
    wait_for(lambda: SandboxTransfer.objects.count() > Payout.objects.filter(status=Payout.State.PAID).count(),
             what="a bank call under way")  # fmt: skip
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()  # every queued message is gone
    os.kill(doomed.pid, signal.SIGKILL)  # and a worker with it, mid-call
    lost_at = time.monotonic()
    assert Payout.objects.exclude(status=Payout.State.PAID).exists(), "the loss came mid-batch"
    wait_for(lambda: not Payout.objects.exclude(status=Payout.State.PAID).exists(), timeout=120, what="every payout")
    took = time.monotonic() - lost_at
    assert took < 60, f"every payout settled {took:.0f} s after the loss"
    for application in applications:
        payout = Payout.objects.get(application=application)
        assert SandboxTransfer.objects.filter(idempotency_key=payout.idempotency_key).count() == 1
        assert LedgerEntry.objects.filter(kind=EntryKind.PARTIAL_WITHDRAWAL, reference=application.number).count() == 1
    assert all(
        a.status == Status.PAID for a in WithdrawalApplication.objects.filter(pk__in=[a.pk for a in applications])
    )
