"""Partner applications: a key, only the granted endpoints, only people who consented (from their app), at the
center's rate; every call recorded with application, person and endpoint."""

import pytest
from django.urls import reverse

from accounts.models import AccessRecord
from api.models import ApiCall, PartnerConsent
from api.services import partner_app_register

from .conftest import log_in


@pytest.fixture
def bank_app(db):
    return partner_app_register(
        name="建行手机银行", organization="中国建设银行沈阳分行", grants=["account"], rate_per_minute=5
    )


def test_a_partner_reads_only_granted_endpoints_for_people_who_consented(api, depositor, other_depositor, bank_app):
    app, key = bank_app
    api.api_key = key
    status, error = api.call("partner_account", body={"id_number": depositor.id_number}, auth=True)
    assert status == 404 and error["code"] == "not_found" and "未授权" in error["message"]
    # The person consents from the app, naming the application the center published.
    partner_key, api.api_key = api.api_key, None
    log_in(api, depositor.id_number)
    status, consent = api.call("consent_grant", body={"client_id": str(app.client_id)})
    assert status == 201 and consent["app_name"] == "建行手机银行" and consent["withdrawn_at"] is None
    assert api.call("consent_grant", body={"client_id": str(app.client_id)})[0] == 201  # again: the same consent
    assert PartnerConsent.objects.filter(user=depositor).count() == 1
    api.token, api.api_key = None, partner_key

    status, account = api.call("partner_account", body={"id_number": depositor.id_number})
    assert status == 200 and account["grzh"] == depositor.account.grzh
    # Not granted: the entries. Not consenting: the other person (the same 404 as an unknown ID).
    status, error = api.call("partner_entries", body={"id_number": depositor.id_number})
    assert status == 403 and error["code"] == "not_granted"
    assert api.call("partner_account", body={"id_number": other_depositor.id_number})[0] == 404
    assert api.call("partner_account", body={"id_number": "110101199003077777"})[0] == 404

    calls = list(ApiCall.objects.order_by("at", "pk").values_list("endpoint", "user_id", "status_code"))
    assert calls[0] == ("account", depositor.pk, 404)
    assert ("account", depositor.pk, 200) in calls and ("entries", None, 403) in calls
    assert ("account", other_depositor.pk, 404) in calls and all(c[0] for c in calls)
    # The answered read is on the person's 个人信息查询记录, under the application's name; refusals are not.
    seen = AccessRecord.objects.get()
    assert (seen.id_number, seen.office, seen.channel) == (depositor.id_number, "建行手机银行", "partner")

    # Withdrawn from the app: the partner reads nothing more.
    api.api_key = None
    log_in(api, depositor.id_number)
    assert api.call("consent_withdraw", path={"client_id": str(app.client_id)})[0] == 200
    status, listed = api.call("consents_list")
    assert status == 200 and listed[0]["withdrawn_at"]
    api.token, api.api_key = None, partner_key
    assert api.call("partner_account", body={"id_number": depositor.id_number})[0] == 404


def test_a_partner_key_is_checked_and_its_rate_kept(api, depositor, bank_app):
    app, key = bank_app
    PartnerConsent.objects.create(app=app, user=depositor)
    api.api_key = "gjj_wrong"
    status, error = api.call("partner_account", body={"id_number": depositor.id_number})
    assert status == 401 and error["code"] == "token_invalid" and "密钥" in error["message"]
    api.api_key = key
    answers = [api.call("partner_account", body={"id_number": depositor.id_number})[0] for _ in range(6)]
    assert answers == [200] * 5 + [429]
    app.active = False
    app.save()
    assert api.call("partner_account", body={"id_number": depositor.id_number})[0] == 401


def test_a_depositor_token_is_no_partner_key(api, depositor, bank_app):
    log_in(api, depositor.id_number)
    assert api.call("partner_account", body={"id_number": depositor.id_number})[0] == 401


def test_staff_register_an_application_in_admin_and_see_its_key_once(client, db):
    from tests.factories import StaffUserFactory

    operator = StaffUserFactory(is_superuser=True)
    client.force_login(operator)
    response = client.post(
        reverse("admin:api_partnerapp_add"),
        {"name": "政务服务网", "organization": "辽宁省政务服务中心", "grants": ["account", "loans"],
         "rate_per_minute": "30", "active": "on"},
        follow=True,
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200 and "只显示这一次" in page
    from api.models import PartnerApp

    app = PartnerApp.objects.get()
    assert app.grants == ["account", "loans"] and app.key_hint in page


def test_admin_refuses_an_unknown_endpoint_name(client, db):
    from api.models import PartnerApp
    from tests.factories import StaffUserFactory

    client.force_login(StaffUserFactory(is_superuser=True))
    response = client.post(
        reverse("admin:api_partnerapp_add"),
        {"name": "x", "organization": "y", "grants": ["everything"], "rate_per_minute": "30", "active": "on"},
    )
    assert response.status_code == 200 and "everything" in response.content.decode()
    assert not PartnerApp.objects.exists()
