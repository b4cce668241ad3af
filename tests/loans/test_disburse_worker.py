"""贷款放款 through a real Celery worker on Redis and the test PostgreSQL database, and killed mid-放款."""

import os
import signal
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from gjj_portal.models import SandboxTransfer
from loans import applications
from loans.models import ApplicationStatus, LoanApplication, LoanStatus
from tests.processes import wait_for

from .loan_helpers import submitted_loan, through_mortgage

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def released(depositor, acceptor, approver, clerk, releaser):
    application = through_mortgage(submitted_loan(depositor), acceptor, approver, clerk)
    applications.loan_release(application_id=application.pk, staff=releaser)  # enqueued after COMMIT
    return application


def assert_disbursed_once(application, times_asked):
    wait_for(
        lambda: LoanApplication.objects.get(pk=application.pk).status == ApplicationStatus.DISBURSED, what="已放款"
    )
    application.refresh_from_db()
    transfer = SandboxTransfer.objects.get()
    assert transfer.times_requested == times_asked and transfer.amount == Decimal("500000.00")
    assert application.contract.status == LoanStatus.DISBURSED
    assert application.contract.principal_balance == Decimal("500000.00")
    assert application.contract.schedule.count() == 240
    assert application.changes.filter(to_status=ApplicationStatus.DISBURSED).count() == 1


def test_a_released_loan_is_paid_once_by_a_real_worker(
    start_worker, depositor, loan_acceptor, loan_approver, loan_clerk, releaser
):
    start_worker(GJJ_SANDBOX_BANK_FAILURE_RATE="0", GJJ_SANDBOX_BANK_TIMEOUT_RATE="0")
    application = released(depositor, loan_acceptor, loan_approver, loan_clerk, releaser)
    assert_disbursed_once(application, times_asked=1)


def test_a_worker_killed_mid_disbursement_never_pays_twice(
    start_worker, depositor, loan_acceptor, loan_approver, loan_clerk, releaser
):
    # The bank takes 30 s to answer after paying: the worker is killed in that gap, the worst moment.
    doomed = start_worker(pool="solo", GJJ_SANDBOX_BANK_DELAY="30", GJJ_SANDBOX_BANK_FAILURE_RATE="0")
    application = released(depositor, loan_acceptor, loan_approver, loan_clerk, releaser)
    wait_for(lambda: SandboxTransfer.objects.exists(), what="the bank to take the transfer")
    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait(10)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RELEASED and application.disbursing_at is not None
    start_worker(GJJ_SANDBOX_BANK_FAILURE_RATE="0", GJJ_SANDBOX_BANK_TIMEOUT_RATE="0")
    later = timezone.now() + timedelta(seconds=settings.GJJ_DISBURSE_STALE_SECONDS + 1)
    assert applications.loan_disburse_sweep(now=later) == 1  # beat's sweep finds the stuck 放款
    assert_disbursed_once(application, times_asked=2)  # asked again, same key: paid once


def test_a_dead_disbursement_is_found_within_a_minute():
    """A 放款 claimed by a dead worker is stale after GJJ_DISBURSE_STALE_SECONDS and found by the next sweep
    (every GJJ_DISBURSE_SWEEP_SECONDS): under a minute together."""
    sweep_every = settings.CELERY_BEAT_SCHEDULE["loans-disburse-sweep"]["schedule"]
    assert settings.GJJ_DISBURSE_STALE_SECONDS + sweep_every <= 60
