from decimal import Decimal

import pytest
from django.urls import reverse

from deposits.models import EntryKind, LedgerEntry
from tests.factories import work_after_commit
from withdrawals.models import Payout, Status, WithdrawalApplication

from .helpers import submitted_rent


def review_url(application):
    return reverse("admin:withdrawals_review", args=[application.pk])


def test_reviewer_sees_the_queue_and_the_review_link(client, depositor, reviewer):
    application = submitted_rent(depositor)
    client.force_login(reviewer)
    queue = client.get(reverse("admin:withdrawals_withdrawalapplication_changelist") + "?status__exact=submitted")
    assert application.number in queue.content.decode()
    page = client.get(reverse("admin:withdrawals_withdrawalapplication_change", args=[application.pk])).content.decode()
    assert review_url(application) in page
    assert "6217 **** **** 1234" in page and "6217000010001234" not in page


def test_reviewer_approves_with_an_opinion_in_admin(client, depositor, reviewer, django_capture_on_commit_callbacks):
    application = submitted_rent(depositor)
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(review_url(application), {"decision": "approve", "opinion": "同意提取"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.reviewed_by == reviewer
    assert application.review_opinion == "同意提取"
    assert LedgerEntry.objects.get(kind=EntryKind.PARTIAL_WITHDRAWAL).amount == Decimal("-3600.00")
    assert Payout.objects.get(application=application).status == Payout.State.HELD
    assert work_after_commit(callbacks) == []


def test_reject_without_opinion_is_refused_in_admin(client, depositor, reviewer):
    application = submitted_rent(depositor)
    client.force_login(reviewer)
    page = client.post(review_url(application), {"decision": "reject", "opinion": ""}).content.decode()
    assert "必须填写审批意见" in page
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    client.post(review_url(application), {"decision": "reject", "opinion": "月租金与合同不符"})
    application.refresh_from_db()
    assert application.status == Status.REJECTED


def test_an_opinion_longer_than_its_column_is_refused_not_a_500(client, depositor, reviewer):
    application = submitted_rent(depositor)
    client.force_login(reviewer)
    page = client.post(review_url(application), {"decision": "reject", "opinion": "理由" * 5000})
    assert page.status_code == 200 and "500" in page.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_approving_twice_in_admin_shows_an_error_and_pays_once(client, depositor, reviewer):
    application = submitted_rent(depositor)
    client.force_login(reviewer)
    client.post(review_url(application), {"decision": "approve", "opinion": ""})
    response = client.post(review_url(application), {"decision": "approve", "opinion": ""}, follow=True)
    assert "不能审核通过" in response.content.decode()
    assert LedgerEntry.objects.filter(kind=EntryKind.PARTIAL_WITHDRAWAL).count() == 1


def test_bulk_approve_action_calls_the_service(client, depositor, other_depositor, reviewer):
    a = submitted_rent(depositor)
    b = submitted_rent(other_depositor, amount=Decimal("1000.00"))
    client.force_login(reviewer)
    client.post(
        reverse("admin:withdrawals_withdrawalapplication_changelist"),
        {"action": "approve_selected", "_selected_action": [a.pk, b.pk]},
    )
    assert Payout.objects.count() == 2
    assert LedgerEntry.objects.filter(kind=EntryKind.PARTIAL_WITHDRAWAL).count() == 2


@pytest.mark.parametrize("who", ["releaser", "depositor"])
def test_only_reviewers_may_review(client, depositor, releaser, who):
    application = submitted_rent(depositor)
    client.force_login(releaser if who == "releaser" else depositor)
    client.post(review_url(application), {"decision": "approve", "opinion": ""})
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_staff_may_open_materials_depositors_of_others_may_not(client, depositor, reviewer):
    from withdrawals.models import Material

    from .test_views import png_bytes

    application = submitted_rent(depositor, region="大连市")
    from django.core.files.base import ContentFile

    material = Material.objects.create(
        application=application,
        file=ContentFile(png_bytes(), name="m.png"),
        original_name="合同.png",
        content_type="image/png",
        size=10,
    )
    url = reverse("withdrawals:material_file", args=[material.public_id])
    client.force_login(reviewer)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    client.force_login(depositor)
    assert client.get(url).status_code == 200


def release_url(application):
    return reverse("admin:withdrawals_release", args=[application.pk])


def test_a_second_person_releases_the_payout(client, depositor, reviewer, releaser, django_capture_on_commit_callbacks):
    application = submitted_rent(depositor)
    client.force_login(reviewer)
    client.post(review_url(application), {"decision": "approve", "opinion": "同意"})
    assert client.post(release_url(application)).status_code == 302  # refused: no release permission
    assert Payout.objects.get(application=application).status == Payout.State.HELD
    client.force_login(releaser)
    page = client.get(reverse("admin:withdrawals_withdrawalapplication_change", args=[application.pk]))
    assert release_url(application) in page.content.decode()
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(release_url(application))
    payout = Payout.objects.get(application=application)
    assert payout.status == Payout.State.PENDING and payout.released_by == releaser and len(callbacks) == 1


def test_the_approver_cannot_release_even_with_both_permissions(client, depositor, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", password="x", role="staff")
    application = submitted_rent(depositor)
    client.force_login(boss)
    client.post(review_url(application), {"decision": "approve", "opinion": "同意"})
    response = client.post(release_url(application), follow=True)
    assert "审核人不能复核放款自己审核通过的申请" in response.content.decode()
    assert Payout.objects.get(application=application).status == Payout.State.HELD


def test_request_materials_gives_the_depositor_a_todo_and_the_upload_brings_it_back(client, depositor, reviewer):
    from messages_center.models import Message
    from withdrawals.services import withdrawal_submit

    application = submitted_rent(depositor)
    client.force_login(reviewer)
    client.post(review_url(application), {"decision": "materials", "opinion": "请补充租房合同首页"})
    application.refresh_from_db()
    assert application.status == Status.MATERIALS_REQUESTED and application.needs_materials
    todo = Message.objects.open_todos().get(recipient=depositor)
    assert "请补充租房合同首页" in todo.body
    from withdrawals.services import WithdrawalError

    with pytest.raises(WithdrawalError):  # nothing new uploaded yet
        withdrawal_submit(application=application, user=depositor)
    from django.core.files.base import ContentFile

    from withdrawals.models import Material

    from .test_views import png_bytes

    Material.objects.create(
        application=application,
        file=ContentFile(png_bytes(), name="m.png"),
        original_name="合同.png",
        content_type="image/png",
        size=10,
    )
    withdrawal_submit(application=application, user=depositor)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    todo.refresh_from_db()
    assert todo.done_at is not None


def test_materials_are_shown_inline_to_the_reviewer(client, depositor, reviewer):
    from django.core.files.base import ContentFile

    from withdrawals.models import Material

    from .test_views import png_bytes

    application = submitted_rent(depositor, region="大连市")
    m = Material.objects.create(
        application=application,
        file=ContentFile(png_bytes(), name="m.png"),
        original_name="合同.png",
        content_type="image/png",
        size=10,
    )
    client.force_login(reviewer)
    page = client.get(reverse("admin:withdrawals_withdrawalapplication_change", args=[application.pk])).content.decode()
    assert f'<img src="{reverse("withdrawals:material_file", args=[m.public_id])}"' in page


def test_queue_filters_by_overdue_and_amount(client, depositor, other_depositor, reviewer):
    from datetime import timedelta

    from django.utils import timezone

    old = submitted_rent(depositor)
    WithdrawalApplication.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=14))
    fresh = submitted_rent(other_depositor, amount=Decimal("1000.00"))
    client.force_login(reviewer)
    url = reverse("admin:withdrawals_withdrawalapplication_changelist")
    overdue = client.get(url, {"overdue": "yes"}).content.decode()
    assert old.number in overdue and fresh.number not in overdue
    small = client.get(url, {"amount": "lt10k"}).content.decode()
    assert old.number in small and fresh.number in small
    assert old.number not in client.get(url, {"amount": "gt50k"}).content.decode()


def test_setup_staff_groups_gives_review_and_release_to_different_groups(db, capsys):
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    call_command("setup_staff_groups")
    call_command("setup_staff_groups")
    first = set(Group.objects.get(name="初审").permissions.values_list("codename", flat=True))
    second = set(Group.objects.get(name="复核/财务").permissions.values_list("codename", flat=True))
    assert "review_withdrawal" in first and "release_payout" not in first
    assert "release_payout" in second and "review_withdrawal" not in second
