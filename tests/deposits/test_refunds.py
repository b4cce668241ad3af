"""单位暂存款退款: the employer asks, 初审 approves, another person (复核/财务) releases, the bank pays once;
a refusal puts the money back; reconcile holds at every step."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from deposits import refunds
from deposits.collection import suspense_add
from deposits.models import Employer, SuspenseEntry, SuspenseRefund
from gjj_portal.bank import SandboxBankGateway
from gjj_portal.models import SandboxTransfer

pytestmark = pytest.mark.django_db
ACCOUNT = "6222020200112233"


def with_suspense(employer, amount="1000.00"):
    """An over-payment the bank brought (a credit recorded, so the remittance invariant holds)."""
    from datetime import date

    from deposits.models import BankCredit

    credit = BankCredit.objects.create(bank_ref=f"OVER-{employer.pk}", amount=Decimal(amount), source="test",
                                       value_date=date(2026, 12, 1), status="suspense", employer=employer)  # fmt: skip
    suspense_add(employer=employer, kind=SuspenseEntry.Kind.OVERPAID, amount=Decimal(amount), reason="多缴",
                 reference=credit.bank_ref, credit=credit)  # fmt: skip


def reconciled():
    out = io.StringIO()
    call_command("reconcile", stdout=out)
    return "no mismatch" in out.getvalue()


def requested(employer, user, amount="600.00", account=ACCOUNT):
    return refunds.refund_request(employer=employer, user=user, amount=Decimal(amount), bank="工商银行",
                                  account_no=account, account_name=employer.name)  # fmt: skip


def test_two_people_release_it_and_the_bank_pays_once(unit, reviewer, releaser, django_capture_on_commit_callbacks):
    employer, staff, user = unit
    with_suspense(employer)
    refund = requested(employer, user)
    with pytest.raises(refunds.RefundError, match="可退金额为400.00元"):
        requested(employer, user, amount="400.01")  # 600 already asked for
    refunds.refund_approve(refund_id=refund.pk, staff=reviewer)
    with pytest.raises(refunds.RefundError, match="审核人不能复核放款"):
        refunds.refund_release(refund_id=refund.pk, staff=reviewer)
    with django_capture_on_commit_callbacks() as callbacks:
        refunds.refund_release(refund_id=refund.pk, staff=releaser)
    assert len(callbacks) >= 1  # the worker is asked after COMMIT
    employer.refresh_from_db()
    assert employer.suspense_balance == Decimal("400.00") and reconciled()
    bank = SandboxBankGateway(failure_rate=0, timeout_rate=0)
    refunds.refund_execute(refund_id=refund.pk, gateway=bank)
    refunds.refund_execute(refund_id=refund.pk, gateway=bank)  # a redelivered message pays nothing more
    assert refunds.refunds_settle(gateway=bank) == 0
    refund.refresh_from_db()
    assert refund.status == "paid" and SandboxTransfer.objects.filter(idempotency_key=refund.key).count() == 1
    assert [c.to_status for c in refund.changes.all()] == ["requested", "approved", "released", "paid"]
    assert reconciled()


def test_a_bank_refusal_puts_the_money_back(unit, reviewer, releaser):
    employer, staff, user = unit
    with_suspense(employer)
    refund = requested(employer, user, account="6222020200110000")  # the sandbox refuses cards ending 0000
    refunds.refund_approve(refund_id=refund.pk, staff=reviewer)
    refunds.refund_release(refund_id=refund.pk, staff=releaser)
    refunds.refund_execute(refund_id=refund.pk, gateway=SandboxBankGateway(failure_rate=0, timeout_rate=0))
    refund.refresh_from_db()
    assert refund.status == "failed" and Employer.objects.get(pk=employer.pk).suspense_balance == Decimal("1000.00")
    assert reconciled()


def test_a_refund_only_to_the_employers_own_account_and_within_the_balance(client, unit, reviewer):
    employer, staff, user = unit
    with_suspense(employer, "50.00")
    client.force_login(user)
    page = client.get(reverse("unit:home")).content.decode()
    assert "申请退款至单位银行账户" in page
    data = {"amount": "60.00", "bank": "工商银行", "account_no": ACCOUNT, "account_name": employer.name}
    assert "可退金额为50.00元" in client.post(reverse("unit:refund"), data).content.decode()
    other = client.post(reverse("unit:refund"), {**data, "amount": "50.00", "account_name": "别的公司"})
    assert "退款只能退到本单位账户" in other.content.decode()
    done = client.post(reverse("unit:refund"), {**data, "amount": "50.00"}, follow=True).content.decode()
    assert "退款申请已提交" in done and "待审核" in done
    assert SuspenseRefund.objects.get().requested_by == user


def test_staff_approve_and_release_in_admin(client, unit, reviewer, releaser):
    employer, staff, user = unit
    with_suspense(employer)
    refund = requested(employer, user)
    changelist = reverse("admin:deposits_suspenserefund_changelist")
    client.force_login(reviewer)
    client.post(changelist, {"action": "approve", "_selected_action": [refund.pk]})
    client.post(changelist, {"action": "release", "_selected_action": [refund.pk]})  # 初审 may not release
    refund.refresh_from_db()
    assert refund.status == "approved"
    client.force_login(releaser)
    client.post(changelist, {"action": "release", "_selected_action": [refund.pk]})
    refund.refresh_from_db()
    assert refund.status == "released" and refund.released_by == releaser
