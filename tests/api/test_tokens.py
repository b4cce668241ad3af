"""登录 for the app: the web login's rules (captcha, lockout, 面签, SMS, first-login password), a token pair bound
to the device, refresh by rotation (a copied refresh token ends the login), 退出 and 退出所有设备 — which is
the web's, both ways."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from api.models import DeviceToken
from deposits.models import PersonalAccount
from policy.center import policy_cache_clear
from policy.models import CenterPolicy
from tests.accounts.test_identity import last_code

from .conftest import captcha_answer, log_in


def login_body(api, identifier, password="demo1234", device="device-1", answer=None):
    _, captcha = api.call("auth_captcha", auth=False)
    return {"identifier": identifier, "password": password, "captcha_key": captcha["key"],
            "captcha_value": answer or captcha_answer(captcha["key"]), "device_id": device}  # fmt: skip


def test_a_token_pair_reads_the_account_and_only_its_digest_is_stored(api, depositor):
    tokens = log_in(api, depositor.id_number)
    assert api.call("account_get")[0] == 200
    row = DeviceToken.objects.get()
    assert tokens["access_token"] not in (row.access_digest, row.refresh_digest) and row.device_id == "device-1"
    assert tokens["access_expires"].endswith("+08:00")


@pytest.mark.parametrize(
    "change, code",
    [({"password": "wrong1234"}, "invalid"), ({"answer": "WRONG"}, "invalid"), ({"device": ""}, "invalid")],
)
def test_a_wrong_password_captcha_or_device_is_refused_in_the_error_shape(api, depositor, change, code):
    status, error = api.call("auth_login", body=login_body(api, depositor.id_number, **change), auth=False)
    assert status == 400 and error["code"] == code and error["message"]
    assert not DeviceToken.objects.exists()


def test_five_failures_lock_the_app_login_as_the_web_one(api, client, depositor):
    for _ in range(5):
        api.call("auth_login", body=login_body(api, depositor.id_number, password="wrong1234"), auth=False)
    status, error = api.call("auth_login", body=login_body(api, depositor.id_number), auth=False)
    assert status == 429 and error["code"] == "locked_out" and "锁定" in error["message"]
    assert not DeviceToken.objects.exists()


def test_ningbo_needs_enrollment_then_an_sms_code(api, depositor, policy):
    CenterPolicy.objects.filter(code="liaoning").update(login_requires_sms=True, login_requires_enrollment=True)
    policy_cache_clear()
    PersonalAccount.objects.filter(pk=depositor.account.pk).update(online_enabled=False)
    status, error = api.call("auth_login", body=login_body(api, depositor.id_number), auth=False)
    assert status == 403 and error["code"] == "not_enrolled" and "面签开通" in error["message"]
    PersonalAccount.objects.filter(pk=depositor.account.pk).update(online_enabled=True)
    status, challenge = api.call("auth_login", body=login_body(api, depositor.id_number), auth=False)
    assert status == 202 and challenge["sms_required"] and "****" in challenge["phone_masked"]
    assert not DeviceToken.objects.exists()
    wrong = {"challenge": challenge["challenge"], "sms_code": "000000", "device_id": "device-1"}
    status, error = api.call("auth_login_sms", body=wrong, auth=False)
    assert status == 400 and error["field"] == "sms_code"
    other_device = {"challenge": challenge["challenge"], "sms_code": last_code(depositor.phone), "device_id": "x"}
    assert api.call("auth_login_sms", body=other_device, auth=False)[0] == 400
    right = {**other_device, "device_id": "device-1"}
    status, tokens = api.call("auth_login_sms", body=right, auth=False)
    assert status == 200 and tokens["access_token"]


def test_first_login_allows_only_the_password_change(api, depositor):
    User.objects.filter(pk=depositor.pk).update(must_change_password=True)
    tokens = log_in(api, depositor.id_number)
    assert tokens["must_change_password"] is True
    status, error = api.call("account_get")
    assert status == 403 and error["code"] == "password_change_required"
    change = {"old_password": "demo1234", "new_password1": "newpass2026", "new_password2": "newpass2026"}
    assert api.call("me_password_change", body=change)[0] == 200
    # A new password ends every login, this one included: log in again with it.
    assert api.call("account_get")[0] == 401
    log_in(api, depositor.id_number, password="newpass2026")
    assert api.call("account_get")[0] == 200


def test_refresh_rotates_and_a_reused_or_copied_refresh_token_ends_the_login(api, depositor):
    tokens = log_in(api, depositor.id_number)
    body = {"refresh_token": tokens["refresh_token"], "device_id": "device-1"}
    status, fresh = api.call("auth_refresh", body=body, auth=False)
    assert status == 200 and fresh["access_token"] != tokens["access_token"]
    api.token = tokens["access_token"]
    assert api.call("account_get")[0] == 401  # the old pair ended
    api.token = fresh["access_token"]
    assert api.call("account_get")[0] == 200
    # The old refresh token again (it was copied): refused, and the login it belonged to ends.
    assert api.call("auth_refresh", body=body, auth=False)[0] == 401
    assert api.call("account_get")[0] == 401
    # Another device cannot use a device's refresh token.
    tokens = log_in(api, depositor.id_number, device="phone-2")
    stolen = {"refresh_token": tokens["refresh_token"], "device_id": "laptop"}
    assert api.call("auth_refresh", body=stolen, auth=False)[0] == 401
    assert api.call("account_get")[0] == 401


def test_an_expired_access_token_is_refused(api, depositor):
    log_in(api, depositor.id_number)
    DeviceToken.objects.update(access_expires=timezone.now() - timedelta(seconds=1))
    status, error = api.call("account_get")
    assert status == 401 and error["code"] == "token_invalid" and error["message"] == "登录已过期，请重新登录。"


def test_logout_ends_this_device_only(api, depositor):
    phone = log_in(api, depositor.id_number, device="phone")["access_token"]
    pad = log_in(api, depositor.id_number, device="pad")["access_token"]
    api.token = phone
    assert api.call("auth_logout")[0] == 200
    assert api.call("account_get")[0] == 401
    api.token = pad
    assert api.call("account_get")[0] == 200


def test_logout_everywhere_is_one_mechanism_for_the_app_and_the_web(api, client, depositor):
    client.force_login(depositor)
    assert client.get(reverse("home")).status_code == 200
    log_in(api, depositor.id_number)
    assert api.call("auth_logout_all")[0] == 200
    assert api.call("account_get")[0] == 401
    assert client.get(reverse("home")).status_code == 302  # the web session ended too
    # And the web's 退出所有设备 ends the app's tokens.
    log_in(api, depositor.id_number)
    depositor.refresh_from_db()  # the web login as it is now (its session hash counts 退出所有设备)
    client.force_login(depositor)
    client.post(reverse("accounts:logout_all"))
    assert api.call("account_get")[0] == 401


def test_a_token_in_the_address_is_not_read(api, depositor):
    tokens = log_in(api, depositor.id_number)
    status, _, _ = api.http("get", "/api/v1/account", {"access_token": tokens["access_token"]}, {})
    assert status == 401


def test_old_answers_and_ended_logins_are_purged(api, depositor):
    from api.models import IdempotentRequest
    from api.services import api_records_purge

    log_in(api, depositor.id_number)
    IdempotentRequest.objects.create(user=depositor, key="k", endpoint="e", fingerprint="f", status_code=201, body={})
    assert api_records_purge() == (0, 0)
    later = timezone.now() + timedelta(days=400)
    assert api_records_purge(now=later) == (1, 1)
    assert not DeviceToken.objects.exists() and not IdempotentRequest.objects.exists()
