"""撤回 and 办理进度: the applicant withdraws before the center decides (recorded, told, not counted against
the year), never after; the progress page says by which working day each step is expected."""

import pytest
from django.urls import reverse
from django.utils import timezone

from messages_center.models import Message
from policy.center import current_policy, working_day_after
from withdrawals.models import Status, StatusChange, WithdrawalApplication
from withdrawals.review import withdrawal_approve

from .test_views import URL, form_data


@pytest.fixture
def client_zw(client, depositor):
    client.force_login(depositor)
    return client


def submitted(client_zw, depositor):
    client_zw.post(URL, form_data())
    return WithdrawalApplication.objects.get(applicant=depositor, status=Status.SUBMITTED)


def test_withdrawn_before_review_is_recorded_told_and_frees_the_years_rent_withdrawal(client_zw, depositor):
    application = submitted(client_zw, depositor)
    page = client_zw.get(reverse("withdrawals:detail", args=[application.public_id])).content.decode()
    review_by = working_day_after(timezone.localdate(application.created_at), current_policy().review_sla_days)
    assert f"预计 {review_by:%Y年%m月%d日} 前完成审核" in page and "撤回申请" in page
    assert application.number in page.split("服务热线")[1][:200]
    page = client_zw.post(reverse("withdrawals:withdraw", args=[application.public_id]), follow=True)
    assert f"申请 {application.number} 已撤回" in page.content.decode()
    application.refresh_from_db()
    change = StatusChange.objects.filter(application=application).latest("at")
    assert application.status == Status.WITHDRAWN and change.actor == depositor and change.reason == "本人撤回"
    assert Message.objects.filter(recipient=depositor, title="申请已撤回").exists()
    # This year's one 租房提取 is free again: a new application goes in.
    client_zw.post(URL, form_data())
    assert WithdrawalApplication.objects.filter(applicant=depositor, status=Status.SUBMITTED).count() == 1


def test_after_the_decision_it_cannot_be_withdrawn(client_zw, depositor, reviewer):
    application = submitted(client_zw, depositor)
    withdrawal_approve(application_id=application.pk, reviewer=reviewer)
    page = client_zw.get(reverse("withdrawals:detail", args=[application.public_id])).content.decode()
    assert "撤回申请" not in page and "审核通过" in page and "前到账" in page
    response = client_zw.post(reverse("withdrawals:withdraw", args=[application.public_id]), follow=True)
    assert "不能撤回" in response.content.decode()
    application.refresh_from_db()
    assert application.status in (Status.APPROVED, Status.PAYING, Status.PAID)


def test_someone_elses_application_cannot_be_withdrawn(client_zw, depositor, other_depositor, client):
    application = submitted(client_zw, depositor)
    client.force_login(other_depositor)
    assert client.post(reverse("withdrawals:withdraw", args=[application.public_id])).status_code == 404
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
