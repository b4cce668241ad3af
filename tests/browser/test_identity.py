"""A newcomer registers, logs in three ways, changes the password, forgets it and resets it — in Chromium."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import SmsCode, SmsOutbox, User
from deposits.models import Employer, PersonalAccount
from gjj_portal.identity import id_check_digit

from .nav import open_section, press

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BODY = "21010219920315062"
ID, PHONE, NAME = BODY + id_check_digit(BODY), "13900000009", "赵敏"


@pytest.fixture
def colleague(demo_world):
    """张伟's colleague: at the same employer, known to the center, never registered."""
    return PersonalAccount.objects.create(
        grzh="210100000099",
        name=NAME,
        id_number=ID,
        phone=PHONE,
        employer=Employer.objects.get(dwzh="210100100001"),
        base=6000,
        opened_on="2024-01-01",
    )


def sms_code():
    return re.search(r"\d{6}", SmsOutbox.objects.filter(phone=PHONE).latest("created_at").text).group()


def log_in(page, identifier, password):
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("身份证号/手机号/个人账号").fill(identifier)
    page.get_by_label("用户密码").fill(password)
    page.locator("input[name=captcha_1]").fill("PASSED")
    page.get_by_role("button", name="立即登录").click()


def log_out(page):
    press(page, "退出系统")
    page.get_by_text("您已安全退出系统").wait_for()


def test_register_log_in_three_ways_change_forget_and_reset(page, colleague):
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_role("link", name="注册").click()
    page.get_by_label("姓名").fill(NAME)
    page.get_by_label("身份证号").fill(ID)
    page.get_by_label("手机号").fill(PHONE)
    page.locator("input[name=captcha_1]").fill("PASSED")
    page.get_by_role("button", name="发送验证码").click()
    page.get_by_text("验证码已发送").wait_for()
    page.locator("input[name=captcha_1]").fill("PASSED")  # a captcha answer is good for one check
    page.get_by_label("短信验证码").fill(sms_code())
    page.get_by_label("登录密码").fill("Zhao2026a")
    page.get_by_label("确认密码").fill("Zhao2026a")
    page.get_by_label("我已阅读并同意《网上服务条款》").check()
    page.shot("register")
    page.get_by_role("button", name="注册", exact=True).click()
    page.get_by_text("注册成功").wait_for()
    assert User.objects.get(id_number=ID).account.grzh == "210100000099"

    for identifier in (ID, PHONE, "210100000099"):  # 身份证号, 手机号, 个人账号
        log_in(page, identifier, "Zhao2026a")
        page.get_by_text("账户余额（元）").wait_for()
        log_out(page)

    log_in(page, PHONE, "Zhao2026a")
    page.get_by_role("button", name=NAME).click()
    open_section(page, "修改密码")
    page.get_by_label("原密码").fill("Zhao2026a")
    page.get_by_label("新密码").fill("Zhao2026b")
    page.get_by_label("确认密码").fill("Zhao2026b")
    page.get_by_role("button", name="确认修改").click()
    page.get_by_text("密码修改成功").wait_for()
    log_out(page)

    page.get_by_role("link", name="忘记密码").click()
    page.get_by_label("姓名").fill(NAME)
    page.get_by_label("证件号码").fill(ID)
    page.locator("input[name=captcha_1]").fill("PASSED")
    page.get_by_role("button", name="信息验证").click()
    assert page.get_by_test_id("masked-phone").inner_text() == "139****0009"
    SmsCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))  # a minute since the last code
    page.get_by_role("button", name="发送验证码").click()
    page.get_by_text("验证码已发送").wait_for()
    page.get_by_label("短信验证码").fill(sms_code())
    page.get_by_role("button", name="下一步").click()
    page.get_by_label("新密码").fill("Zhao2026c")
    page.get_by_label("确认密码").fill("Zhao2026c")
    page.get_by_role("button", name="确认提交").click()
    page.get_by_text("密码重置完成").wait_for()
    page.shot("reset-done")
    page.get_by_role("link", name="登录").click()
    log_in(page, ID, "Zhao2026c")
    page.get_by_text("账户余额（元）").wait_for()


def test_the_employer_user_logs_in_at_the_unit_door(page, demo_world):
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_role("link", name="单位登录").click()
    page.get_by_label("单位账号").fill("unit001")
    page.get_by_label("用户密码").fill("unit1234")
    page.locator("input[name=captcha_1]").fill("PASSED")
    page.get_by_role("button", name="立即登录").click()
    page.get_by_role("heading", name="沈阳示例科技有限公司").wait_for()
    assert "张伟" in page.content() and "2101**********1237" in page.content()
    page.shot("unit-home")
    response = page.goto(page.base_url + "/")  # the depositor area is not for employer users
    assert response.status == 404
