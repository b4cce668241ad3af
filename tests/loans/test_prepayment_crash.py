"""A crash after the bank debited and before the repayment was recorded: the sweeper records it once."""

import os
import signal
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from gjj_portal.models import SandboxTransfer
from loans import rules
from loans.models import PrepaymentRequest, Repayment
from loans.prepayment import prepayment_prepare, prepayment_sweep
from tests.processes import ROOT, _database_url, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

CONFIRM = """
from datetime import date
from accounts.models import User
from loans.prepayment import prepayment_confirm
prepayment_confirm(user=User.objects.get(pk={user}), request_id="{request}", amount=None, today=date(2025, 1, 20))
"""


def test_a_process_killed_after_the_debit_ends_with_exactly_one_repayment(loan):
    user = loan.borrower.user
    request, _plan = prepayment_prepare(contract=loan, user=user, amount=Decimal("20000.00"), mode=rules.REDUCE)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_CONN_MAX_AGE": "0",
        "GJJ_SANDBOX_BANK_DELAY": "30",
    }  # fmt: skip  (the bank answers 30 s after it debited)
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", CONFIRM.format(user=user.pk, request=request.public_id)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: SandboxTransfer.objects.filter(kind="debit").exists(), timeout=60, what="the debit")
        os.kill(proc.pid, signal.SIGKILL)  # between the bank's debit and the record
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    request.refresh_from_db()
    assert request.status == PrepaymentRequest.State.DEBITING and not Repayment.objects.exists()

    later = timezone.now() + timedelta(seconds=120)
    assert prepayment_sweep(now=later) == 1
    assert prepayment_sweep(now=later) == 0, "a second sweep records nothing"
    request.refresh_from_db()
    assert request.status == PrepaymentRequest.State.DONE
    repayment = Repayment.objects.get()
    assert repayment.amount == Decimal("20000.00") and repayment.reference == request.reference
    debit = SandboxTransfer.objects.get(kind="debit")
    assert debit.times_requested == 2, "the sweeper asked the bank by the same key; it debited once"
    loan.refresh_from_db()
    assert loan.principal_balance == Decimal("280000.00")
    assert settings.GJJ_BANK_GATEWAY == "sandbox"
