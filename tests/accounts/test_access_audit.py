"""个人信息查询记录: every staff view of a person's data and every partner read is recorded (who, whom, what, when,
from where), the person sees it on their own page, auditors search it in admin, and no row can be changed."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.audit import access_record, access_records_purge
from accounts.models import AccessRecord
from tests.withdrawals.helpers import submitted_rent


def test_a_reviewer_opening_the_workbench_appears_on_the_persons_page(client, depositor, other_depositor, reviewer):
    application = submitted_rent(depositor)
    client.force_login(reviewer)
    page = client.get(
        reverse("admin:withdrawals_withdrawalapplication_change", args=[application.pk]), REMOTE_ADDR="10.1.2.3"
    )
    assert page.status_code == 200
    record = AccessRecord.objects.get(id_number=depositor.id_number)
    assert record.viewer == reviewer and record.channel == "admin" and record.address == "10.1.2.3"
    assert application.number in record.what and "初审" in record.office
    assert not AccessRecord.objects.filter(id_number=other_depositor.id_number).exists()

    client.force_login(depositor)
    mine = client.get(reverse("accounts:access_records")).content.decode()
    assert "初审" in mine and application.number in mine and reviewer.username not in mine
    # Another person's page shows nothing of it.
    client.force_login(other_depositor)
    assert application.number not in client.get(reverse("accounts:access_records")).content.decode()


def test_the_persons_own_pages_and_lists_are_not_recorded(client, depositor, reviewer):
    submitted_rent(depositor)
    client.force_login(depositor)
    client.get(reverse("deposits:profile"))
    client.force_login(reviewer)
    client.get(reverse("admin:withdrawals_withdrawalapplication_changelist"))
    assert AccessRecord.objects.count() == 0


def test_account_and_user_change_pages_are_recorded_too(client, depositor, admin_user):
    client.force_login(admin_user)
    client.get(reverse("admin:deposits_personalaccount_change", args=[depositor.account.pk]))
    client.get(reverse("admin:accounts_user_change", args=[depositor.pk]))
    assert AccessRecord.objects.filter(id_number=depositor.id_number, viewer=admin_user).count() == 2


def test_auditors_find_records_by_id_number_or_viewer(client, depositor, reviewer, admin_user):
    application = submitted_rent(depositor)
    client.force_login(reviewer)
    client.get(reverse("admin:withdrawals_withdrawalapplication_change", args=[application.pk]))
    client.force_login(admin_user)
    url = reverse("admin:accounts_accessrecord_changelist")
    by_person = client.get(url, {"q": depositor.id_number}).content.decode()
    assert application.number in by_person
    assert application.number in client.get(url, {"q": reviewer.username}).content.decode()
    assert application.number not in client.get(url, {"q": "110101199003077777"}).content.decode()


def _one(depositor):
    access_record(id_numbers=[depositor.id_number], what="测试", channel="admin", office="测试科")
    return AccessRecord.objects.get()


@pytest.mark.django_db(transaction=True)
def test_nothing_updates_or_deletes_a_record(depositor):
    record = _one(depositor)
    for attempt in (
        lambda: AccessRecord.objects.filter(pk=record.pk).update(what="改过"),
        lambda: AccessRecord.objects.filter(pk=record.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    # Not even an old row, outside the purge's flagged transaction.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE accounts_accessrecord DISABLE TRIGGER accounts_access_append_only")
        cursor.execute("UPDATE accounts_accessrecord SET at = now() - interval '5 years'")
        cursor.execute("ALTER TABLE accounts_accessrecord ENABLE TRIGGER accounts_access_append_only")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccessRecord.objects.all().delete()
    assert AccessRecord.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_purge_deletes_only_rows_past_the_policys_retention(depositor, policy):
    _one(depositor)
    assert access_records_purge() == 0  # three years by default: a new row stays
    # A purge run with a wrong clock still deletes nothing young: the trigger keeps its own clock.
    with pytest.raises(DatabaseError, match="append-only"):
        access_records_purge(now=timezone.now() + timedelta(days=365 * 3 + 1))
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE accounts_accessrecord DISABLE TRIGGER accounts_access_append_only")
        cursor.execute("UPDATE accounts_accessrecord SET at = now() - interval '4 years'")
        cursor.execute("ALTER TABLE accounts_accessrecord ENABLE TRIGGER accounts_access_append_only")
    assert access_records_purge() == 1
    assert AccessRecord.objects.count() == 0


def test_a_material_file_opened_by_staff_is_recorded(client, depositor, reviewer):
    from django.core.files.base import ContentFile

    from tests.withdrawals.test_views import png_bytes
    from withdrawals.models import Material

    application = submitted_rent(depositor, region="大连市")
    material = Material.objects.create(
        application=application, file=ContentFile(png_bytes(), name="m.png"), original_name="合同.png",
        content_type="image/png", size=10,
    )  # fmt: skip
    url = reverse("withdrawals:material_file", args=[material.public_id])
    client.force_login(depositor)
    assert client.get(url).status_code == 200
    assert AccessRecord.objects.count() == 0  # the person's own file
    client.force_login(reviewer)
    assert client.get(url).status_code == 200
    record = AccessRecord.objects.get()
    assert record.channel == "file" and "合同.png" in record.what and record.id_number == depositor.id_number


def test_a_message_and_a_commercial_loan_opened_in_admin_are_recorded(client, depositor, admin_user):
    from datetime import date
    from decimal import Decimal

    from loans.models import CommercialLoan
    from messages_center.services import message_send

    message = message_send(recipient=depositor, business="提取", title="审核通过", body="您的租房提取已审核通过")
    loan = CommercialLoan.objects.create(
        material_no="SD9", borrower=depositor.account, lender="建设银行", contract_no="C9", amount=Decimal("800000"),
        term_months=360, start_on=date(2024, 1, 1), monthly_payment=Decimal("3000.00"), house_address="沈阳市",
    )  # fmt: skip
    client.force_login(admin_user)
    assert client.get(reverse("admin:messages_center_message_change", args=[message.pk])).status_code == 200
    assert client.get(reverse("admin:loans_commercialloan_change", args=[loan.pk])).status_code == 200
    whats = set(AccessRecord.objects.filter(id_number=depositor.id_number).values_list("what", flat=True))
    assert whats == {"消息 审核通过", "商业贷款记录 建设银行 C9"}, whats


# Admin pages of models that name a person but show nothing of their file (say why).
NOT_PERSON_DATA = {
    "accounts.AccessRecord": "the record itself: auditors read it; recording that would record forever",
    "deposits.RemittanceBatch": "an employer's list: the employer, its totals and who acted; no person's lines",
    "deposits.BankCredit": "the bank's credit on the 归集 account: the paying employer and who matched it",
    "deposits.SuspenseRefund": "an employer's 暂存款 refund: its bank account and who approved and released it",
    "policy.Notice": "a published 通知公告 and who published it",
}


def _names_a_person(model) -> bool:
    from django.contrib.auth import get_user_model

    from deposits.models import PersonalAccount

    people = {get_user_model(), PersonalAccount}
    return any(
        getattr(f, "related_model", None) in people and (f.many_to_one or f.one_to_one) and f.concrete
        for f in model._meta.get_fields()
    ) or any(f.name == "id_number" for f in model._meta.get_fields())


def test_every_admin_page_that_shows_a_person_records_the_look():
    """A new admin for a model that points at a person (or carries an ID number) fails here until it inherits
    PersonDataAdmin — or is listed above with the reason it shows nothing of the person's file."""
    from django.contrib import admin

    from accounts.audit import PersonDataAdmin

    unrecorded = sorted(
        f"{model._meta.app_label}.{model.__name__}"
        for model, model_admin in admin.site._registry.items()
        if _names_a_person(model) and not isinstance(model_admin, PersonDataAdmin)
    )
    assert set(unrecorded) <= set(NOT_PERSON_DATA), [m for m in unrecorded if m not in NOT_PERSON_DATA]
