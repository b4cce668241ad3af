from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from deposits.models import EntryKind, LedgerEntry, PersonalAccount
from deposits.selectors import account_ledger_sum
from gjj_portal.models import SandboxTransfer
from tests.factories import work_after_commit
from withdrawals.models import Payout, Status, StatusChange, WithdrawalApplication
from withdrawals.review import payout_release, withdrawal_approve, withdrawal_reject
from withdrawals.services import InvalidTransition, WithdrawalError, rent_withdrawal_create
from withdrawals.tasks import payout_send

from .helpers import rent_request, submitted_rent


def test_rent_in_shenyang_is_submitted_at_once_without_materials(depositor):
    application = submitted_rent(depositor)
    assert application.status == Status.SUBMITTED
    assert not application.needs_materials
    assert list(application.changes.values_list("from_status", "to_status")) == [("", "draft"), ("draft", "submitted")]


def test_rent_in_dalian_waits_for_materials_as_a_draft(depositor):
    application = submitted_rent(depositor, region="大连市")
    assert application.status == Status.DRAFT
    assert application.needs_materials


def test_service_rechecks_the_rules_that_the_form_checks(depositor):
    with pytest.raises(WithdrawalError, match="不能超过"):
        submitted_rent(depositor, amount=Decimal("3600.01"))
    with pytest.raises(WithdrawalError, match="建设银行"):
        submitted_rent(depositor, bank="招商银行")
    assert not WithdrawalApplication.objects.exists()


def test_second_rent_withdrawal_in_a_year_is_refused(depositor):
    submitted_rent(depositor)
    with pytest.raises(WithdrawalError, match="本年度您已办理"):
        submitted_rent(depositor)


def test_approval_debits_the_balance_and_holds_one_payout_for_release(
    depositor, reviewer, releaser, django_capture_on_commit_callbacks
):
    application = submitted_rent(depositor)
    with django_capture_on_commit_callbacks() as callbacks:
        withdrawal_approve(application_id=application.pk, reviewer=reviewer, opinion="材料齐全，同意")
    assert work_after_commit(callbacks) == []  # nothing goes to the bank before a second person releases it
    assert Payout.objects.get(application=application).status == Payout.State.HELD
    with django_capture_on_commit_callbacks() as callbacks:
        payout_release(application_id=application.pk, releaser=releaser)
    account = PersonalAccount.objects.get(pk=depositor.account.pk)
    assert account.balance == Decimal("46080.00") - Decimal("3600.00")
    entry = LedgerEntry.objects.get(account=account, kind=EntryKind.PARTIAL_WITHDRAWAL)
    assert entry.amount == Decimal("-3600.00") and entry.balance_after == account.balance
    assert entry.kind_code == "11"
    assert Payout.objects.get(application=application).amount == Decimal("3600.00")
    assert len(callbacks) == 1  # the payout task is enqueued only after COMMIT
    change = application.changes.get(to_status=Status.APPROVED)
    assert (change.actor, change.reason) == (reviewer, "材料齐全，同意")


def test_approving_twice_is_refused_and_debits_once(depositor, reviewer):
    application = submitted_rent(depositor)
    withdrawal_approve(application_id=application.pk, reviewer=reviewer)
    with pytest.raises(InvalidTransition):
        withdrawal_approve(application_id=application.pk, reviewer=reviewer)
    assert LedgerEntry.objects.filter(kind=EntryKind.PARTIAL_WITHDRAWAL).count() == 1


def test_reject_needs_an_opinion_and_moves_no_money(depositor, reviewer):
    application = submitted_rent(depositor)
    with pytest.raises(WithdrawalError, match="审批意见"):
        withdrawal_reject(application_id=application.pk, reviewer=reviewer, opinion="  ")
    withdrawal_reject(application_id=application.pk, reviewer=reviewer, opinion="租房合同与地址不符")
    application.refresh_from_db()
    assert application.status == Status.REJECTED and application.review_opinion == "租房合同与地址不符"
    assert PersonalAccount.objects.get(pk=depositor.account.pk).balance == Decimal("46080.00")


def test_a_draft_cannot_be_approved(depositor, reviewer):
    application = submitted_rent(depositor, region="大连市")
    with pytest.raises(InvalidTransition):
        withdrawal_approve(application_id=application.pk, reviewer=reviewer)


def test_approval_refuses_when_the_balance_no_longer_covers_it(depositor, reviewer):
    application = submitted_rent(depositor)
    # Something else took money meanwhile (e.g. another approved withdrawal).
    from deposits.services import account_lock, ledger_post

    with transaction.atomic():
        account = account_lock(account_id=depositor.account.pk)
        ledger_post(
            account=account,
            kind=EntryKind.PARTIAL_WITHDRAWAL,
            amount=Decimal("-44000.00"),
            reference="OTHER",
            occurred_on=application.created_at.date(),
        )
    with pytest.raises(WithdrawalError, match="余额"):
        withdrawal_approve(application_id=application.pk, reviewer=reviewer)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_ledger_rows_cannot_be_updated_or_deleted(depositor):
    entry = LedgerEntry.objects.filter(account=depositor.account).first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1.00"))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()


def test_balance_can_never_go_negative_in_the_database(depositor):
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonalAccount.objects.filter(pk=depositor.account.pk).update(balance=Decimal("-0.01"))


def test_rent_create_outside_window_is_not_the_services_job(depositor):
    # The window is the middleware's: the service itself (used by admin and commands) does not check it.
    assert rent_withdrawal_create(user=depositor, account=depositor.account, request=rent_request()).pk


def test_payout_task_pays_once_even_when_run_again(depositor, reviewer, releaser):
    application = submitted_rent(depositor)
    withdrawal_approve(application_id=application.pk, reviewer=reviewer)
    payout_release(application_id=application.pk, releaser=releaser)
    payout = Payout.objects.get(application=application)
    assert payout_send.run(payout.pk) == Payout.State.PAID
    assert payout_send.run(payout.pk) == Payout.State.PAID  # a duplicate delivery
    application.refresh_from_db()
    assert application.status == Status.PAID
    transfer = SandboxTransfer.objects.get()
    assert transfer.times_requested == 1 and transfer.amount == Decimal("3600.00")
    assert list(StatusChange.objects.filter(application=application).values_list("to_status", flat=True)) == [
        "draft",
        "submitted",
        "approved",
        "paying",
        "paid",
    ]
    assert account_ledger_sum(account=depositor.account) == PersonalAccount.objects.get(pk=depositor.account.pk).balance
