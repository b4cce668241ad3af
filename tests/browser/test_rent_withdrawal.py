"""张伟 (SPEC §11) does 租房提取 in headless Chromium, clicking the words of seed 001."""

import pytest
from django.utils import timezone
from PIL import Image

from withdrawals.models import Status, WithdrawalApplication

from .nav import open_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login_as_zhang_wei(page):
    login_as(page, "210102199001011237", shot="login")


def login_as(page, identifier, shot=None):
    page.goto(page.base_url + "/accounts/login/")
    page.locator("img.captcha").wait_for()
    if shot:
        page.shot(shot)
    page.get_by_label("身份证号/手机号").fill(identifier)
    page.get_by_label("用户密码").fill("demo1234")
    page.locator("input[name=captcha_1]").fill("PASSED")
    page.get_by_role("button", name="立即登录").click()
    page.get_by_text("账户余额（元）").wait_for()


def next_step(page):
    """On a phone the form goes step by step (the WeChat flow); on a PC every step shows at once.
    Decided by the viewport, then waited for: the step script may not have run yet."""
    if page.viewport_size["width"] < 768:
        button = page.locator(".gjj-step:not([hidden]) .gjj-next:visible").first
        button.wait_for()
        button.click()


def fill_payee(page):
    next_step(page)
    page.get_by_label("收款银行").select_option("建设银行")
    page.get_by_label("银行卡号码").fill("6217000010001234")
    page.get_by_label("本人已阅读并承诺遵守以上承诺书").check()


def fill_rent_form(page, region, amount="3600"):
    year = timezone.localdate().year
    open_section(page, "提取")
    page.get_by_role("link", name="租房提取").click()
    next_step(page)
    page.get_by_label("租房地区").select_option(region)
    page.get_by_label("房屋详细地址").fill(f"{region}示例路1号")
    page.get_by_label("本年度起租月份").select_option(f"{year}-01")
    page.get_by_label("本年度止租月份").select_option(f"{year}-03")
    page.get_by_label("月租金（元）").fill("1200")
    # 本次可提取金额 is computed as the person types (1,200 × 3 months) and filled in for them.
    page.get_by_text("本次可提取金额：3,600.00 元").wait_for()
    assert page.get_by_label("提取金额（元）").input_value() == "3600.00"
    page.get_by_label("提取金额（元）").fill(amount)
    fill_payee(page)


def test_rent_in_shenyang_needs_no_upload(page):
    """A double tap on 提交申请 sends once: the button says it is working and ignores the second tap."""
    login_as_zhang_wei(page)
    page.shot("home")
    fill_rent_form(page, "沈阳市")
    page.shot("rent-form")
    page.get_by_role("button", name="提交申请").dblclick()
    page.get_by_text("提交成功").wait_for()
    assert "待后台审核通过后，资金即可到账" in page.content()
    page.shot("rent-done")
    application = WithdrawalApplication.objects.get(account__name="张伟")
    assert application.status == Status.SUBMITTED and not application.materials.exists()
    page.get_by_role("link", name="查看办理进度").click()
    page.get_by_test_id("status").wait_for()
    assert page.get_by_test_id("status").inner_text() == "已提交"


def camera_photo(path, megabytes_at_least=19):
    """A phone camera's picture: 6000 × 4500, detailed enough to weigh ~20 MB as a JPEG."""
    import os

    from PIL import ImageFilter

    w, h = 6000, 4500
    Image.frombytes("RGB", (w, h), os.urandom(w * h * 3)).filter(ImageFilter.GaussianBlur(1.0)).save(path, quality=98)
    assert path.stat().st_size >= megabytes_at_least * 1024 * 1024
    return path


def upload(page, slot, path):
    """影像上传 into one document's slot, as a person picks a file (the page script scales and sends it)."""
    page.get_by_label(f"{slot}：本地上传").set_input_files(str(path))


def test_rent_in_dalian_asks_for_materials(page, tmp_path):
    """A 19 MB camera photo goes scaled, under the 5 MB limit, into its document's slot; a wrong file put in the
    other slot is removed before 确定; a file of the wrong type is refused before anything is sent."""
    login_as_zhang_wei(page)
    fill_rent_form(page, "大连市")
    page.get_by_role("button", name="提交申请").click()
    page.get_by_text("影像上传").first.wait_for()
    slots = page.get_by_test_id("slot")
    assert slots.count() == 2 and "租房合同（或租赁备案证明）" in slots.nth(0).inner_text()
    photo = camera_photo(tmp_path / "租房合同.jpg")
    upload(page, "租房合同（或租赁备案证明）", photo)
    slots.nth(0).get_by_text("租房合同.jpg").wait_for(timeout=60000)
    text = tmp_path / "说明.txt"
    text.write_text("不是图片")
    upload(page, "租金支付凭证", text)
    page.get_by_text("只能上传 JPG、PNG 图片或 PDF 文件").wait_for()
    wrong = tmp_path / "拍错了.png"
    Image.new("RGB", (300, 200), "white").save(wrong, format="PNG")
    upload(page, "租金支付凭证", wrong)
    slots.nth(1).get_by_text("拍错了.png").wait_for()
    page.shot("rent-materials")
    page.once("dialog", lambda d: d.accept())
    slots.nth(1).get_by_role("button", name="删除 拍错了.png").click()
    page.get_by_text("已删除“拍错了.png”。").wait_for()
    assert slots.nth(1).get_by_text("未上传").is_visible()
    page.get_by_role("button", name="确定").click()
    page.get_by_text("提交成功").wait_for()
    application = WithdrawalApplication.objects.get(account__name="张伟")
    assert application.status == Status.SUBMITTED and application.materials.count() == 1
    material = application.materials.get()
    assert material.slot == "租房合同（或租赁备案证明）" and material.content_type == "image/jpeg"
    assert material.size < 5 * 1024 * 1024 < photo.stat().st_size
    with material.file.open("rb") as stored:
        assert max(Image.open(stored).size) <= 2400


def test_each_step_starts_where_the_eye_is_and_keeps_what_was_typed(page):
    if page.viewport_size["width"] >= 768:
        pytest.skip("on a PC every step shows at once")
    login_as_zhang_wei(page)
    open_section(page, "提取")
    page.get_by_role("link", name="租房提取").click()
    guide = page.get_by_test_id("guide")
    assert guide.get_attribute("open") is not None  # read before the first step
    next_step(page)
    assert guide.get_attribute("open") is None  # folded away, its summary still there to open
    heading = page.get_by_role("heading", name="账户提取信息")
    assert 0 <= heading.bounding_box()["y"] < 120  # the step's heading at the top of the screen
    page.get_by_label("房屋详细地址").fill("沈阳市和平区示例路1号")
    page.get_by_role("button", name="上一步").first.click()
    page.get_by_role("heading", name="个人信息").wait_for()
    next_step(page)
    assert page.get_by_label("房屋详细地址").input_value() == "沈阳市和平区示例路1号"
    page.shot("rent-step-2")


def test_an_amount_above_the_rule_is_refused_on_screen_and_keeps_the_input(page):
    login_as_zhang_wei(page)
    fill_rent_form(page, "沈阳市", amount="5000")
    page.get_by_role("button", name="提交申请").click()
    page.get_by_text("不能超过本次可提取金额 3,600.00 元").wait_for()  # its step opens by itself on a phone
    page.shot("rent-error")
    assert page.get_by_label("房屋详细地址").input_value() == "沈阳市示例路1号"
    assert not WithdrawalApplication.objects.exists()


def test_a_mistyped_card_is_caught_before_submission(page):
    """One wrong digit: the field says so when the person leaves it; 提交申请 refuses it with the
    number kept for correcting; corrected, it goes through. On a phone 上一步 goes back a step."""
    login_as_zhang_wei(page)
    fill_rent_form(page, "沈阳市")
    if page.viewport_size["width"] < 768:
        page.locator(".gjj-step:not([hidden]) .gjj-prev:visible").click()
        page.get_by_label("月租金（元）").wait_for()  # back on 账户提取信息, its input kept
        assert page.get_by_label("月租金（元）").input_value() == "1200"
        next_step(page)
    card = page.get_by_label("银行卡号码")
    card.fill("6217000010001243")  # two digits swapped
    page.get_by_label("收款银行").focus()
    page.get_by_text("可能有一位输错了").first.wait_for()
    page.shot("card-warning")
    page.get_by_role("button", name="提交申请").click()
    page.get_by_text("请对照银行卡逐位核对并改正").wait_for()
    assert page.get_by_label("银行卡号码").input_value() == "6217000010001243"
    assert not WithdrawalApplication.objects.exists()
    page.shot("card-refused")
    page.get_by_label("银行卡号码").fill("6217000010001234")
    page.get_by_label("本人已阅读并承诺遵守以上承诺书").check()
    page.get_by_role("button", name="提交申请").click()
    page.get_by_text("提交成功").wait_for()
    assert WithdrawalApplication.objects.get().card_number == "6217000010001234"
