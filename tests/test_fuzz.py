"""Hostile input to every form of every kind of user: never a 5xx, errors in Chinese, no partial rows.

The forms are found on the pages themselves (every <form> and its fields, buttons included), so a new
form is fuzzed without being listed here. Values come from hypothesis: random text and the values an
outside probe sent (NUL bytes, year 0, numbers no Decimal holds, very long text, formulas …)."""

import os
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from deposits.models import LedgerEntry, PersonalAccount, RemittanceBatch, RemittanceLine
from loans.models import Repayment
from tests.english import english_in
from withdrawals.models import Material, Payout, StatusChange, WithdrawalApplication

pytestmark = pytest.mark.django_db

HOSTILE = [
    "", " ", "\x00", "张\x00三", "0", "-1", "-0", "1e999999", "NaN", "Infinity", "9" * 400, "0" * 30,
    "0000-00", "0000-01", "2026-13", "9999-12", "2026-02-30", "1900-01-01", "２０２６-０１", "\u202e",
    "<script>alert(1)</script>", "' OR 1=1 --", "=cmd|' /C calc'!A0", "../../etc/passwd", "%00", "\r\n",
    "210102199001011237", "13800000001", "6217000010001234", "12345678901234567890123",
]  # fmt: skip
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
BUSINESS_TABLES = [WithdrawalApplication, StatusChange, Payout, Material, LedgerEntry, PersonalAccount,
                   RemittanceBatch, RemittanceLine, Repayment, User]  # fmt: skip


class _Forms(HTMLParser):
    """Every <form>: method, action and its fields (name → fixed value or None for free input)."""

    def __init__(self):
        super().__init__()
        self.forms, self._form = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action"), "fields": {},
                          "buttons": []}  # fmt: skip
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "select", "textarea", "button") and a.get("name"):
            kind = a.get("type", "text")
            if a["name"] == "csrfmiddlewaretoken" or kind == "file":
                return
            if tag == "button" or kind == "submit":
                self._form["buttons"].append((a["name"], a.get("value", "")))
            elif kind == "hidden":
                self._form["fields"][a["name"]] = a.get("value", "")
            else:
                self._form["fields"][a["name"]] = None

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def forms_on(client, url):
    response = client.get(url, follow=True)
    assert response.status_code < 500, url
    parser = _Forms()
    parser.feed(response.content.decode())
    return [(f["action"] or response.request["PATH_INFO"], f) for f in parser.forms if f["fields"] or f["buttons"]]


def _generic_messages() -> list[str]:
    """Django's stock Chinese field errors ("这个字段是必填项。", "确保该值小于或等于30。" …): they say
    something is wrong, not what or how to fix it. Each is cut at its first placeholder."""
    from django import forms
    from django.core import validators
    from django.utils import translation

    texts = []
    with translation.override("zh-hans"):
        for field in (forms.Field, forms.CharField, forms.IntegerField, forms.DecimalField, forms.DateField,
                      forms.ChoiceField, forms.BooleanField, forms.FileField):  # fmt: skip
            texts += [str(m) for m in field.default_error_messages.values()]
        for validator in (validators.MaxValueValidator(1), validators.MinValueValidator(1),
                          validators.MaxLengthValidator(1), validators.MinLengthValidator(1)):  # fmt: skip
            texts.append(str(validator.message))
        texts += [str(m) for m in validators.DecimalValidator.messages.values()]
    texts += [
        "确保该值不超过",
        "确保该值不少于",
        "确认总共不超过",
        "确认小数不超过",
        "确认小数点前不超过",
    ]  # plural forms
    return sorted({t.split("%")[0].strip() for t in texts if len(t.split("%")[0].strip()) >= 4})


GENERIC = _generic_messages()


def counts():
    return [model.objects.count() for model in BUSINESS_TABLES]


def fuzz(client, url, data_strategy):
    targets = forms_on(client, url)
    assert targets, f"no form on {url}"

    @settings(
        max_examples=int(os.environ.get("GJJ_FUZZ_EXAMPLES", "12")),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(st.data())
    def run(data):
        action, form = data.draw(st.sampled_from(targets))
        values = {}
        for name, fixed in form["fields"].items():
            values[name] = fixed if fixed is not None and data.draw(st.booleans()) else data.draw(data_strategy)
        if form["buttons"]:
            name, value = data.draw(st.sampled_from(form["buttons"]))
            values[name] = value
        before = counts()
        send = client.post if form["method"] == "post" else client.get
        response = send(action, values)
        assert response.status_code < 500, (action, values)
        if response.status_code == 200:
            assert counts() == before, f"a refused {action} wrote rows: {values}"
            page = response.content.decode()
            found = english_in(page)
            assert not found, f"{action} answered in English: {found}"
            generic = [m for m in GENERIC if m in page]
            assert not generic, f"{action} answered {values} with Django's generic {generic}"

    run()


@pytest.fixture
def demo(policy):
    call_command("seed_demo", stdout=open(os.devnull, "w"))


PUBLIC = ["accounts:login", "deposits:register", "accounts:forgot", "accounts:unit_login", "deposits:verify",
          "loans:calculator"]  # fmt: skip
DEPOSITOR = ["withdrawals:rent_new", "accounts:password_change", "deposits:statement", "loans:repay",
             ]  # fmt: skip
KINDS = ["retirement", "disability", "leaving", "commercial_loan", "hpf_loan"]
UNIT = ["unit:monthly", "unit:supplementary", "unit:changes"]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_forms(demo, name):
    fuzz(Client(), reverse(name), VALUES)


@pytest.mark.parametrize("who,url", [("刘强", reverse(n)) for n in DEPOSITOR]
                         + [("李秀兰", reverse("withdrawals:apply", args=[k])) for k in KINDS]
                         + [("张伟", reverse("loans:apply"))])  # fmt: skip
def test_depositor_forms(demo, who, url):
    client = Client()
    client.force_login(User.objects.get(account__name=who))
    fuzz(client, url, VALUES)


@pytest.mark.parametrize("name", UNIT)
def test_employer_forms(demo, name):
    client = Client()
    client.force_login(User.objects.get(username="unit001"))
    fuzz(client, reverse(name), VALUES)


def test_reviewer_forms(demo):
    from tests.withdrawals.helpers import submitted_rent

    application = submitted_rent(User.objects.get(account__name="张伟"))
    client = Client()
    client.force_login(User.objects.get(username="reviewer"))
    fuzz(client, reverse("admin:withdrawals_withdrawalapplication_change", args=[application.pk]), VALUES)


@pytest.mark.parametrize(("staff", "steps"), [("loanaccept", 0), ("loanapprove", 1), ("loanclerk", 2), ("releaser", 4)])
def test_loan_staff_forms(demo, staff, steps):
    """Each loan step's form, fuzzed by the person whose step it is (the application brought to it first)."""
    from django.utils import timezone

    from loans import applications as a
    from tests.loans.loan_helpers import submitted_loan

    application = submitted_loan(User.objects.get(account__name="张伟"))
    who = {name: User.objects.get(username=name) for name in ("loanaccept", "loanapprove", "loanclerk")}
    today, pk = timezone.localdate(), application.pk
    moves = [
        lambda: a.loan_accept(application_id=pk, staff=who["loanaccept"]),
        lambda: a.loan_approve(application_id=pk, staff=who["loanapprove"]),
        lambda: a.loan_contract_sign(application_id=pk, staff=who["loanclerk"], contract_no="F-1", signed_on=today),
        lambda: a.loan_mortgage_record(application_id=pk, staff=who["loanclerk"], on=today, certificate="F-M"),
    ]
    for move in moves[:steps]:
        move()
    client = Client()
    client.force_login(User.objects.get(username=staff))
    fuzz(client, reverse("admin:loans_loanapplication_change", args=[application.pk]), VALUES)


def test_a_nul_byte_anywhere_is_a_chinese_400(demo):
    client = Client()
    response = client.get(reverse("deposits:verify"), {"code": "AB\x00CD"})
    assert response.status_code == 400 and "请求无法处理" in response.content.decode()
    response = client.post(reverse("accounts:login"), {"identifier": "x", "pass\x00word": "y"})
    assert response.status_code == 400


FILE_PREFIXES = [
    b"",
    b"%PDF-1.7\n",
    b"PK\x03\x04",
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    "个人账号,姓名,月缴存额\n".encode(),
]


@settings(max_examples=int(os.environ.get("GJJ_FUZZ_EXAMPLES", "12")), deadline=None,
          suppress_health_check=list(HealthCheck), database=None)  # fmt: skip
@given(prefix=st.sampled_from(FILE_PREFIXES), body=st.binary(max_size=2000), name=st.sampled_from(
    ["a.pdf", "a.png", "a.jpg", "a.csv", "a.xlsx", "无后缀", "../../x.pdf", "a" * 300 + ".pdf"]))  # fmt: skip
def hostile_files_to_every_upload(django_db_setup, django_db_blocker, prefix, body, name):
    """Random bytes behind real file signatures, to the materials page and the employers' lists."""
    import io

    with django_db_blocker.unblock():
        depositor = User.objects.filter(account__name="张伟").first()
        unit = User.objects.filter(username="unit001").first()
        draft = WithdrawalApplication.objects.filter(applicant=depositor, status="draft").first()
        targets = []
        if depositor and draft:
            targets.append((depositor, reverse("withdrawals:materials", args=[draft.public_id]), "files"))
        if unit:
            targets += [(unit, reverse("unit:monthly"), "file"), (unit, reverse("unit:supplementary"), "file")]
        assert len(targets) == 3, "the materials page and both list pages"
        for user, url, field in targets:
            client = Client()
            client.force_login(user)
            before = counts()
            upload = io.BytesIO(prefix + body)
            upload.name = name
            response = client.post(url, {"action": "upload", field: upload})
            assert response.status_code < 500, (url, name, prefix)
            if response.status_code == 200:
                assert counts() == before
                assert not english_in(response.content.decode())


@pytest.fixture
def upload_world(demo, django_db_blocker):
    from tests.withdrawals.helpers import submitted_rent

    submitted_rent(User.objects.get(account__name="张伟"), region="大连市")  # a draft that asks for materials


def test_uploads_are_fuzzed(upload_world, django_db_setup, django_db_blocker):
    hostile_files_to_every_upload(django_db_setup, django_db_blocker)
