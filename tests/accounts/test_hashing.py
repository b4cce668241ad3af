"""Passwords are hashed with Argon2id at OWASP's parameters; an older PBKDF2 hash is upgraded at the next login."""

from django.contrib.auth.hashers import identify_hasher, make_password
from django.urls import reverse

from gjj_portal import settings as portal_settings

from .test_identity import captcha


def test_a_pbkdf2_user_logs_in_once_and_is_upgraded_to_argon2id(client, depositor, settings):
    settings.PASSWORD_HASHERS = portal_settings.PASSWORD_HASHERS  # production's list, not the tests' fast one
    depositor.password = make_password("demo1234", hasher="pbkdf2_sha256", salt="s" * 22)
    depositor.save(update_fields=["password"])
    assert depositor.password.startswith("pbkdf2_sha256$")
    response = client.post(
        reverse("accounts:login"), {"identifier": depositor.id_number, "password": "demo1234", **captcha()}
    )
    assert response.status_code == 302
    depositor.refresh_from_db()
    assert depositor.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert identify_hasher(depositor.password).algorithm == "argon2"
    client.post(reverse("accounts:logout"))
    again = client.post(
        reverse("accounts:login"), {"identifier": depositor.id_number, "password": "demo1234", **captcha()}
    )
    assert again.status_code == 302  # the upgraded hash verifies
