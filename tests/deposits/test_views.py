import re
import subprocess
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from deposits.models import DepositCertificate


@pytest.fixture
def client_zw(client, depositor):
    client.force_login(depositor)
    return client


def test_profile_shows_masked_identity_and_the_account(client_zw, depositor):
    page = client_zw.get(reverse("deposits:profile")).content.decode()
    account = depositor.account
    assert account.grzh in page and account.employer.name in page and "46,080.00" in page
    assert account.id_number not in page and f"{account.id_number[:4]}**********{account.id_number[-4:]}" in page
    assert account.phone not in page and f"{account.phone[:3]}****{account.phone[-4:]}" in page


def test_the_user_name_opens_a_panel_with_the_account(client_zw, depositor):
    page = client_zw.get(reverse("withdrawals:index")).content.decode()
    assert 'data-testid="user-panel"' in page and depositor.account.grzh in page and "查看个人基本信息" in page


def test_statement_defaults_to_the_last_twelve_months(client_zw):
    response = client_zw.get(reverse("deposits:statement"))
    page = response.context["page"]
    today = timezone.localdate()
    # 24 monthly remittances ending last month: those of the last 12 calendar months (this one included).
    assert page.paginator.count == 11
    assert response.context["chart"] is not None
    assert "余额变化" in response.content.decode()
    assert response.context["form"].initial == {} and today.strftime("%Y-%m-%d") in response.context["query"]
    # The 年 / 月 / 日 lists show the range, chosen (a date input showed mm/dd/yyyy in an English browser).
    page = response.content.decode()
    assert 'type="date"' not in page
    shown = {"year": f"{today.year}年", "month": f"{today.month}月", "day": f"{today.day}日"}
    for part, value in (("year", today.year), ("month", today.month), ("day", today.day)):
        chosen = rf'<select name="end_{part}".*?<option value="{value}" selected>{shown[part]}</option>'
        assert re.search(chosen, page, re.S), part


def test_statement_for_a_chosen_range_pages_through_the_entries(client_zw):
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - 23
    start = date(index // 12, index % 12 + 1, 1)  # the 1st of the month 23 months ago: 23 remittances since
    response = client_zw.get(reverse("deposits:statement"), {"start": start, "end": today})
    assert response.context["page"].paginator.count == 23
    assert response.context["page"].paginator.num_pages == 2
    second = client_zw.get(reverse("deposits:statement"), {"start": start, "end": today, "page": 2})
    assert len(second.context["page"].object_list) == 3


@pytest.mark.parametrize(
    "start, end, message",
    [
        (date(2023, 1, 1), date(2025, 6, 1), "最长为两年"),
        (date(2025, 6, 1), date(2025, 1, 1), "开始日期不能晚于结束日期"),
        ("2025-13-01", "2025-12-01", "请输入正确的日期"),
    ],
)
def test_a_bad_range_gets_a_chinese_message(client_zw, start, end, message):
    response = client_zw.get(reverse("deposits:statement"), {"start": start, "end": end})
    assert message in response.content.decode() and response.context["data"] is None


def test_the_certificate_is_a_pdf_with_the_name_account_and_a_code_that_verifies(
    client_zw, client, depositor, tmp_path
):
    response = client_zw.post(reverse("deposits:certificate"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "cert.pdf"
    pdf.write_bytes(response.content)
    certificate = DepositCertificate.objects.get(account=depositor.account)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in (
        "住房公积金缴存证明",
        "张伟",
        depositor.account.grzh,
        certificate.code,
        "辽宁省省直住房资金管理中心",
    ):
        assert expected in text
    assert depositor.account.id_number not in text  # masked
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page-1.png").stat().st_size > 10_000
    # Anyone holding the code can verify it, and sees masked data only.
    client.logout()
    page = client.get(reverse("deposits:verify"), {"code": certificate.code.lower()}).content.decode()
    assert "真实有效" in page and "张*" in page and depositor.account.grzh not in page
    assert "未找到" in client.get(reverse("deposits:verify"), {"code": "AAAA-BBBB-CCCC-DDDD"}).content.decode()


def test_without_a_cjk_font_the_page_says_so_instead_of_failing(client_zw, settings, monkeypatch):
    from reportlab.pdfbase import pdfmetrics

    monkeypatch.setattr(pdfmetrics, "getRegisteredFontNames", lambda: [])
    settings.GJJ_PDF_FONT = "/nonexistent/font.ttc"
    response = client_zw.post(reverse("deposits:certificate"))
    assert response.status_code == 503 and "未安装中文字体" in response.content.decode()


def test_the_same_certificate_asked_again_the_same_day_is_the_one_already_issued(client_zw, depositor):
    """Printing twice (or a script asking 38 times) writes one row with one code; a change of content
    (the balance moved) is a new certificate."""
    for _ in range(5):
        assert client_zw.post(reverse("deposits:certificate")).status_code == 200
    assert DepositCertificate.objects.filter(account=depositor.account).count() == 1
    from deposits.services import account_lock, ledger_post

    locked = account_lock(account_id=depositor.account.pk)
    ledger_post(account=locked, kind="remittance", amount=1, reference="T1", occurred_on=locked.opened_on,
                period="2026-01")  # fmt: skip
    client_zw.post(reverse("deposits:certificate"))
    assert DepositCertificate.objects.filter(account=depositor.account).count() == 2
