from urllib.parse import urlparse

import pytest
import requests
from django.urls import reverse

from accounts.models import User
from gjj_portal.identity import id_check_digit

from .oidc_provider import LocalOIDCProvider
from .test_identity import colleague  # noqa: F401  (fixture)


@pytest.fixture
def provider(settings, policy):
    with LocalOIDCProvider() as p:
        settings.GJJ_OIDC_ENABLED = True
        settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "deposits.sso.GovOIDCBackend"]
        for name, value in p.settings().items():
            setattr(settings, name, value)
        yield p


def sign_in(client, provider, claims):
    provider.claims = claims
    start = client.get(reverse("deposits:sso"))
    assert start.status_code == 302 and start["Location"].startswith(provider.url)
    back = requests.get(start["Location"], allow_redirects=False, timeout=5)  # the person logs in at the provider
    callback = urlparse(back.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_a_depositor_signs_in_with_the_government_account_matched_by_id_number(client, provider, depositor):
    response = sign_in(client, provider, {"sub": "gov-001", "id_card_no": depositor.id_number, "name": "张伟"})
    assert response.status_code == 302
    assert client.get(reverse("home")).wsgi_request.user == depositor


def test_a_known_but_unregistered_depositor_is_linked_on_first_sign_in(client, provider, colleague):  # noqa: F811
    sign_in(client, provider, {"sub": "gov-002", "id_card_no": colleague.id_number})
    colleague.refresh_from_db()
    assert colleague.user is not None and not colleague.user.has_usable_password()
    assert client.get(reverse("home")).status_code == 200


def test_someone_the_center_does_not_know_is_refused(client, provider):
    unknown = "11010119900307123" + id_check_digit("11010119900307123")  # a valid ID the center has no account for
    response = sign_in(client, provider, {"sub": "gov-003", "id_card_no": unknown})
    assert "sso=failed" in response["Location"]
    assert "未能匹配到本中心的缴存账户" in client.get(response["Location"]).content.decode()
    assert not User.objects.filter(id_number=unknown).exists()


def test_a_token_without_a_valid_id_number_is_refused(client, provider, depositor):
    wrong = depositor.id_number[:-1] + ("1" if depositor.id_number[-1] != "1" else "2")  # bad check digit
    response = sign_in(client, provider, {"sub": "gov-004", "id_card_no": wrong})
    assert "sso=failed" in response["Location"]


def test_sso_is_off_by_default(client, policy):
    assert client.get(reverse("deposits:sso")).status_code == 404
    assert "政务服务网账号登录" not in client.get(reverse("accounts:login")).content.decode()
