"""Real PostgreSQL concurrency: separate connections in threads, released together."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from deposits.models import EntryKind, LedgerEntry, PersonalAccount
from deposits.selectors import account_ledger_sum
from withdrawals.models import Status, WithdrawalApplication
from withdrawals.review import withdrawal_approve
from withdrawals.services import WithdrawalError

from .helpers import submitted_rent

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            outcomes[i] = call()
        except Exception as exc:  # noqa: BLE001 — the outcome is what the test inspects
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def test_two_approvals_cannot_spend_the_same_balance(depositor, reviewer, monkeypatch):
    monkeypatch.setattr("withdrawals.tasks.payout_send.delay", lambda *a: None)
    account = depositor.account
    # Two applications that each fit the balance, but not both (a second one from another year's
    # allowance is simulated by creating it before the first exists in this year's count).
    first = submitted_rent(depositor, amount=Decimal("3600.00"))
    WithdrawalApplication.objects.filter(pk=first.pk).update(status=Status.DRAFT)  # hide from the frequency count
    second = submitted_rent(depositor, amount=Decimal("3600.00"))
    WithdrawalApplication.objects.filter(pk=first.pk).update(status=Status.SUBMITTED)
    # Leave room for only one of them.
    from django.db import transaction

    from deposits.services import account_lock, ledger_post

    with transaction.atomic():
        locked = account_lock(account_id=account.pk)
        ledger_post(
            account=locked,
            kind=EntryKind.PARTIAL_WITHDRAWAL,
            amount=-(locked.balance - Decimal("5000.00")),
            reference="SETUP",
            occurred_on=first.created_at.date(),
        )

    outcomes = race(
        lambda: withdrawal_approve(application_id=first.pk, reviewer=reviewer),
        lambda: withdrawal_approve(application_id=second.pk, reviewer=reviewer),
    )
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], WithdrawalError), outcomes
    account.refresh_from_db()
    assert account.balance == Decimal("1400.00")
    assert account_ledger_sum(account=account) == account.balance
    assert LedgerEntry.objects.filter(reference__in=[first.number, second.number]).count() == 1


def test_the_same_application_approved_by_two_reviewers_at_once_debits_once(depositor, reviewer, monkeypatch):
    monkeypatch.setattr("withdrawals.tasks.payout_send.delay", lambda *a: None)
    application = submitted_rent(depositor)
    outcomes = race(*[lambda: withdrawal_approve(application_id=application.pk, reviewer=reviewer)] * 2)
    assert sum(isinstance(o, WithdrawalError) for o in outcomes) == 1, outcomes
    assert LedgerEntry.objects.filter(kind=EntryKind.PARTIAL_WITHDRAWAL).count() == 1
    assert PersonalAccount.objects.get(pk=depositor.account.pk).balance == Decimal("42480.00")


def test_two_workers_racing_for_one_payout_pay_once(depositor, reviewer, releaser, monkeypatch):
    from gjj_portal.bank import SandboxBankGateway
    from gjj_portal.models import SandboxTransfer
    from withdrawals import payouts
    from withdrawals.models import Payout
    from withdrawals.review import payout_release

    monkeypatch.setattr("withdrawals.tasks.payout_send.delay", lambda *a: None)
    application = submitted_rent(depositor)
    withdrawal_approve(application_id=application.pk, reviewer=reviewer)
    payout = payout_release(application_id=application.pk, releaser=releaser)
    gateway = SandboxBankGateway(failure_rate=0.0, timeout_rate=0.0, delay=0.3)
    outcomes = race(*[lambda: payouts.payout_execute(payout_id=payout.pk, gateway=gateway)] * 2)
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert SandboxTransfer.objects.count() == 1 and SandboxTransfer.objects.get().times_requested == 1
    assert Payout.objects.get(pk=payout.pk).status == Payout.State.PAID
