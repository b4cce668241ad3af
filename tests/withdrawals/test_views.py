import io
from datetime import time
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from policy.center import policy_cache_clear
from policy.models import BusinessWindow
from withdrawals.models import Material, Status, WithdrawalApplication

from .helpers import submitted_rent

URL = reverse("withdrawals:rent_new")
YEAR = timezone.localdate().year


def form_data(**changes):
    data = {
        "region": "沈阳市",
        "address": "沈阳市和平区南京北街1号",
        "start_month": f"{YEAR}-01",
        "end_month": f"{YEAR}-03",
        "monthly_rent": "1200.00",
        "bank": "建设银行",
        "card_number": "6217 0000 1000 1234",
        "amount": "3600.00",
        "pledge": "on",
    }
    data.update(changes)
    return data


@pytest.fixture
def client_zw(client, depositor):
    client.force_login(depositor)
    return client


def png_bytes():
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buf, format="PNG")
    return buf.getvalue()


def test_rent_in_shenyang_goes_straight_to_the_success_page(client_zw, depositor):
    response = client_zw.post(URL, form_data(), follow=True)
    application = WithdrawalApplication.objects.get(applicant=depositor)
    assert application.status == Status.SUBMITTED
    assert application.card_number == "6217000010001234"
    assert response.redirect_chain[-1][0] == reverse("withdrawals:done", args=[application.public_id])
    assert "提交成功" in response.content.decode() and "待后台审核通过后，资金即可到账" in response.content.decode()
    assert "业务办理完毕" not in response.content.decode() and "个工作日内" in response.content.decode()


def test_rent_in_dalian_asks_for_an_upload_then_submits_on_confirm(client_zw, depositor):
    response = client_zw.post(URL, form_data(region="大连市"), follow=True)
    application = WithdrawalApplication.objects.get(applicant=depositor)
    assert application.status == Status.DRAFT
    page = response.content.decode()
    assert "本地上传" in page and "确定" in page
    materials_url = reverse("withdrawals:materials", args=[application.public_id])
    # 确定 before any upload is refused
    response = client_zw.post(materials_url, {"action": "confirm"})
    assert "请先点击“本地上传”" in response.content.decode()
    upload = io.BytesIO(png_bytes())
    upload.name = "租房合同.png"
    client_zw.post(materials_url, {"action": "upload", "files": upload})
    material = Material.objects.get(application=application)
    assert material.content_type == "image/png" and material.original_name == "租房合同.png"
    assert "private_media" in material.file.path and material.file.name.endswith(".png")
    response = client_zw.post(materials_url, {"action": "confirm"}, follow=True)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert "提交成功" in response.content.decode()


def test_an_upload_that_is_not_an_image_or_pdf_is_refused(client_zw, depositor):
    client_zw.post(URL, form_data(region="大连市"))
    application = WithdrawalApplication.objects.get(applicant=depositor)
    fake = io.BytesIO(b"MZ\x90\x00 this is an executable renamed")
    fake.name = "合同.jpg"
    response = client_zw.post(
        reverse("withdrawals:materials", args=[application.public_id]), {"action": "upload", "files": fake}
    )
    assert "无法识别" in response.content.decode()
    assert not Material.objects.exists()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"card_number": "621700001000123"}, "16至19位数字"),
        ({"amount": "3600.01"}, "不能超过本次可提取金额 3,600.00 元"),
        ({"start_month": "2019-01", "end_month": "2019-03"}, "本年度"),
        ({"start_month": f"{YEAR}-05", "end_month": f"{YEAR}-03"}, "不能晚于"),
        ({"pledge": ""}, "请详细阅读并勾选承诺书"),
        ({"monthly_rent": "abc"}, "月租金"),
    ],
)
def test_bad_input_gets_a_chinese_message_keeps_the_input_and_saves_nothing(client_zw, changes, message):
    response = client_zw.post(URL, form_data(**changes))
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "沈阳市和平区南京北街1号" in page  # what the user typed is kept
    assert not WithdrawalApplication.objects.exists()


def test_a_bank_not_on_the_list_is_refused_by_the_middleware_and_saves_nothing(client_zw):
    response = client_zw.post(URL, form_data(bank="招商银行"))
    assert response.status_code == 400
    assert "收款银行须为建设银行、工商银行、盛京银行之一" in response.content.decode()
    assert not WithdrawalApplication.objects.exists()


def test_outside_the_window_the_page_says_when_to_come_back_and_saves_nothing(client_zw, policy):
    now = timezone.localtime()
    # A one-minute window that is certainly not now.
    opens = time((now.hour + 2) % 24, 0)
    closes = time(opens.hour, 1)
    windows = BusinessWindow.objects.filter(policy__code="liaoning", business="withdrawal")
    windows.update(opens_at=opens, closes_at=closes)
    policy_cache_clear()
    response = client_zw.post(URL, form_data())
    assert response.status_code == 403
    page = response.content.decode()
    assert "当前不在业务办理时间" in page and f"{opens:%H:%M}" in page and "未保存任何信息" in page
    assert not WithdrawalApplication.objects.exists()
    assert client_zw.get(URL).status_code == 200  # reading the form is always allowed


def test_an_ineligible_depositor_sees_why_before_typing(client, policy, today):
    from tests.factories import PersonalAccountFactory, deposit_history

    account = PersonalAccountFactory()
    deposit_history(account, months=2, today=today)
    client.force_login(account.user)
    page = client.get(URL).content.decode()
    assert "连续足额缴存满3个月" in page
    assert 'class="btn btn-primary px-4" disabled>提交申请' in page


def test_other_peoples_applications_and_materials_answer_404(client, depositor, other_depositor):
    application = submitted_rent(depositor, region="大连市")
    material = Material.objects.create(
        application=application, file="materials/x.png", original_name="x.png", content_type="image/png", size=1
    )
    client.force_login(other_depositor)
    for name in ("detail", "materials", "done"):
        assert client.get(reverse(f"withdrawals:{name}", args=[application.public_id])).status_code == 404
    assert client.get(reverse("withdrawals:material_file", args=[material.public_id])).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, policy):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_application_page_shows_status_history_and_masked_card(client_zw, depositor):
    application = submitted_rent(depositor)
    page = client_zw.get(reverse("withdrawals:detail", args=[application.public_id])).content.decode()
    assert "已提交" in page and "6217 **** **** 1234" in page and "6217000010001234" not in page
    mine = client_zw.get(reverse("hall:mine")).content.decode()
    assert application.number in mine


def test_home_shows_account_balance_and_entries(client_zw, depositor):
    page = client_zw.get(reverse("home")).content.decode()
    account = depositor.account
    assert account.grzh in page and "46,080.00" in page and account.employer.name in page and "汇缴" in page
    assert Decimal("1920.00") == account.monthly_amount
