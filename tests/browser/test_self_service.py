"""#15 in Chromium on the production build (gunicorn, DEBUG off, manifest static files, TLS) with a real
Celery worker paying through the sandbox bank: 张伟 changes his 收款银行卡 with the SMS steps and his next
payout goes to the new card after the cooling-off; 刘强 signs a monthly loan 委托提取 and two runs of the
monthly job pay once; documents are downloaded, their QR codes read with zbarimg and the verification page
opened from them. Screens are looked at on a phone (375 px) and a PC (1280 px)."""

import re
import subprocess
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from accounts.models import SmsCode
from deposits.models import PersonalAccount
from deposits.services import account_interest_settle
from gjj_portal.models import SandboxTransfer
from policy.center import current_policy
from tests.english import english_in
from tests.processes import codes_in_clear, wait_for
from withdrawals.models import Payout, StandingRun, Status, WithdrawalApplication
from withdrawals.review import payout_release, withdrawal_approve

from .conftest import ARTIFACTS
from .nav import open_section
from .test_rent_withdrawal import login_as, next_step
from .test_staff import staff_login

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

NEW_CARD = "6222020200112233446"


def both_widths(page, name):
    """The same screen on a phone and on a PC (test-artifacts/NAME-375.png and NAME-1280.png)."""
    before = page.viewport_size
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((375, 812), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(before)


def sms_code(phone):
    """The production build sends through the provider adapter; its sandbox keeps a delivery log."""
    from django.core.cache import cache

    sent = [text for to, text in cache.get("provider-sandbox-sms", []) if to == phone]
    return re.search(r"\d{6}", sent[-1]).group()


def rent_form(page):
    year = timezone.localdate().year
    open_section(page, "提取")
    page.get_by_role("link", name="租房提取").click()
    next_step(page)
    page.get_by_label("租房地区").select_option("沈阳市")
    page.get_by_label("房屋详细地址").fill("沈阳市和平区示例路1号")
    page.get_by_label("本年度起租月份").select_option(f"{year}-01")
    page.get_by_label("本年度止租月份").select_option(f"{year}-03")
    page.get_by_label("月租金（元）").fill("1200")
    page.get_by_text("本次可提取金额：3,600.00 元").wait_for()
    next_step(page)
    # The bound card is filled in for him.
    assert page.get_by_label("收款银行").input_value() == "工商银行"
    assert page.get_by_label("银行卡号码").input_value() == NEW_CARD
    page.get_by_label("本人已阅读并承诺遵守以上承诺书").check()
    page.get_by_role("button", name="提交申请").click()


def register_on_the_production_build(open_page):
    """赵敏, known to the center and never registered, registers on a phone with the code the provider
    delivered (the production build sends through the provider's adapter)."""
    from .test_identity import ID, NAME, PHONE

    page = open_page(width=375, height=812)
    page.goto(page.base_url + "/accounts/register/")
    page.get_by_label("姓名").fill(NAME)
    page.get_by_label("身份证号").fill(ID)
    page.get_by_label("手机号").fill(PHONE)
    page.locator("input[name=captcha_1]").fill("PASSED")
    page.get_by_role("button", name="发送验证码").click()
    page.get_by_text("验证码已发送").wait_for()
    page.locator("input[name=captcha_1]").fill("PASSED")
    page.get_by_label("短信验证码").fill(sms_code(PHONE))
    page.get_by_label("登录密码").fill("Zhao2026a")
    page.get_by_label("确认密码").fill("Zhao2026a")
    page.get_by_label("我已阅读并同意《网上服务条款》").check()
    page.get_by_role("button", name="注册", exact=True).click()
    page.get_by_text("注册成功").wait_for()


def test_zhang_wei_changes_his_card_and_the_next_payout_goes_there_after_the_cooling_off(
    open_page, worker, production_server
):
    from deposits.models import Employer

    from .test_identity import ID, NAME, PHONE

    employer = Employer.objects.get(dwzh="210100100001")
    PersonalAccount.objects.create(grzh="210100000099", name=NAME, id_number=ID, phone=PHONE, base=6000,
                                   employer=employer, opened_on="2024-01-01")  # fmt: skip
    register_on_the_production_build(open_page)
    page = open_page(width=375, height=812)
    login_as(page, "210102199001011237")
    page.get_by_role("button", name="张伟").click()
    page.get_by_test_id("user-panel").get_by_role("link", name="查看个人基本信息").click()
    page.get_by_role("link", name="个人信息变更").click()
    page.get_by_role("heading", name="个人信息变更").wait_for()
    assert "尚未绑定" in page.get_by_test_id("card").inner_text()
    page.get_by_role("link", name="变更收款银行卡").click()
    page.get_by_label("收款银行").select_option("工商银行")
    page.get_by_label("银行卡号码").fill(NEW_CARD)
    page.clock.install()  # the page's own clock: the resend countdown is run forward below
    page.get_by_role("button", name="发送验证码").click()
    page.get_by_text("验证码已发送至 138****0001").wait_for()
    first_code = sms_code("13800000001")
    # The button counts down the minute before another code may be asked for (it sent without a reload).
    page.get_by_role("button", name="60秒后可重发").wait_for()
    assert page.get_by_role("button", name="60秒后可重发").is_disabled()
    # A minute later he asks again (the resend): the earlier code ends, the new one is the one that works.
    SmsCode.objects.update(created_at=F("created_at") - timedelta(seconds=61))
    page.clock.run_for(61000)
    page.get_by_role("button", name="发送验证码").click()
    page.get_by_text("验证码已发送至 138****0001").wait_for()
    wait_for(lambda: sms_code("13800000001") != first_code, what="the second code")
    assert SmsCode.objects.filter(used_at__isnull=True).count() == 1  # the earlier one ended
    assert page.get_by_label("银行卡号码").input_value() == NEW_CARD  # kept while the code was sent
    page.get_by_label("登录密码").fill("demo1234")
    page.get_by_label("短信验证码").fill(sms_code("13800000001"))
    both_widths(page, "card-change-form")
    page.get_by_role("button", name="确认变更").click()
    page.get_by_text("收款银行卡已变更为 工商银行").wait_for()
    assert "工商银行 6222" in page.get_by_test_id("card").inner_text()
    assert NEW_CARD not in page.content()
    both_widths(page, "card-changed")

    # Within the cooling-off the new card receives nothing: said as the form opens, before anything is typed,
    # on the home page's 我现在能办什么 too.
    open_section(page, "提取")
    page.get_by_role("link", name="租房提取").click()
    page.get_by_test_id("ineligible").get_by_text("新绑定的收款银行卡须满24小时后方可接收提取资金").wait_for()
    assert page.locator("button[form=apply-form]").is_disabled()  # on a phone it waits on step 3
    page.shot("card-cooling-off")
    open_section(page, "提取")
    page.get_by_role("link", name="委托提取（按月）").click()
    page.get_by_test_id("ineligible").get_by_text("新绑定的收款银行卡须满24小时后方可接收提取资金").wait_for()
    assert not WithdrawalApplication.objects.exists()

    # A day later (the bind time moved back 24 hours: the policy's clock, not the test's).
    PersonalAccount.objects.filter(name="张伟").update(payee_card_since=timezone.now() - timedelta(hours=24, minutes=1))
    rent_form(page)
    page.get_by_text("提交成功").wait_for()
    application = WithdrawalApplication.objects.get(status=Status.SUBMITTED)
    from accounts.models import User

    withdrawal_approve(application_id=application.pk, reviewer=User.objects.get(username="reviewer"))
    payout_release(application_id=application.pk, releaser=User.objects.get(username="releaser"))
    wait_for(lambda: Payout.objects.get(application=application).status == Payout.State.PAID, what="the payout")
    [transfer] = SandboxTransfer.objects.filter(
        idempotency_key=Payout.objects.get(application=application).idempotency_key
    )
    assert (transfer.bank, transfer.card_number) == ("工商银行", NEW_CARD)
    open_section(page, "消息中心")
    page.get_by_text("收款银行卡已变更").first.wait_for()
    page.shot("card-change-message")

    # 变更手机号: the password, a code to the old phone, a code to the new one. (A minute later: the phone
    # had a code for the card change, and a second one within 60 s is refused.)
    SmsCode.objects.update(created_at=F("created_at") - timedelta(seconds=61))
    page.goto(page.base_url + "/accounts/profile/")
    page.get_by_role("link", name="变更手机号").click()
    page.get_by_label("登录密码").fill("demo1234")
    page.get_by_role("button", name="发送验证码").first.click()
    page.get_by_text("验证码已发送至 138****0001").wait_for()
    page.get_by_label("原手机号短信验证码").fill(sms_code("13800000001"))
    page.locator("#id_new_phone").fill("13912345678")  # its label "新手机号" also begins the next one
    page.get_by_role("button", name="发送验证码").last.click()  # the first now counts down
    page.get_by_text("验证码已发送至 139****5678").wait_for()
    assert page.get_by_label("原手机号短信验证码").input_value(), "the first code stays while the second is sent"
    page.get_by_label("登录密码").fill("demo1234")  # a password field is never sent back filled in
    page.get_by_label("新手机号短信验证码").fill(sms_code("13912345678"))
    both_widths(page, "phone-change-form")
    page.get_by_role("button", name="确认变更").click()
    page.get_by_text("预留手机号已变更为 139****5678").wait_for()
    assert "139****5678" in page.get_by_test_id("phone").inner_text()
    rows = page.get_by_test_id("changes").locator("li")
    assert rows.count() == 2 and "预留手机号" in rows.first.inner_text() and "网上办理" in rows.first.inner_text()
    both_widths(page, "profile-changes")

    # Every code sent (赵敏's registration, the card change, its resend, the two phone codes) was in the
    # provider's hands only:
    # not in gunicorn's or the worker's log, not in any text column of any table.
    from django.core.cache import cache

    codes = [re.search(r"\d{6}", text).group() for _to, text in cache.get("provider-sandbox-sms", [])]
    assert len(set(codes)) >= 5, codes
    assert codes_in_clear(codes, [production_server.log, worker.log]) == []


def test_liu_qiang_signs_a_monthly_loan_withdrawal_and_two_runs_pay_once(open_page, worker):
    page = open_page(width=1280, height=900)
    login_as(page, "210204197108083010")
    open_section(page, "提取")
    page.get_by_role("link", name="委托提取（按月）").click()
    page.get_by_role("heading", name="委托提取", exact=True).wait_for()
    page.get_by_label("委托事项").select_option("hpf:JK2101202406200001")
    page.get_by_label("收款银行").select_option("建设银行")
    page.get_by_label("银行卡号码").fill("6217000010001234")
    page.get_by_label("本人授权中心每月按本协议从本人住房公积金账户提取，并承诺所填信息真实").check()
    page.get_by_role("button", name="签订协议").click()
    page.get_by_text("已签订，每月5日起按协议自动提取").wait_for()
    both_widths(page, "standing-signed")

    today = timezone.localdate()
    day = max(today, date(today.year, today.month, current_policy().standing_day))
    for _ in range(2):  # the monthly job, run twice (a retry, a second beat)
        call_command("run_standing_withdrawals", "--date", day.isoformat(), stdout=open("/dev/null", "w"))
    run = StandingRun.objects.get()
    assert run.outcome == "paid", run.reason
    payout = Payout.objects.get(application=run.application)
    wait_for(lambda: Payout.objects.get(pk=payout.pk).status == Payout.State.PAID, what="the standing payout")
    assert SandboxTransfer.objects.filter(idempotency_key=payout.idempotency_key).count() == 1
    assert SandboxTransfer.objects.filter(kind="payout").count() == 1
    page.reload()
    rows = page.get_by_test_id("instruction").locator("tbody tr")
    assert rows.count() == 1 and "已提取" in rows.first.inner_text() and "已到账" in rows.first.inner_text()
    both_widths(page, "standing-paid")

    # Staff read it in admin: the instruction, its month and its state changes.
    staff = open_page(locale="en-US")
    staff_login(staff, "reviewer", "review1234")
    staff.goto(staff.base_url + "/admin/withdrawals/standinginstruction/")
    staff.locator("#result_list tbody th a").first.click()
    staff.locator(".inline-group", has_text="按月执行记录").get_by_text("已提取", exact=True).wait_for()
    assert "签订委托提取协议" in staff.locator(".inline-group", has_text="协议状态变更").inner_text()
    assert "6217000010001234" not in staff.content()  # the card is masked
    assert "Public id" not in staff.content() and "ID:" not in staff.locator("#content").inner_text()
    assert not english_in(staff.content()), "standing instruction in admin"
    staff.shot("staff-standing-instruction")

    # 撤销协议: no later month is paid.
    page.get_by_role("button", name="撤销协议").click()
    page.get_by_text("已撤销。").wait_for()
    assert "已撤销" in page.get_by_test_id("instruction").inner_text()
    page.shot("standing-cancelled")


def qr_link(pdf_bytes, tmp_path, name):
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(pdf_bytes)
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(pdf), str(tmp_path / name)], check=True)
    pages = sorted(str(p) for p in tmp_path.glob(f"{name}-*.png"))
    # Exit status 4: a page without a code (the QR code is on the last page only).
    seen = subprocess.run(["zbarimg", "--quiet", "--raw", *pages], capture_output=True, text=True, check=False)
    assert seen.returncode in (0, 4), seen.stderr
    [link] = seen.stdout.split()
    return link


def download(page, button, tmp_path, name):
    with page.expect_download() as got:
        page.get_by_role("button", name=button).first.click()
    path = tmp_path / f"{name}-download.pdf"
    got.value.save_as(path)
    return path.read_bytes()


def test_documents_qr_codes_open_the_verification_page(open_page, tmp_path):
    today = timezone.localdate()
    settle_on = date(today.year if (today.month, today.day) >= (6, 30) else today.year - 1, 6, 30)
    zhang = PersonalAccount.objects.get(name="张伟")
    assert account_interest_settle(account_id=zhang.pk, settle_on=settle_on, rates=current_policy().interest_rates)

    page = open_page(width=375, height=812)
    login_as(page, "210102199001011237")
    open_section(page, "打印缴存证明")
    page.get_by_role("heading", name="结息对账单").wait_for()
    both_widths(page, "documents-page")
    for button, name, verdict in (
        ("生成缴存证明（PDF）", "certificate", "该缴存证明真实有效"),
        ("下载结息对账单（PDF）", "statement", "该结息对账单真实有效"),
    ):
        link = qr_link(download(page, button, tmp_path, name), tmp_path, name)
        assert link.startswith(page.base_url + "/verify/?code=")
        visitor = open_page(width=375, height=812)  # whoever holds the paper, not logged in
        visitor.goto(link)
        visitor.get_by_text(verdict).wait_for()
        assert "张*" in visitor.content() and "210100000001" not in visitor.content()
        both_widths(visitor, f"verify-{name}")

    li = open_page(width=375, height=812)
    login_as(li, "210103196503150029")
    li.goto(li.base_url + "/loans/?contract=JK2101202303150001")
    link = qr_link(download(li, "下载贷款结清证明（PDF）", tmp_path, "settled"), tmp_path, "settled")
    visitor = open_page(width=1280, height=900)
    visitor.goto(link)
    visitor.get_by_text("该贷款结清证明真实有效").wait_for()
    visitor.shot("verify-loan-settled")
