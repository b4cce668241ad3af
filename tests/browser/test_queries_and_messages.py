"""张伟 reads his account, prints and verifies a certificate, and works through his messages in Chromium."""

import subprocess

import pytest
from django.utils import timezone

from deposits.models import DepositCertificate
from messages_center.models import Message

from .nav import choose, open_section
from .test_rent_withdrawal import fill_rent_form, login_as_zhang_wei

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_panel_profile_and_a_date_range_query(page):
    login_as_zhang_wei(page)
    page.get_by_role("button", name="张伟").click()
    panel = page.get_by_test_id("user-panel")
    panel.wait_for()
    assert "210100000001" in panel.inner_text() and "沈阳示例科技有限公司" in panel.inner_text()
    page.shot("user-panel")
    panel.get_by_role("link", name="查看个人基本信息").click()
    page.get_by_role("heading", name="个人基本信息").wait_for()
    assert "2101**********1237" in page.content() and "210102199001011237" not in page.content()
    open_section(page, "缴存支取信息")
    today = timezone.localdate()
    # The default range (the last 12 months) is chosen in the 年 / 月 / 日 lists, not left blank; the lists read
    # in Chinese (a date input showed mm/dd/yyyy in an English browser).
    chosen = [page.get_by_label(f"结束日期：{part}", exact=True) for part in ("年", "月", "日")]
    assert [c.input_value() for c in chosen] == [str(today.year), str(today.month), str(today.day)]
    assert chosen[0].locator("option:checked").inner_text() == f"{today.year}年"
    assert page.get_by_label("开始日期：日", exact=True).input_value() == "1"
    year = today.year
    choose(page, "开始日期", f"{year}-01-01")
    choose(page, "结束日期", f"{year}-06-30")
    page.get_by_role("button", name="查询").click()
    page.get_by_text("明细（共 6 笔）").wait_for()
    assert page.locator("svg[aria-label='余额变化图'] polyline").count() == 1
    page.shot("statement")


def test_print_the_certificate_and_verify_its_code(page, tmp_path):
    login_as_zhang_wei(page)
    open_section(page, "打印缴存证明")
    with page.expect_download() as download:
        page.get_by_role("button", name="生成缴存证明（PDF）").click()
    pdf = tmp_path / "certificate.pdf"
    download.value.save_as(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf), str(tmp_path / "certificate")], check=True
    )
    png = tmp_path / "certificate.png"
    page.keep(png, "certificate")
    # Read the picture itself, as a person would: the name and the account number must be on it.
    seen = subprocess.run(["tesseract", str(png), "-", "-l", "chi_sim"], capture_output=True, text=True, check=True)
    assert "张伟" in seen.stdout and "210100000001" in seen.stdout
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "张伟" in text and "210100000001" in text
    code = DepositCertificate.objects.get().code
    assert code in text
    page.goto(page.base_url + "/verify/")
    page.get_by_placeholder("请输入证明上的验证码").fill(code)
    page.get_by_role("button", name="核验", exact=True).click()
    page.get_by_text("该缴存证明真实有效").wait_for()
    page.shot("verify")
    # The PDF itself: its signature checked on the same page; the file with one byte changed is refused.
    page.locator("input#document").set_input_files(str(pdf))
    page.get_by_role("button", name="上传核验").click()
    page.get_by_test_id("file-verdict").wait_for()
    assert "签名有效，文件自签章后未被修改" in page.get_by_test_id("file-verdict").inner_text()
    page.shot("verify-signed-file")
    data = bytearray(pdf.read_bytes())
    data[data.index(b"stream", len(data) // 4) + 40] ^= 1
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(bytes(data))
    page.locator("input#document").set_input_files(str(changed))
    page.get_by_role("button", name="上传核验").click()
    page.get_by_test_id("file-verdict").wait_for()
    assert "签名有效" not in page.get_by_test_id("file-verdict").inner_text()
    page.shot("verify-changed-file")


def test_read_and_delete_messages(page):
    login_as_zhang_wei(page)
    fill_rent_form(page, "沈阳市")
    page.get_by_role("button", name="提交申请").click()
    page.get_by_text("提交成功").wait_for()
    open_section(page, "消息中心")
    page.get_by_role("link", name="查看").first.click()
    page.get_by_text("消息内容").wait_for()
    assert "待后台审核通过后，资金即可到账" in page.content()
    page.get_by_role("button", name="标为已阅").click()
    page.get_by_text("已标记为已阅").wait_for()
    page.get_by_role("link", name="已阅").click()
    page.shot("messages-read")
    page.get_by_role("link", name="删除").first.click()
    page.get_by_role("heading", name="确定删除这条消息吗？").wait_for()
    page.shot("message-delete-confirm")
    page.get_by_role("button", name="确定删除").click()
    page.get_by_text("消息已删除").wait_for()
    assert Message.objects.get(title="申请已提交").deleted_at is not None
