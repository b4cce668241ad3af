import re
from datetime import timedelta

import pytest
from captcha.models import CaptchaStore
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import SmsCode, SmsOutbox, User
from accounts.sms import SmsError, sms_code_check, sms_code_send
from deposits.models import PersonalAccount
from gjj_portal.identity import id_check_digit
from messages_center.models import Message
from policy.center import policy_cache_clear
from policy.models import CenterPolicy
from tests.factories import PersonalAccountFactory

REGISTER = reverse("deposits:register")
LOGIN = reverse("accounts:login")


def captcha():
    key = CaptchaStore.generate_key()
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


def last_code(phone):
    return re.search(r"\d{6}", SmsOutbox.objects.filter(phone=phone).latest("created_at").text).group()


@pytest.fixture
def colleague(policy):
    """张伟's colleague: the center knows her (account, reserved phone) but she never registered."""
    body = "21010219920315062"
    return PersonalAccountFactory(user=None, name="赵敏", id_number=body + id_check_digit(body), phone="13900000009")


def register_data(account, **changes):
    data = {
        "full_name": account.name,
        "id_number": account.id_number,
        "phone": account.phone,
        "sms_code": "",
        "new_password1": "gjj2026ok",
        "new_password2": "gjj2026ok",
        "terms": "on",
        "action": "register",
        **captcha(),
    }
    data.update(changes)
    return data


def test_a_colleague_registers_with_the_reserved_phone_and_logs_in(client, colleague):
    client.post(REGISTER, register_data(colleague, action="send"))
    response = client.post(REGISTER, register_data(colleague, sms_code=last_code(colleague.phone)), follow=True)
    assert "注册成功" in response.content.decode()
    colleague.refresh_from_db()
    assert colleague.user.id_number == colleague.id_number
    for identifier in (colleague.id_number, colleague.phone, colleague.grzh):
        client.logout()
        r = client.post(LOGIN, {"identifier": identifier, "password": "gjj2026ok", **captcha()})
        assert r.status_code == 302 and r["Location"] == reverse("home"), identifier


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"id_number": "210102199203150628"}, "校验位"),  # wrong check digit (the right one is 7)
        ("impossible-birth-date", "出生日期"),
        ({"phone": "13900000000"}, "信息核验未通过"),
        ({"full_name": "赵敏敏"}, "信息核验未通过"),
        ({"captcha_1": "WRONG"}, "验证码错误"),
    ],
)
def test_identity_refusals_send_no_code(client, colleague, changes, message):
    if changes == "impossible-birth-date":
        body = "21010219920230062"  # February 30th, with a valid check digit
        changes = {"id_number": body + id_check_digit(body)}
    response = client.post(REGISTER, register_data(colleague, action="send", **changes))
    assert message in response.content.decode()
    assert not SmsOutbox.objects.exists() and not User.objects.filter(id_number=colleague.id_number).exists()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"new_password1": "abcdefgh", "new_password2": "abcdefgh"}, "须同时包含字母和数字"),
        ({"new_password1": "a1", "new_password2": "a1"}, "6–18位"),
        ({"new_password1": "a1" * 10, "new_password2": "a1" * 10}, "6–18位"),
        ({"new_password2": "gjj2026no"}, "两次输入的密码不一致"),
        ({"terms": ""}, "请阅读并同意《网上服务条款》"),
    ],
)
def test_password_and_terms_refusals_register_nobody(client, colleague, changes, message):
    client.post(REGISTER, register_data(colleague, action="send"))
    data = register_data(colleague, sms_code=last_code(colleague.phone), **changes)
    page = client.post(REGISTER, data).content.decode()
    assert message in page and colleague.name in page  # what was typed is kept
    assert not User.objects.filter(id_number=colleague.id_number).exists()


def test_a_registered_id_is_sent_to_forgot_password(client, depositor):
    account = depositor.account
    page = client.post(REGISTER, register_data(account, action="send")).content.decode()
    assert "信息核验未通过" in page and reverse("accounts:forgot") in page


def _alert(page: str) -> str:
    return re.search(r'<div class="alert alert-danger" role="alert">(.*?)</div>', page, re.S).group(1)


def test_register_answers_every_mismatch_the_same_way(client, colleague, depositor):
    """Unknown ID, a registered one, another person's phone: one answer, so no lookup is possible."""
    unknown_body = "11010119900307777"
    answers = {
        _alert(client.post(REGISTER, register_data(colleague, action="send", **changes)).content.decode())
        for changes in (
            {"id_number": unknown_body + id_check_digit(unknown_body)},
            {"id_number": depositor.id_number, "full_name": depositor.account.name, "phone": depositor.phone},
            {"phone": depositor.phone},
            {"full_name": "赵敏敏"},
        )
    }
    assert len(answers) == 1 and "信息核验未通过" in answers.pop()
    assert not SmsOutbox.objects.exists()


def test_register_lookups_are_rate_limited_per_address(client, colleague):
    for _ in range(20):
        client.post(REGISTER, register_data(colleague, action="send", phone="13900000000"), REMOTE_ADDR="10.4.4.4")
    page = client.post(REGISTER, register_data(colleague, action="send"), REMOTE_ADDR="10.4.4.4").content.decode()
    assert "操作过于频繁" in page and not SmsOutbox.objects.exists()


def test_a_wrong_sms_code_registers_nobody(client, colleague):
    client.post(REGISTER, register_data(colleague, action="send"))
    page = client.post(REGISTER, register_data(colleague, sms_code="000000")).content.decode()
    assert "短信验证码错误" in page and not User.objects.filter(id_number=colleague.id_number).exists()


def test_sms_codes_expire_are_single_use_and_die_after_five_wrong_tries(db):
    sms_code_send(phone="13900000001", purpose="register", ip="10.0.0.1")
    code = last_code("13900000001")
    sms_code_check(phone="13900000001", purpose="register", code=code)
    with pytest.raises(SmsError, match="已失效"):  # reused
        sms_code_check(phone="13900000001", purpose="register", code=code)
    SmsCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    sms_code_send(phone="13900000001", purpose="register", ip="10.0.0.1")
    SmsCode.objects.filter(used_at__isnull=True).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(SmsError, match="已失效"):  # expired
        sms_code_check(phone="13900000001", purpose="register", code=last_code("13900000001"))
    SmsCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    sms_code_send(phone="13900000001", purpose="register", ip="10.0.0.1")
    right = last_code("13900000001")
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(4):
        with pytest.raises(SmsError, match="错误，请重新输入"):
            sms_code_check(phone="13900000001", purpose="register", code=wrong)
    with pytest.raises(SmsError, match="错误次数过多"):
        sms_code_check(phone="13900000001", purpose="register", code=wrong)
    with pytest.raises(SmsError, match="已失效"):  # brute force got nowhere: even the right code is dead
        sms_code_check(phone="13900000001", purpose="register", code=right)


def test_sms_is_rate_limited_per_phone_and_per_day(db):
    sms_code_send(phone="13900000002", purpose="register", ip="10.0.0.2")
    with pytest.raises(SmsError, match="秒后再试"):
        sms_code_send(phone="13900000002", purpose="register", ip="10.0.0.2")
    for _ in range(9):
        SmsCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
        sms_code_send(phone="13900000002", purpose="register", ip="10.0.0.2")
    SmsCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    with pytest.raises(SmsError, match="今日获取验证码次数已达上限"):
        sms_code_send(phone="13900000002", purpose="register", ip="10.0.0.2")


def test_sms_is_rate_limited_per_address(db):
    for n in range(30):
        sms_code_send(phone=f"1370000{n:04d}", purpose="register", ip="10.0.0.3")
    with pytest.raises(SmsError, match="操作过于频繁"):
        sms_code_send(phone="13799999999", purpose="register", ip="10.0.0.3")


def test_five_failures_lock_the_login_and_the_message_never_tells_whether_the_id_exists(client, depositor):
    for _ in range(5):
        client.post(LOGIN, {"identifier": depositor.id_number, "password": "wrong", **captcha()})
    locked = client.post(LOGIN, {"identifier": depositor.id_number, "password": "demo1234", **captcha()})
    assert locked.status_code == 429 and "登录失败次数过多" in locked.content.decode()
    for _ in range(5):
        client.post(
            LOGIN, {"identifier": "110101199003077777", "password": "wrong", **captcha()}, REMOTE_ADDR="10.9.9.9"
        )
    unknown = client.post(
        LOGIN, {"identifier": "110101199003077777", "password": "x", **captcha()}, REMOTE_ADDR="10.9.9.9"
    )
    assert unknown.status_code == 429 and "登录失败次数过多" in unknown.content.decode()


def test_login_rotates_the_session_key(client, depositor):
    client.get(LOGIN)
    before = client.session.session_key
    client.post(LOGIN, {"identifier": depositor.id_number, "password": "demo1234", **captcha()})
    assert client.session.session_key != before


def test_a_center_created_account_must_change_its_password_first(client, colleague, capsys):
    call_command("open_online_access", colleague.id_number)
    initial = capsys.readouterr().out.rsplit(": ", 1)[1].strip()
    client.post(LOGIN, {"identifier": colleague.id_number, "password": initial, **captcha()})
    for url in (reverse("home"), reverse("withdrawals:index"), reverse("loans:info")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
    user = User.objects.get(id_number=colleague.id_number)
    assert Message.objects.open_todos().filter(recipient=user, key="first-login-password").exists()
    client.post(
        reverse("accounts:password_change"),
        {"old_password": initial, "new_password1": "new12345", "new_password2": "new12345"},
    )
    assert client.get(reverse("home")).status_code == 200
    assert not Message.objects.open_todos().filter(recipient=user).exists()


def test_forgot_password_verifies_sends_to_the_reserved_phone_and_resets(client, depositor):
    url = reverse("accounts:forgot")
    page = client.post(url, {"full_name": "张伟", "id_number": "110101199003071234", **captcha()})
    assert "信息验证不通过" in page.content.decode()
    client.post(url, {"full_name": "张伟", "id_number": depositor.id_number, **captcha()})
    page = client.get(url).content.decode()
    assert f"{depositor.phone[:3]}****{depositor.phone[-4:]}" in page and depositor.phone not in page
    assert "invalid-feedback" not in page and "请填写" not in page  # no error before the person types
    client.post(url, {"action": "send"})
    code = last_code(depositor.phone)
    wrong = "000000" if code != "000000" else "111111"
    assert "短信验证码错误" in client.post(url, {"sms_code": wrong, "action": "next"}).content.decode()
    client.post(url, {"sms_code": code, "action": "next"})
    assert (
        "密码重置完成"
        in client.post(url, {"new_password1": "fresh2026", "new_password2": "fresh2026"}).content.decode()
    )
    ok = client.post(LOGIN, {"identifier": depositor.id_number, "password": "fresh2026", **captcha()})
    assert ok.status_code == 302


def test_change_password_needs_the_old_one_and_a_different_new_one_and_ends_other_sessions(client, depositor):
    from django.test import Client

    other = Client()
    other.force_login(depositor)
    client.force_login(depositor)
    url = reverse("accounts:password_change")
    assert (
        "原密码不正确"
        in client.post(
            url, {"old_password": "x", "new_password1": "gjj2026ok", "new_password2": "gjj2026ok"}
        ).content.decode()
    )
    assert (
        "新密码不能与原密码相同"
        in client.post(
            url, {"old_password": "demo1234", "new_password1": "demo1234", "new_password2": "demo1234"}
        ).content.decode()
    )
    client.post(url, {"old_password": "demo1234", "new_password1": "gjj2026ok", "new_password2": "gjj2026ok"})
    assert client.get(reverse("home")).status_code == 200  # this session stays
    assert other.get(reverse("home")).status_code == 302  # the other device is logged out


def test_logout_everywhere_ends_every_session(client, depositor):
    from django.test import Client

    other = Client()
    other.force_login(depositor)
    client.force_login(depositor)
    client.post(reverse("accounts:logout_all"))
    assert other.get(reverse("home")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.fixture
def unit_user(policy, django_user_model):
    from tests.factories import EmployerFactory

    employer = EmployerFactory()
    PersonalAccountFactory(employer=employer, name="职工甲")
    return django_user_model.objects.create_user("unit001", password="unit1234", role="unit", employer=employer)


def test_unit_users_and_depositors_never_mix(client, unit_user, depositor):
    unit_login = reverse("accounts:unit_login")
    assert client.post(LOGIN, {"identifier": "unit001", "password": "unit1234", **captcha()}).status_code == 200
    assert (
        client.post(unit_login, {"identifier": depositor.id_number, "password": "demo1234", **captcha()}).status_code
        == 200
    )
    response = client.post(unit_login, {"identifier": "unit001", "password": "unit1234", **captcha()})
    assert response.status_code == 302 and response["Location"] == reverse("unit:home")
    assert "职工甲" in client.get(reverse("unit:home")).content.decode()
    for url in (
        reverse("home"),
        reverse("withdrawals:index"),
        reverse("loans:info"),
        reverse("messages_center:inbox"),
    ):
        assert client.get(url).status_code == 404, url
    client.force_login(depositor)
    assert client.get(reverse("unit:home")).status_code == 404


@pytest.fixture
def ningbo(policy, settings):
    CenterPolicy.objects.filter(code="liaoning").update(login_requires_sms=True, login_requires_enrollment=True)
    policy_cache_clear()


def test_ningbo_login_needs_enrollment_and_an_sms_code(client, depositor, ningbo):
    PersonalAccount.objects.filter(pk=depositor.account.pk).update(online_enabled=False)
    page = client.post(LOGIN, {"identifier": depositor.id_number, "password": "demo1234", **captcha()})
    assert "面签开通" in page.content.decode()
    PersonalAccount.objects.filter(pk=depositor.account.pk).update(online_enabled=True)
    response = client.post(LOGIN, {"identifier": depositor.id_number, "password": "demo1234", **captcha()})
    assert response["Location"] == reverse("accounts:login_sms")
    assert client.get(reverse("home")).status_code == 302  # not logged in yet
    client.post(reverse("accounts:login_sms"), {"action": "send"})
    client.post(reverse("accounts:login_sms"), {"sms_code": last_code(depositor.phone), "action": "login"})
    assert client.get(reverse("home")).status_code == 200


def test_empty_fields_are_named_with_the_label_the_page_shows(client, policy):
    """PortalForm words its messages after the form's own __init__: 注册 calls new_password1 登录密码."""
    page = client.post(REGISTER, {"action": "register"}).content.decode()
    assert "请填写登录密码。" in page and "请填写姓名。" in page and "请填写新密码" not in page
