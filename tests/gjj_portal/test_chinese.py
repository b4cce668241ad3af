"""Chinese on every page whatever the browser's language: a walk over the portal and admin with
`Accept-Language: en-US`, looking for Django's own English strings (tests/english.py)."""

import os

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse

from accounts.models import User
from tests.english import english_in
from withdrawals.models import WithdrawalApplication

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
PUBLIC = [
    "accounts:login",
    "deposits:register",
    "accounts:forgot",
    "accounts:unit_login",
    "deposits:verify",
    "loans:calculator",
]
DEPOSITOR = [
    "home",
    "deposits:profile",
    "deposits:statement",
    "deposits:certificate",
    "withdrawals:index",
    "withdrawals:rent_new",
    "hall:mine",
    "loans:info",
    "loans:progress",
    "loans:repayments",
    "loans:plan",
    "loans:repay",
    "messages_center:inbox",
    "messages_center:todos",
    "hall:messages_mine",
    "messages_center:read",
    "accounts:password_change",
]
UNIT = ["unit:home", "unit:monthly", "unit:supplementary", "unit:changes"]


@pytest.fixture
def demo(policy):
    call_command("seed_demo", stdout=open(os.devnull, "w"))


def assert_chinese(response, where):
    assert response.status_code < 500, where
    if response.get("Content-Type", "").startswith("text/html"):
        found = english_in(response.content.decode())
        assert not found, f"{where} shows English: {sorted(found)}"


def walk(client, names, **extra):
    for name in names:
        url = reverse(name, **extra)
        assert_chinese(client.get(url, **EN), url)


def test_public_pages_and_empty_forms_are_chinese(demo):
    client = Client()
    walk(client, PUBLIC)
    for name in ["accounts:login", "deposits:register", "accounts:forgot", "accounts:unit_login"]:
        assert_chinese(client.post(reverse(name), {}, **EN), f"POST {name}")
    assert_chinese(client.get("/admin/login/", **EN), "admin login")
    assert_chinese(client.post("/admin/login/", {"username": "x", "password": "y"}, **EN), "admin login refused")


def test_depositor_pages_are_chinese(demo):
    client = Client()
    client.force_login(User.objects.get(account__name="刘强"))
    walk(client, DEPOSITOR)
    for kind in ["retirement", "disability", "leaving", "commercial_loan", "hpf_loan"]:
        assert_chinese(client.get(reverse("withdrawals:apply", args=[kind]), **EN), kind)
    assert_chinese(client.post(reverse("withdrawals:rent_new"), {}, **EN), "rent form errors")
    assert_chinese(client.post(reverse("accounts:password_change"), {}, **EN), "password form errors")


def test_employer_pages_are_chinese(demo):
    client = Client()
    client.force_login(User.objects.get(username="unit001"))
    walk(client, UNIT)
    assert_chinese(client.post(reverse("unit:changes"), {}, **EN), "change list errors")


def test_error_pages_are_chinese_with_a_way_back(demo, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/no-such-page/", **EN)
    assert (
        response.status_code == 404
        and "页面不存在" in response.content.decode()
        and "返回首页" in response.content.decode()
    )
    assert_chinese(response, "404")
    client.force_login(User.objects.get(username="reviewer"))
    response = client.get("/admin/no-such-page/", **EN)
    assert response.status_code == 404 and "返回审核后台首页" in response.content.decode()
    assert_chinese(response, "admin 404")
    response = client.get(reverse("admin:accounts_user_changelist"), **EN)  # a reviewer may not manage users
    assert response.status_code == 403 and "没有权限" in response.content.decode()
    assert_chinese(response, "admin 403")
    csrf = Client(enforce_csrf_checks=True)
    response = csrf.post(reverse("accounts:login"), {"username": "x"}, **EN)
    assert (
        response.status_code == 403
        and "页面已过期" in response.content.decode()
        and "返回上一页" in response.content.decode()
    )
    assert_chinese(response, "csrf")


def test_server_error_page_is_chinese():
    from gjj_portal.views import server_error

    response = server_error(None)
    assert response.status_code == 500 and "系统繁忙" in response.content.decode()
    assert not english_in(response.content.decode())


def admin_urls(obj_pk_by_model):
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        yield reverse("admin:{}_{}_changelist".format(*info))
        try:
            yield reverse("admin:{}_{}_add".format(*info))
        except NoReverseMatch:
            pass
        pk = obj_pk_by_model(model)
        if pk is not None:
            yield reverse("admin:{}_{}_change".format(*info), args=[pk])


def test_every_admin_list_add_and_change_page_is_chinese(demo):
    from tests.withdrawals.helpers import submitted_rent

    submitted_rent(User.objects.get(account__name="张伟"))
    client = Client()
    client.force_login(User.objects.get(username="operator"))
    assert_chinese(client.get(reverse("admin:index"), **EN), "admin index")
    for url in admin_urls(lambda model: model.objects.values_list("pk", flat=True).first()):
        assert_chinese(client.get(url, **EN), url)
    application = WithdrawalApplication.objects.get()
    client.force_login(User.objects.get(username="reviewer"))
    for url in [
        reverse("admin:withdrawals_withdrawalapplication_changelist"),
        reverse("admin:withdrawals_withdrawalapplication_change", args=[application.pk]),
    ]:
        assert_chinese(client.get(url, follow=True, **EN), f"reviewer {url}")


def test_every_page_is_no_store_and_has_a_csp(demo):
    client = Client()
    client.force_login(User.objects.get(account__name="刘强"))
    for name in DEPOSITOR:
        response = client.get(reverse(name))
        assert "no-store" in response["Cache-Control"], name
        assert "default-src 'self'" in response["Content-Security-Policy"], name
