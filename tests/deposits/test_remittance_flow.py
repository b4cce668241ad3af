"""Employer lists move money only when they should: 申报 → 到账 → 入账, each step recorded."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from deposits import remittance
from deposits.models import EntryKind, LedgerEntry, RemittanceBatch
from messages_center.models import Message

from .test_remittance import PERIOD, _named, csv_file, monthly_rows


def declared(employer, user):
    rows = remittance.monthly_list(employer=employer, period=PERIOD)
    return remittance.remittance_declare(employer=employer, period=PERIOD, rows=rows, user=user)


def test_an_upload_with_no_file_says_so_and_changes_nothing(client, unit):
    employer, staff, user = unit
    client.force_login(user)
    for url in (reverse("unit:monthly"), reverse("unit:supplementary")):
        page = client.post(url, {"action": "upload"}).content.decode()
        assert "请选择清册文件" in page
    assert not RemittanceBatch.objects.exists() and not LedgerEntry.objects.filter(kind=EntryKind.REMITTANCE).exists()


def test_the_confirmation_shows_count_and_total_and_records_nothing_until_confirmed(client, unit):
    employer, staff, user = unit
    client.force_login(user)
    upload = client.post(
        reverse("unit:monthly"), {"action": "upload", "file": _named(csv_file(monthly_rows(staff)), "m.csv")}
    )
    page = client.get(upload.url).content.decode()
    assert '共 <strong data-testid="count">3</strong> 人' in page and "4,320.00" in page
    assert not RemittanceBatch.objects.exists()
    token = upload.url.split("token=")[1]
    client.post(reverse("unit:confirm"), {"token": token})
    batch = RemittanceBatch.objects.get()
    assert batch.status == RemittanceBatch.Status.DECLARED and batch.total == Decimal("4320.00")
    assert not LedgerEntry.objects.filter(kind=EntryKind.REMITTANCE).exists(), "申报 moves no money"
    client.post(reverse("unit:confirm"), {"token": token})  # the same token again: already used
    assert RemittanceBatch.objects.count() == 1


def test_a_token_of_another_employer_or_a_made_up_one_declares_nothing(client, unit, django_user_model):
    employer, staff, user = unit
    client.force_login(user)
    token = client.post(reverse("unit:monthly"), {"action": "computed"}).url.split("token=")[1]
    from tests.factories import EmployerFactory

    stranger = django_user_model.objects.create_user("unit8", password="x", role="unit", employer=EmployerFactory())
    client.force_login(stranger)
    for bad in (token, "made-up", "\x00", "x" * 500):
        client.post(reverse("unit:confirm"), {"token": bad})
    assert not RemittanceBatch.objects.exists()


def test_a_declared_month_posts_only_after_funds_arrive_and_only_once(unit):
    employer, staff, user = unit
    batch = declared(employer, user)
    assert not LedgerEntry.objects.filter(kind=EntryKind.REMITTANCE).exists()
    remittance.remittance_fund(batch_id=batch.pk, reference="BANK123")
    batch.refresh_from_db()
    assert batch.status == RemittanceBatch.Status.POSTED and batch.funds_reference == "BANK123"
    assert LedgerEntry.objects.filter(kind=EntryKind.REMITTANCE).count() == 3
    assert [c.to_status for c in batch.changes.all()] == ["declared", "funded", "posted"]
    remittance.remittance_notify(batch_id=batch.pk)
    assert Message.objects.filter(title="汇缴到账").count() == 3
    with pytest.raises(remittance.EmployerError, match="不能再次确认到账"):
        remittance.remittance_fund(batch_id=batch.pk)
    assert LedgerEntry.objects.filter(kind=EntryKind.REMITTANCE).count() == 3


def test_the_list_is_checked_again_at_posting_and_a_line_that_cannot_post_holds_up_nothing(unit):
    """The money arrived: a line whose base changed since 申报 goes to 单位暂存款 with its reason, the rest post."""
    from deposits.models import Employer, SuspenseEntry

    employer, staff, user = unit
    batch = declared(employer, user)
    staff[1].base = Decimal("7000.00")  # a base changed between 申报 and 到账
    staff[1].save(update_fields=["base"])
    remittance.remittance_fund(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == RemittanceBatch.Status.POSTED
    assert LedgerEntry.objects.filter(kind="remittance").count() == 2
    assert not LedgerEntry.objects.filter(kind="remittance", account=staff[1]).exists()
    [entry] = SuspenseEntry.objects.all()
    assert "应为1680.00元" in entry.reason and entry.amount == Decimal("1440.00")
    assert Employer.objects.get(pk=employer.pk).suspense_balance == Decimal("1440.00")
    assert batch.lines.get(account=staff[1]).outcome == "suspense"


@pytest.mark.django_db(transaction=True)
def test_two_finance_clerks_confirming_at_once_post_once(unit):
    employer, staff, user = unit
    batch = declared(employer, user)
    outcomes = []

    def confirm():
        try:
            remittance.remittance_fund(batch_id=batch.pk)
            outcomes.append("posted")
        except remittance.EmployerError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["posted", "refused"]
    assert LedgerEntry.objects.filter(kind=EntryKind.REMITTANCE).count() == 3


def test_finance_confirms_funds_in_admin(client, unit, releaser):
    employer, staff, user = unit
    batch = declared(employer, user)
    client.force_login(releaser)
    url = reverse("admin:deposits_remittancebatch_changelist")
    response = client.post(url, {"action": "confirm_funds", "_selected_action": [batch.pk]}, follow=True)
    assert "已确认到账并入账1份清册" in response.content.decode()
    response = client.post(url, {"action": "confirm_funds", "_selected_action": [batch.pk]}, follow=True)
    assert "不能再次确认到账" in response.content.decode()
    assert LedgerEntry.objects.filter(kind=EntryKind.REMITTANCE).count() == 3
