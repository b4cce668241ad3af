"""Lockout counts a person, not a string, and an outsider cannot lock anyone out from elsewhere."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.lockout import depositor_for

from .test_identity import captcha

LOGIN = reverse("accounts:login")
ADMIN_LOGIN = "/admin/login/"


def fail(client, identifier, ip="127.0.0.1"):
    return client.post(LOGIN, {"identifier": identifier, "password": "wrong", **captcha()}, REMOTE_ADDR=ip)


def login(client, identifier, ip="127.0.0.1"):
    return client.post(LOGIN, {"identifier": identifier, "password": "demo1234", **captcha()}, REMOTE_ADDR=ip)


def identifiers(depositor):
    account = depositor.account
    return [depositor.id_number, depositor.id_number.lower(), depositor.phone, account.grzh, f" {account.grzh} "]


def test_one_person_has_one_counter_whatever_identifier_is_typed(client, depositor):
    for identifier in identifiers(depositor):  # five failures, five different spellings of one person
        fail(client, identifier)
    locked = login(client, depositor.phone)
    assert locked.status_code == 429 and "登录失败次数过多" in locked.content.decode()


def test_a_success_with_one_identifier_clears_that_persons_counter(client, depositor):
    for identifier in identifiers(depositor)[:4]:
        fail(client, identifier)
    assert login(client, depositor.account.grzh).status_code == 302
    client.post(reverse("accounts:logout"))
    for identifier in identifiers(depositor)[:4]:
        fail(client, identifier)
    assert login(client, depositor.id_number).status_code == 302, "the earlier four no longer count"


def test_an_outsider_elsewhere_cannot_lock_a_depositor_out(client, depositor):
    for _ in range(6):
        fail(client, depositor.id_number, ip="10.66.0.1")
    assert fail(client, depositor.id_number, ip="10.66.0.1").status_code == 429
    assert login(client, depositor.id_number, ip="10.1.2.3").status_code == 302


def test_unknown_identifiers_count_against_the_address(client, depositor):
    for n in range(5):
        fail(client, f"1101011990030{n:05d}", ip="10.7.7.7")
    assert fail(client, "110101199003099999", ip="10.7.7.7").status_code == 429
    assert login(client, depositor.id_number, ip="10.8.8.8").status_code == 302


@pytest.mark.parametrize("who", ["reviewer"])
def test_bad_staff_passwords_lock_only_that_address(client, reviewer, who):
    for _ in range(5):
        client.post(ADMIN_LOGIN, {"username": reviewer.username, "password": "wrong"}, REMOTE_ADDR="10.66.0.2")
    refused = client.post(ADMIN_LOGIN, {"username": reviewer.username, "password": "wrong"}, REMOTE_ADDR="10.66.0.2")
    assert refused.status_code == 429
    reviewer.set_password("review1234")
    reviewer.save()
    ok = client.post(ADMIN_LOGIN, {"username": reviewer.username, "password": "review1234"}, REMOTE_ADDR="10.5.5.5")
    assert ok.status_code == 302


def test_an_identifier_is_resolved_by_indexed_lookups_not_a_scan(depositor):
    with CaptureQueriesContext(connection) as queries:
        assert depositor_for(depositor.account.grzh) == depositor
    assert len(queries) == 3 and all(" OR " not in q["sql"] for q in queries.captured_queries)


def test_a_login_looks_the_person_up_once(client, depositor):
    """The lockout key and the password check share one lookup (three indexed queries, not six)."""
    from django.test.utils import CaptureQueriesContext as capture

    with capture(connection) as queries:
        assert login(client, depositor.account.grzh).status_code == 302
    lookups = [q for q in queries.captured_queries if '"accounts_user"' in q["sql"] and "grzh" in q["sql"]]
    assert len(lookups) == 1


PROXY = "10.9.0.2"


def via_proxy(client, identifier, client_address, password="wrong"):
    data = {"identifier": identifier, "password": password, **captcha()}
    return client.post(LOGIN, data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


def test_two_clients_behind_the_trusted_proxy_have_their_own_lockouts(client, depositor, settings):
    settings.GJJ_TRUSTED_PROXIES = ["10.9.0.0/24"]
    for _ in range(6):
        via_proxy(client, depositor.id_number, "203.0.113.7")
    assert via_proxy(client, depositor.id_number, "203.0.113.7").status_code == 429
    # The depositor, at home behind the same proxy, is not locked out by someone else's guesses.
    assert via_proxy(client, depositor.id_number, "198.51.100.4", password="demo1234").status_code == 302


def test_a_forwarded_header_sent_straight_to_the_server_gains_nothing(client, depositor, settings):
    settings.GJJ_TRUSTED_PROXIES = ["10.9.0.0/24"]

    def spoofed(made_up):
        data = {"identifier": depositor.id_number, "password": "wrong", **captcha()}
        return client.post(LOGIN, data, REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR=made_up)

    for n in range(6):  # a new made-up address each time: all counted under the sender's real one
        spoofed(f"198.51.100.{n}")
    assert spoofed("198.51.100.99").status_code == 429


def test_a_lockout_window_is_not_restarted_by_tries_during_it(client, depositor, settings):
    from axes.models import AccessAttempt

    for _ in range(5):
        fail(client, depositor.id_number, ip="10.3.3.3")
    first = AccessAttempt.objects.get().attempt_time
    fail(client, depositor.id_number, ip="10.3.3.3")
    fail(client, depositor.id_number, ip="10.3.3.3")
    assert AccessAttempt.objects.get().attempt_time == first


@pytest.mark.parametrize(
    ("remote", "forwarded", "seen"),
    [
        ("10.9.0.2", "203.0.113.7", "203.0.113.7"),
        ("10.9.0.2", "1.2.3.4, 203.0.113.7", "203.0.113.7"),  # the client may write the first entries
        ("10.9.0.2", "203.0.113.7, 10.9.0.3", "203.0.113.7"),  # two proxies of the center
        ("10.9.0.2", "not-an-address", "10.9.0.2"),
        ("10.9.0.2", "", "10.9.0.2"),
        ("192.0.2.50", "203.0.113.7", "192.0.2.50"),  # not a trusted proxy: its header is ignored
    ],
)
def test_client_ip_believes_only_the_trusted_proxy(rf, settings, remote, forwarded, seen):
    from gjj_portal.http import client_ip

    settings.GJJ_TRUSTED_PROXIES = ["10.9.0.0/24"]
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == seen


def test_a_resend_ends_the_earlier_code(db):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import SmsCode, SmsOutbox
    from accounts.sms import SmsError, sms_code_check, sms_code_send

    phone = "13900009999"
    sms_code_send(phone=phone, purpose="register", ip="10.1.1.1")
    first = SmsOutbox.objects.latest("created_at").text
    SmsCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))  # the resend wait has passed
    sms_code_send(phone=phone, purpose="register", ip="10.1.1.1")
    old_code = next(part for part in first.split("为")[1:2])[:6]
    with pytest.raises(SmsError):
        sms_code_check(phone=phone, purpose="register", code=old_code)  # a wrong try on the new code
    for _ in range(5):  # the new code is spent by wrong guesses …
        try:
            sms_code_check(phone=phone, purpose="register", code="000000" if old_code != "000000" else "111111")
        except SmsError:
            pass
    with pytest.raises(SmsError, match="已失效"):  # … and the earlier one gives no more guesses
        sms_code_check(phone=phone, purpose="register", code=old_code)
    assert SmsCode.objects.filter(used_at__isnull=True).count() == 0


def test_a_direction_control_character_is_refused_in_any_text(db):
    from django import forms

    from gjj_portal.forms import PortalForm

    class NameForm(PortalForm):
        name = forms.CharField(label="姓名", max_length=50)

    form = NameForm({"name": "张\u202e三"})
    assert not form.is_valid() and form.errors["name"] == ["姓名含有不可见的文字方向控制字符，请重新输入。"]
    assert NameForm({"name": "张三"}).is_valid()


def test_a_staging_system_never_logs_a_code(db, settings, caplog):
    from accounts.sms import DatabaseSmsBackend

    settings.DEBUG, settings.GJJ_SMS_STAGING = False, True
    DatabaseSmsBackend().send("13900001111", "【住房公积金】您的验证码为493817，5分钟内有效，请勿泄露给他人。")
    assert "493817" not in caplog.text and "******" in caplog.text


def test_a_date_outside_1900_to_2100_is_refused_in_any_form(db):
    from django import forms

    from gjj_portal.forms import PortalForm

    class DayForm(PortalForm):
        day = forms.DateField(label="开始日期")

    form = DayForm({"day": "0001-01-01"})
    assert not form.is_valid() and form.errors["day"] == ["开始日期须在1900年至2100年之间，请核对后重新输入。"]
    assert not DayForm({"day": "9999-12-31"}).is_valid()
    assert DayForm({"day": "2026-12-03"}).is_valid()


def test_failures_spread_over_many_people_from_one_address_slow_that_address(client, depositor, settings):
    """Ten people, two wrong passwords each, from one address: no person is locked (each has 2 of 5), but the
    address has spent its budget and may try once every GJJ_LOGIN_ADDRESS_DELAY seconds — the right
    password included, with a Chinese message and nothing counted. Another address is untouched."""
    from tests.factories import PersonalAccountFactory

    settings.GJJ_LOGIN_ADDRESS_FAILURES = 20
    people = [depositor.phone] + [PersonalAccountFactory().user.phone for _ in range(10)]
    for phone in people[1:]:
        for _ in range(2):
            assert fail(client, phone, ip="10.5.5.5").status_code == 200
    first = fail(client, people[1], ip="10.5.5.5")  # the first try past the budget goes ahead
    assert first.status_code == 200 and "秒后再试" not in first.content.decode()
    waiting = login(client, depositor.id_number, ip="10.5.5.5")
    page = waiting.content.decode()
    assert waiting.status_code == 200 and "您所在网络的登录失败次数较多" in page and "秒后再试" in page
    assert depositor.id_number in page  # what was typed is kept
    assert login(client, depositor.id_number, ip="10.6.6.6").status_code == 302  # elsewhere: no delay


def test_the_address_may_try_again_after_the_delay(client, depositor, settings, monkeypatch):
    import time as clock

    settings.GJJ_LOGIN_ADDRESS_FAILURES = 3
    settings.GJJ_LOGIN_ADDRESS_DELAY = 15
    for n in range(3):
        fail(client, f"1101011990030{n:05d}", ip="10.5.5.6")
    assert fail(client, depositor.phone, ip="10.5.5.6").status_code == 200  # the one try
    assert "秒后再试" in login(client, depositor.id_number, ip="10.5.5.6").content.decode()
    later = clock.time() + 16
    monkeypatch.setattr("accounts.lockout.time.time", lambda: later)
    assert login(client, depositor.id_number, ip="10.5.5.6").status_code == 302
