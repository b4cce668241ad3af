"""#34: an app that knows only the OpenAPI document does what a depositor does on a phone — as each demo
person: the balance is the page's; 租房提取 sent twice with one Idempotency-Key is one application, paid by a
real worker; 提前还款 likewise debits once; the window and the bank allow-list refuse in the error shape."""

import uuid
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from loans.models import Repayment
from policy.center import policy_cache_clear
from policy.models import BusinessWindow
from withdrawals.models import WithdrawalApplication

from .conftest import log_in

DEMO = {
    "张伟": "210102199001011237",
    "李秀兰": "210103196503150029",
    "王芳": "21010219860620204X",
    "刘强": "210204197108083010",
    "陈刚": "330203198805120011",
}
TZ = ZoneInfo("Asia/Shanghai")
WEDNESDAY_10 = datetime(2026, 11, 25, 10, 0, tzinfo=TZ)


def rent_body(today, **changes):
    body = {
        "region": "沈阳市",
        "address": "沈阳市和平区南京北街1号",
        "start_month": f"{today.year}-01",
        "end_month": f"{today.year}-03",
        "monthly_rent": "1200.00",
        "amount": "3600.00",
        "bank": "建设银行",
        "card_number": "6217000010001234",
        "pledge": True,
    }
    return {**body, **changes}


@pytest.mark.django_db(transaction=True)
def test_each_demo_depositor_sees_the_balance_the_page_shows(api, demo_world, client):
    for name, id_number in DEMO.items():
        log_in(api, id_number)
        status, account = api.call("account_get")
        assert status == 200 and account["name"] == name
        assert account["id_number_masked"].startswith(id_number[:4]) and "*" in account["id_number_masked"]
        client.force_login(User.objects.get(id_number=id_number))
        page = client.get(reverse("deposits:profile")).content.decode()
        assert f"{Decimal(account['balance']):,.2f}" in page, name
        status, entries = api.call("entries_list")
        assert status == 200 and entries["count"] > 0
        # newest first, the range ending today: the newest entry leaves the balance the page shows
        assert Decimal(entries["results"][0]["balance_after"]) == Decimal(account["balance"]), name
        if entries["pages"] == 1:  # and the year's entries add up from the opening balance to it
            moved = sum(Decimal(e["amount"]) for e in entries["results"])
            assert Decimal(entries["opening_balance"]) + moved == Decimal(account["balance"]), name
        status, offers = api.call("withdrawal_offers")
        assert status == 200 and {o["kind"] for o in offers} >= {"rent", "retirement", "standing"}


@pytest.mark.django_db(transaction=True)
def test_rent_sent_twice_with_one_key_is_one_application(api, demo_world, client):
    """The worker's payout of it: test_production_api (a real worker, the production build)."""
    today = timezone.localdate()
    log_in(api, DEMO["张伟"])
    status, check = api.call("withdrawal_check", path={"kind": "rent"}, body=rent_body(today))
    assert status == 200 and check["ok"] is True
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = api.call("withdrawal_submit", path={"kind": "rent"}, body=rent_body(today), headers=key)
    again = api.call("withdrawal_submit", path={"kind": "rent"}, body=rent_body(today), headers=key)
    assert first[0] == again[0] == 201 and first[1]["id"] == again[1]["id"]
    assert first[1]["status"] == "submitted" and first[1]["tqyy"] == "07"
    assert WithdrawalApplication.objects.filter(applicant__id_number=DEMO["张伟"]).count() == 1
    # The same key for a different request is refused (a client bug that would hide a second submission).
    status, error = api.call("withdrawal_submit", path={"kind": "rent"}, body=rent_body(today, amount="100.00"),
                             headers=key)  # fmt: skip
    assert status == 422 and error["code"] == "idempotency_key_reused"

    application = WithdrawalApplication.objects.get(public_id=first[1]["id"])
    client.force_login(User.objects.get(username="reviewer"))
    approve = client.post(
        reverse("admin:withdrawals_review", args=[application.pk]), {"decision": "approve", "opinion": "同意"}
    )
    assert approve.status_code == 302
    status, detail = api.call("application_get", path={"application_id": first[1]["id"]})
    assert status == 200 and detail["status"] == "approved" and detail["status_label"] == "审核通过"
    assert [s["state"] for s in detail["steps"]][:2] == ["done", "done"]
    status, listed = api.call("applications_list")
    assert [a["number"] for a in listed] == [application.number]


@pytest.mark.django_db(transaction=True)
def test_prepayment_twice_with_one_key_debits_once(api, demo_world, monkeypatch):
    monkeypatch.setattr("policy.middleware.business_now", lambda: WEDNESDAY_10)
    log_in(api, DEMO["刘强"])
    status, loans = api.call("loans_list")
    assert status == 200 and loans
    contract = next(loan for loan in loans if loan["disbursed_on"])
    balance = Decimal(contract["principal_balance"])
    status, plan = api.call("prepayment_prepare", path={"contract_no": contract["contract_no"]},
                            body={"amount": "10000.00", "mode": "shorten"})  # fmt: skip
    assert status == 200, plan
    assert int(plan["months_after"]) < int(plan["months_before"])
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"request_id": plan["request_id"], "amount": "10000.00"}
    first = api.call("prepayment_confirm", path={"contract_no": contract["contract_no"]}, body=body, headers=key)
    again = api.call("prepayment_confirm", path={"contract_no": contract["contract_no"]}, body=body, headers=key)
    assert first[0] == again[0] == 200 and first[1] == again[1]
    assert Decimal(first[1]["loan"]["principal_balance"]) == balance - Decimal("10000.00")
    assert Repayment.objects.filter(kind=Repayment.Kind.PREPAYMENT).count() == 1
    status, schedule = api.call("loan_schedule", path={"contract_no": contract["contract_no"]})
    assert status == 200 and schedule
    status, progress = api.call("loan_progress", path={"contract_no": contract["contract_no"]})
    assert status == 200 and progress[-1]["state"] == "done"


@pytest.mark.django_db(transaction=True)
def test_a_closed_window_and_a_bank_off_the_list_are_refused_in_the_error_shape(api, demo_world):
    today = timezone.localdate()
    log_in(api, DEMO["张伟"])
    key = {"Idempotency-Key": str(uuid.uuid4())}
    status, error = api.call("withdrawal_submit", path={"kind": "rent"}, body=rent_body(today, bank="招商银行"),
                             headers=key)  # fmt: skip
    assert status == 400 and error["code"] == "bank_not_allowed" and error["field"] == "bank"
    assert "建设银行" in error["message"]
    BusinessWindow.objects.filter(business="withdrawal").update(
        days="daily", opens_at=time(0, 0), closes_at=time(0, 0, 1)
    )
    policy_cache_clear()
    status, error = api.call("withdrawal_submit", path={"kind": "rent"}, body=rent_body(today), headers=key)
    assert status == 403 and error["code"] == "closed" and "办理时间" in error["message"]
    assert not WithdrawalApplication.objects.exists()
    # A rule's refusal: the form's own words, with the field.
    BusinessWindow.objects.filter(business="withdrawal").update(opens_at=time(0, 0), closes_at=time(23, 59, 59))
    policy_cache_clear()
    status, error = api.call("withdrawal_submit", path={"kind": "rent"}, body=rent_body(today, amount="999999.00"),
                             headers={"Idempotency-Key": str(uuid.uuid4())})  # fmt: skip
    assert status == 400 and error["code"] == "invalid" and error["message"]
    assert not WithdrawalApplication.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_each_demo_persons_own_withdrawal_goes_through_the_api(api, demo_world):
    """李秀兰 退休, 王芳 完全丧失劳动能力 (materials asked), 刘强 公贷还款, 陈刚 外地销户: the amount
    我现在能办什么 answers is the amount the form takes, checked then submitted once."""
    from deposits.models import PersonalAccount

    expected = {"李秀兰": "retirement", "王芳": "disability", "刘强": "hpf_loan", "陈刚": "leaving"}
    for name, kind in expected.items():
        log_in(api, DEMO[name])
        status, offers = api.call("withdrawal_offers")
        offer = next(o for o in offers if o["kind"] == kind)
        assert offer["available"], (name, offer)
        body = {"pledge": True}
        if not PersonalAccount.objects.get(id_number=DEMO[name]).payee_card:
            body.update(bank="建设银行", card_number="6217000010001234")
        if kind == "hpf_loan":
            body["amount"] = offer["amount"]
        status, check = api.call("withdrawal_check", path={"kind": kind}, body=body)
        assert status == 200, (name, check)
        status, application = api.call("withdrawal_submit", path={"kind": kind}, body=body,
                                       headers={"Idempotency-Key": str(uuid.uuid4())})  # fmt: skip
        assert status == 201, (name, application)
        assert application["status"] in ("submitted", "draft") and application["kind"] == kind
        if kind == "disability":
            assert application["status"] == "draft" and application["material_slots"]
        if kind == "hpf_loan":
            assert Decimal(application["amount"]) == Decimal(offer["amount"])
    assert WithdrawalApplication.objects.count() == 4
