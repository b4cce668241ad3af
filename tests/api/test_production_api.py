"""An app developer's run on the production build: HTTPS to gunicorn (DEBUG off, manifest static files), a real
worker paying out, only the published document known. The tokens never reach the server's log."""

import uuid

import pytest
from django.utils import timezone

from accounts.models import User
from tests.processes import wait_for
from withdrawals.models import Status, WithdrawalApplication
from withdrawals.review import payout_release, withdrawal_approve

from .openapi_client import OpenApiClient, requests_http
from .test_app_channel import DEMO, rent_body

pytestmark = [pytest.mark.untraced, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_an_app_logs_in_applies_and_sees_the_money_arrive_on_the_production_build(
    production_server, demo_world, start_worker
):
    start_worker()
    http = production_server.session()
    schema = http.get(production_server.url + "/api/v1/openapi.json").json()
    api = OpenApiClient(requests_http(http, production_server.url), schema)
    status, captcha = api.call("auth_captcha", auth=False)
    login = {"identifier": DEMO["张伟"], "password": "demo1234", "captcha_key": captcha["key"],
             "captcha_value": "PASSED", "device_id": "android-7f3c"}  # fmt: skip
    status, tokens = api.call("auth_login", body=login, auth=False)
    assert status == 200, tokens
    api.token = tokens["access_token"]
    status, account = api.call("account_get")
    assert status == 200 and account["grzhzt"] == "01"

    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = rent_body(timezone.localdate())
    first = api.call("withdrawal_submit", path={"kind": "rent"}, body=body, headers=key)
    again = api.call("withdrawal_submit", path={"kind": "rent"}, body=body, headers=key)
    assert first[0] == again[0] == 201 and first[1]["id"] == again[1]["id"]
    application = WithdrawalApplication.objects.get(public_id=first[1]["id"])
    withdrawal_approve(application_id=application.pk, reviewer=User.objects.get(username="reviewer"), opinion="同意")
    payout_release(application_id=application.pk, releaser=User.objects.get(username="releaser"))
    wait_for(lambda: WithdrawalApplication.objects.get(pk=application.pk).status == Status.PAID, what="已到账")
    status, detail = api.call("application_get", path={"application_id": first[1]["id"]})
    assert status == 200 and detail["status"] == "paid"

    status, fresh = api.call("auth_refresh", body={"refresh_token": tokens["refresh_token"],
                                                   "device_id": "android-7f3c"}, auth=False)  # fmt: skip
    assert status == 200
    api.token = fresh["access_token"]
    assert api.call("auth_logout")[0] == 200
    assert api.call("account_get")[0] == 401
    log = production_server.log.read_text()
    assert "/api/v1/withdrawals/rent" in log  # the access log is there
    for secret in (tokens["access_token"], tokens["refresh_token"], fresh["access_token"], fresh["refresh_token"]):
        assert secret not in log
