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
