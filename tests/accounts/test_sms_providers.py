"""The SMS providers' adapters (Alibaba Cloud, Tencent Cloud) through their official SDKs, each against a local
server speaking its documented protocol (tests/sms_fakes.py) — signature included, never the internet: a
registration code delivered, the provider's refusals told in Chinese, a bad moment tried again, every answer
recorded as a receipt, and nothing of the code or the key in the log or the database."""

import logging

import pytest
from django.urls import reverse

from accounts.models import SmsCode, SmsDelivery, SmsOutbox
from accounts.sms import SmsError, sms_backend, sms_code_send
from tests.sms_fakes import BAD_NUMBER, NO_BALANCE, SECRET, SECRET_ID, TOO_OFTEN, FakeProvider, serve

from .test_identity import REGISTER, colleague, register_data  # noqa: F401 (the fixture)


@pytest.fixture(params=["aliyun", "tencent"])
def provider(request, settings):
    fake, stop = serve(FakeProvider(request.param))
    settings.GJJ_SMS_BACKEND = request.param  # by name, as production settings say it
    settings.GJJ_SMS_ACCESS_KEY_ID, settings.GJJ_SMS_ACCESS_KEY_SECRET = SECRET_ID, SECRET
    settings.GJJ_SMS_SIGN_NAME, settings.GJJ_SMS_TEMPLATE = "沈阳住房公积金", "SMS_270000001"
    settings.GJJ_SMS_APP_ID, settings.GJJ_SMS_ENDPOINT = "1400000001", fake.url
    settings.GJJ_SMS_RETRY_DELAYS = [0.01, 0.01]
    yield fake
    stop()


def test_a_registration_code_is_delivered_through_the_provider(client, colleague, provider, caplog):  # noqa: F811
    caplog.set_level(logging.DEBUG)
    page = client.post(REGISTER, register_data(colleague, action="send"))
    assert page.status_code == 200 and provider.refused_signatures == 0
    code = provider.code_for(colleague.phone)
    assert len(code) == 6 and code.isdigit()
    done = client.post(REGISTER, register_data(colleague, sms_code=code), follow=True)
    assert "注册成功" in done.content.decode()
    receipt = SmsDelivery.objects.get()
    assert (receipt.provider, receipt.state, receipt.attempts) == (provider.kind, "accepted", 1)
    assert receipt.provider_message_id and receipt.template == "SMS_270000001"
    assert not SmsOutbox.objects.exists()  # the development outbox is not written
    assert code not in caplog.text and SECRET not in caplog.text
    # The code is nowhere in the database either (only its keyed hash).
    assert code not in str(list(SmsDelivery.objects.values())) + str(list(SmsCode.objects.values()))


@pytest.mark.parametrize(
    ("phone", "said"),
    [(TOO_OFTEN, "短信发送过于频繁"), (BAD_NUMBER, "手机号码无法接收短信"), (NO_BALANCE, "短信服务暂时不可用")],
)
def test_provider_refusals_are_told_in_chinese_and_the_code_dies(provider, db, phone, said):
    with pytest.raises(SmsError, match=said):
        sms_code_send(phone=phone, purpose="register", ip="10.0.0.1")
    receipt = SmsDelivery.objects.get()
    assert receipt.state == "failed" and receipt.error_code and receipt.attempts == 1  # a refusal is not retried
    assert SmsCode.objects.get(phone=phone).used_at is not None  # never typable: it was never sent


def test_a_refusal_reaches_the_page_as_a_chinese_message(client, colleague, provider):  # noqa: F811
    colleague.phone = BAD_NUMBER
    colleague.save(update_fields=["phone"])
    page = client.post(REGISTER, register_data(colleague, action="send"))
    assert page.status_code == 200 and "手机号码无法接收短信" in page.content.decode()


def test_a_bad_moment_is_tried_again_with_back_off(provider, db):
    provider.fail_next = 2
    sms_code_send(phone="13800000077", purpose="register", ip=None)
    assert provider.requests == 3 and SmsDelivery.objects.get().attempts == 3
    provider.fail_next = 5
    with pytest.raises(SmsError, match="短信服务暂时不可用"):
        sms_code_send(phone="13800000078", purpose="register", ip=None)
    assert SmsDelivery.objects.filter(state="failed").get().attempts == 3


def test_a_wrong_secret_is_refused_by_the_provider(provider, db, settings):
    settings.GJJ_SMS_ACCESS_KEY_SECRET = "not-the-secret"
    with pytest.raises(SmsError, match="短信服务暂时不可用"):
        sms_backend().send("13800000079", "x", params={"code": "123456"})
    assert provider.refused_signatures >= 1 and not provider.accepted


def test_production_settings_name_either_provider(settings, tmp_path):
    from tests.gjj_portal.test_deploy import PRODUCTION, manage
    from tests.pki import signing_env

    for name in ("aliyun", "tencent"):
        env = {**PRODUCTION, **signing_env(tmp_path / name), "GJJ_SMS_BACKEND": name, "GJJ_CENTER_SIGNING_KEY": "x"}
        shown = manage(
            "shell", "-c", "from accounts.sms import sms_backend; print(type(sms_backend()).__name__)", **env
        )
        assert (
            shown.stdout.strip().splitlines()[-1]
            == {"aliyun": "AliyunSmsBackend", "tencent": "TencentSmsBackend"}[name]
        ), shown.stderr


def test_check_deploy_refuses_a_provider_without_its_account(tmp_path):
    from tests.gjj_portal.test_deploy import PRODUCTION, manage
    from tests.pki import signing_env

    account = {"GJJ_SMS_ACCESS_KEY_ID": SECRET_ID, "GJJ_SMS_ACCESS_KEY_SECRET": SECRET, "GJJ_SMS_SIGN_NAME": "沈阳"}
    env = {
        **PRODUCTION,
        **signing_env(tmp_path),
        **account,
        "GJJ_SMS_BACKEND": "tencent",
        "GJJ_CENTER_SIGNING_KEY": "x",
    }
    result = manage("check", "--deploy", **env)
    assert (
        result.returncode != 0 and "gjj.E004" in result.stderr and "GJJ_SMS_TEMPLATE, GJJ_SMS_APP_ID" in result.stderr
    )


def test_the_providers_status_reports_mark_each_receipt_delivered_or_not(provider, client, settings, db):
    """The provider pushes 短信状态报告 in its own shape; only its addresses are heard."""
    sms_code_send(phone="13800000081", purpose="register", ip=None)
    sms_code_send(phone="13800000082", purpose="register", ip=None)
    first, second = SmsDelivery.objects.order_by("pk")
    url = reverse("accounts:sms_report", args=[provider.kind])
    if provider.kind == "aliyun":
        body = [
            {"phone_number": "13800000081", "success": True, "biz_id": first.provider_message_id,
             "err_code": "DELIVERED", "report_time": "2026-12-04 12:00:05", "send_time": "2026-12-04 12:00:01"},
            {"phone_number": "13800000082", "success": False, "biz_id": second.provider_message_id,
             "err_code": "MK:0001"},
            {"phone_number": "13800000083", "success": True, "biz_id": "unknown^0"},
        ]  # fmt: skip
        said = {"code": 0, "msg": "成功"}
    else:
        body = [
            {"sid": first.provider_message_id, "report_status": "SUCCESS", "mobile": "13800000081", "nationcode": "86",
             "user_receive_time": "2026-12-04 12:00:05", "errmsg": "DELIVRD", "description": "用户短信送达成功"},
            {"sid": second.provider_message_id, "report_status": "FAIL", "mobile": "13800000082", "errmsg": "MK:0001"},
            {"sid": "unknown", "report_status": "SUCCESS"},
        ]  # fmt: skip
        said = {"result": 0, "errmsg": "OK"}
    assert client.post(url, body, content_type="application/json", REMOTE_ADDR="203.0.113.7").status_code == 404
    settings.GJJ_SMS_REPORT_NETWORKS = ["203.0.113.0/24"]
    answer = client.post(url, body, content_type="application/json", REMOTE_ADDR="203.0.113.7")
    assert answer.status_code == 200 and answer.json() == said
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.get_state_display()) == ("delivered", "已送达") and first.reported_at
    assert second.state == "undelivered" and second.error_code == "MK:0001"
    # A repeated or late report never moves a receipt back.
    client.post(url, [{**body[0], "success": False, "report_status": "FAIL"}], content_type="application/json",
                REMOTE_ADDR="203.0.113.7")  # fmt: skip
    first.refresh_from_db()
    assert first.state == "delivered"
    bad = client.post(url, "not json", content_type="application/json", REMOTE_ADDR="203.0.113.7")
    assert bad.status_code == 400
