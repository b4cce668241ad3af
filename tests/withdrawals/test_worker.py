"""A real Celery worker process, consuming from Redis and writing to the test PostgreSQL database."""

import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from deposits.models import EntryKind, LedgerEntry, PersonalAccount
from deposits.selectors import account_ledger_sum
from gjj_portal.celery import app
from withdrawals.models import Payout, SandboxTransfer, Status, WithdrawalApplication
from withdrawals.review import withdrawal_approve
from withdrawals.services import InvalidTransition
from withdrawals.tasks import payout_send

from .helpers import submitted_rent

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate, timeout=40, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def worker(transactional_db, tmp_path):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "DJANGO_CONN_MAX_AGE": "0",
    }
    app.control.purge()  # messages left by earlier tests point at rows that no longer exist
    log = tmp_path / "worker.log"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "gjj_portal",
            "worker",
            "-l",
            "info",
            "-c",
            "1",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: "ready." in log.read_text(), timeout=60, what="the worker to start")
        proc.log = log
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        connection.close()  # the worker held connections to the test database


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
    assert payout.state == Payout.State.PAID and payout.bank_reference.startswith("SBX")

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
