"""The rest of what a depositor does on a phone, through the document: 影像上传 then 确定, 撤回, 消息 (list,
read, delete), 缴存证明 as a PDF, 个人信息变更 (card, phone) and 委托提取 (签订 once per key, 撤销)."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from deposits.models import ProfileChange
from messages_center.services import message_send
from tests.accounts.test_identity import last_code
from tests.withdrawals.test_views import png_bytes
from withdrawals.models import Material, StandingInstruction, Status, WithdrawalApplication

from .conftest import log_in
from .test_app_channel import rent_body


@pytest.fixture
def app(api, depositor):
    log_in(api, depositor.id_number)
    return api


def test_rent_elsewhere_asks_for_materials_uploaded_then_confirmed(app, depositor):
    today = timezone.localdate()
    key = {"Idempotency-Key": str(uuid.uuid4())}
    status, draft = app.call(
        "withdrawal_submit", path={"kind": "rent"}, body=rent_body(today, region="大连市"), headers=key
    )
    assert status == 201 and draft["status"] == "draft" and draft["material_slots"]
    status, error = app.call("application_confirm", path={"application_id": draft["id"]})
    assert status == 400 and error["message"]  # nothing uploaded yet
    slot = draft["material_slots"][0]
    bad = SimpleUploadedFile("说明.txt", b"hello", content_type="text/plain")
    status, error = app.call(
        "application_materials_upload", path={"application_id": draft["id"]}, body={"slot": slot}, files={"files": bad}
    )
    assert status == 400 and error["field"] == "files" and not Material.objects.exists()
    photo = SimpleUploadedFile("合同.png", png_bytes(), content_type="image/png")
    status, detail = app.call(
        "application_materials_upload",
        path={"application_id": draft["id"]},
        body={"slot": slot},
        files={"files": photo},
    )
    assert status == 200 and [m["slot"] for m in detail["materials"]] == [slot]
    status, detail = app.call("application_confirm", path={"application_id": draft["id"]})
    assert status == 200 and detail["status"] == "submitted" and detail["withdrawable"] is True
    status, detail = app.call("application_withdraw", path={"application_id": draft["id"]})
    assert status == 200 and detail["status"] == "withdrawn" and detail["steps"][-1]["state"] == "stopped"
    assert WithdrawalApplication.objects.get().status == Status.WITHDRAWN


def test_messages_are_listed_read_and_deleted(app, depositor):
    message = message_send(recipient=depositor, business="提取", title="审核通过", body="您的申请已审核通过。")
    status, page = app.call("messages_list", query={"box": "notices"})
    assert status == 200 and page["results"][0]["id"] == str(message.public_id)
    assert app.call("message_mark_read", path={"message_id": str(message.public_id)})[0] == 200
    status, page = app.call("messages_list", query={"box": "read"})
    assert [m["title"] for m in page["results"]] == ["审核通过"] and page["results"][0]["read_at"]
    assert app.call("message_delete", path={"message_id": str(message.public_id)})[0] == 200
    assert app.call("messages_list", query={"box": "read"})[1]["count"] == 0
    status, error = app.call("messages_list", query={"box": "spam"})
    assert status == 400 and error["field"] == "box"


def test_the_deposit_certificate_is_a_pdf(app, depositor):
    status, pdf = app.call("certificate_issue", body=None)
    assert status == 200 and pdf.startswith(b"%PDF")


def test_the_card_and_the_phone_change_with_password_and_codes(app, depositor):
    status, sent = app.call("profile_sms_send", body={"to": "reserved"})
    assert status == 200 and "****" in sent["message"]
    change = {"bank": "工商银行", "card_number": "6222020000000008", "password": "demo1234", "sms_code": "000000"}
    status, error = app.call("profile_card_change", body=change)
    assert status == 400 and error["field"] == "sms_code" and not ProfileChange.objects.exists()
    app.call("profile_sms_send", body={"to": "reserved"})
    status, profile = app.call("profile_card_change", body={**change, "sms_code": last_code(depositor.phone)})
    assert status == 200 and profile["payee_bank"] == "工商银行" and profile["payee_card_masked"].endswith("0008")
    assert profile["changes"][0]["field"] == "card"
    status, error = app.call("profile_card_change", body={**change, "password": "wrong"})
    assert status == 400 and error["field"] == "password"


def test_standing_is_signed_once_per_key_and_cancelled(app, depositor):
    status, page = app.call("standing_list")
    assert status == 200 and "rent" in [p["value"] for p in page["purposes"]]
    body = {
        "purpose": "rent",
        "monthly_rent": "1200.00",
        "region": "沈阳市",
        "address": "沈阳市和平区南京北街1号",
        "bank": "建设银行",
        "card_number": "6217000010001234",
        "pledge": True,
    }
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = app.call("standing_sign", body=body, headers=key)
    again = app.call("standing_sign", body=body, headers=key)
    assert first[0] == again[0] == 201 and first[1]["number"] == again[1]["number"]
    assert StandingInstruction.objects.count() == 1
    status, cancelled = app.call("standing_cancel", path={"standing_id": first[1]["id"]})
    assert status == 200 and cancelled["status"] != first[1]["status"]


def test_the_interest_statement_is_a_pdf_for_a_settled_year_only(app, depositor):
    status, error = app.call("interest_statement_issue", body={"year": 1999})
    assert status == 400 and error["field"] == "year"


def test_the_phone_changes_with_both_codes(app, depositor):
    app.call("profile_sms_send", body={"to": "reserved"})
    status, sent = app.call("profile_sms_send", body={"to": "new_phone", "new_phone": "13912345678"})
    assert status == 200
    change = {"password": "demo1234", "old_code": last_code(depositor.phone), "new_phone": "13912345678",
              "new_code": last_code("13912345678")}  # fmt: skip
    status, profile = app.call("profile_phone_change", body=change)
    assert status == 200 and profile["phone_masked"] == "139****5678"


def test_loan_applications_are_listed_with_their_progress(app, depositor):
    from tests.loans.loan_helpers import submitted_loan

    submitted_loan(depositor)
    status, rows = app.call("loan_applications_list")
    assert status == 200 and len(rows) == 1 and rows[0]["nodes"][0]["state"] == "done"
