"""转移接续 and 两地联办 on one center, the partner's side played by signed messages to its endpoint."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from crosscenter import joint, transfer
from crosscenter.cases import deadline_state
from crosscenter.models import JointCase, OutboxMessage, TransferCase
from deposits.models import EntryKind, LedgerEntry
from policy.center import working_day_after
from tests.factories import StaffUserFactory
from withdrawals import review
from withdrawals.models import WithdrawalApplication

from .helpers import partner_with_key, post, signed

pytestmark = pytest.mark.django_db


def _sent(kind):
    return [m.payload for m in OutboxMessage.objects.filter(kind=kind)]


def _png(name="scan.png"):
    buf = io.BytesIO()
    Image.new("RGB", (200, 300), "white").save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def test_transfer_in_online_credits_once_and_cancel_is_only_at_01(client, depositor, today):
    partner, private = partner_with_key()
    client.force_login(depositor)
    page = client.post(reverse("crosscenter:transfers"), {"partner": partner.pk, "agree": "on"}, follow=True)
    case = TransferCase.objects.get()
    assert "01 联系函复核通过" in page.content.decode()
    assert case.letter_number == f"219900{today:%y%m%d}0001"
    assert case.due_on == working_day_after(today, 5)
    assert _sent("transfer.letter")[0]["id_number"] == depositor.account.id_number
    # A second transfer-in while one is open is refused with the reason, nothing created.
    again = client.post(reverse("crosscenter:transfers"), {"partner": partner.pk, "agree": "on"})
    assert "已有一笔转移接续正在办理" in again.content.decode() and TransferCase.objects.count() == 1

    post(client, *signed(private, kind="transfer.received", payload={"letter_number": case.letter_number}))
    case.refresh_from_db()
    assert case.status == "02"
    refused = client.post(reverse("crosscenter:transfer_cancel", args=[case.public_id]), follow=True)
    assert "只有“01 联系函复核通过”时可以撤销" in refused.content.decode()
    before = depositor.account.balance
    funds = {"letter_number": case.letter_number, "principal": "1000.00", "interest": "2.50", "total": "1002.50",
             "opened_month": "2020-01", "paid_to_month": "2026-10", "loan_count": 0,
             "continuity": [{"month": "2026-05", "paid": True}]}  # fmt: skip
    assert post(client, *signed(private, kind="transfer.funds", payload=funds)).status_code == 200
    # The same money under another id (a partner's bug, or a replay re-signed): credited once all the same.
    assert post(client, *signed(private, kind="transfer.funds", payload=funds)).status_code in (200, 409)
    case.refresh_from_db()
    depositor.account.refresh_from_db()
    assert case.status == "00" and case.total == Decimal("1002.50")
    assert depositor.account.balance == before + Decimal("1002.50")
    assert LedgerEntry.objects.filter(kind=EntryKind.TRANSFER_IN).count() == 1
    assert _sent("transfer.credited") == [{"letter_number": case.letter_number, "amount": "1002.50"}]
    call_command("reconcile", stdout=io.StringIO())
    detail = client.get(reverse("crosscenter:transfer_detail", args=[case.public_id])).content.decode()
    assert "1,002.50" in detail and "00 正常办结" in detail


def test_amounts_that_do_not_add_up_are_refused(client, depositor):
    partner, private = partner_with_key()
    case = transfer.transfer_in_start(account=depositor.account, partner=partner)
    post(client, *signed(private, kind="transfer.received", payload={"letter_number": case.letter_number}))
    bad = {"letter_number": case.letter_number, "principal": "10.00", "interest": "1.00", "total": "100.00"}
    assert post(client, *signed(private, kind="transfer.funds", payload=bad)).status_code == 400
    assert not LedgerEntry.objects.filter(kind=EntryKind.TRANSFER_IN).exists()


def test_cancelled_at_01_then_money_arrives_goes_back(client, depositor):
    partner, private = partner_with_key()
    case = transfer.transfer_in_start(account=depositor.account, partner=partner)
    transfer.transfer_cancel(case_id=case.pk)
    case.refresh_from_db()
    assert case.status == "05" and _sent("transfer.cancel")
    funds = {"letter_number": case.letter_number, "principal": "1.00", "interest": "0.00", "total": "1.00"}
    post(client, *signed(private, kind="transfer.funds", payload=funds))
    assert not LedgerEntry.objects.filter(kind=EntryKind.TRANSFER_IN).exists()
    assert "未入账" in _sent("transfer.credit_failed")[0]["reason"]


def _out_case(client, private, account, letter="4502002611230001"):
    payload = {"letter_number": letter, "name": account.name, "id_number": account.id_number}
    post(client, *signed(private, kind="transfer.letter", payload=payload))
    return TransferCase.objects.get(letter_number=letter, direction="out")


def test_transfer_out_sends_everything_and_closes_only_after_the_credit(client, depositor, today):
    partner, private = partner_with_key()
    account = depositor.account
    case = _out_case(client, private, account)
    clerk = StaffUserFactory()
    transfer.transfer_out_review(case_id=case.pk, staff=clerk)
    case.refresh_from_db()
    account.refresh_from_db()
    assert case.status == "08" and account.balance == 0 and account.status == "normal"
    funds = _sent("transfer.funds")[0]
    assert Decimal(funds["total"]) == case.total == case.principal + case.interest
    assert len(funds["continuity"]) == 6 and funds["loan_count"] == 0 and funds["opened_month"]
    post(client, *signed(private, kind="transfer.credited", payload={"letter_number": case.letter_number,
                                                                     "amount": funds["total"]}))  # fmt: skip
    case.refresh_from_db()
    account.refresh_from_db()
    assert case.status == "00" and account.status == "transferred_out" and account.status_code == "04"
    call_command("reconcile", stdout=io.StringIO())


def test_transfer_out_that_cannot_be_credited_comes_back(client, depositor):
    partner, private = partner_with_key()
    account = depositor.account
    before = account.balance
    case = _out_case(client, private, account)
    transfer.transfer_out_review(case_id=case.pk, staff=StaffUserFactory())
    payload = {"letter_number": case.letter_number, "reason": "转入地账户已销户"}
    post(client, *signed(private, kind="transfer.credit_failed", payload=payload))
    case.refresh_from_db()
    account.refresh_from_db()
    assert case.status == "40" and account.status == "normal"
    assert account.balance >= before  # the money and its interest to date, back
    call_command("reconcile", stdout=io.StringIO())


def test_transfer_out_is_refused_with_an_open_withdrawal_or_negotiated(client, depositor):
    from tests.withdrawals.helpers import submitted_rent

    partner, private = partner_with_key()
    submitted_rent(depositor)
    case = _out_case(client, private, depositor.account)
    assert transfer.transfer_out_problem(case) == "缴存人有正在办理的提取申请，须办结后方可转出。"
    transfer.transfer_out_negotiate(case_id=case.pk, staff=StaffUserFactory(), reason="姓名用字不一致，核对中")
    case.refresh_from_db()
    assert case.status == "06" and case.negotiated
    transfer.transfer_out_review(case_id=case.pk, staff=StaffUserFactory())
    case.refresh_from_db()
    assert case.status == "13" and "提取申请" in _sent("transfer.refused")[0]["reason"]
    assert depositor.account.entries.filter(kind=EntryKind.TRANSFER_OUT).count() == 0


def test_deadline_flags():
    from datetime import date

    assert deadline_state(date(2026, 1, 5), False, today=date(2026, 1, 6)) == "overdue"
    assert deadline_state(date(2026, 1, 6), False, today=date(2026, 1, 6)) == "today"
    assert deadline_state(date(2026, 1, 7), False, today=date(2026, 1, 6)) == ""
    assert deadline_state(date(2026, 1, 5), True, today=date(2026, 1, 6)) == ""


def _joint_payload(account, **rent):
    return {
        "number": "2199002611230001", "kind": "rent", "name": account.name, "id_number": account.id_number,
        "phone": "13800000009", "amount": "3000.00", "bank": "工商银行", "card_number": "6222020200001234560",
        "rent": {"region": "省外", "address": "柳州市示例路", "year": rent.get("year"), "start_month": 1,
                 "end_month": 3, "monthly_rent": "1000.00"},
        "materials": [{"name": "合同.png", "content_type": "image/png",
                       "data": __import__("base64").b64encode(_png().read()).decode()}],
    }  # fmt: skip


def test_home_center_makes_it_an_application_and_reports_each_move(client, depositor, reviewer, today):
    partner, private = partner_with_key()
    payload = _joint_payload(depositor.account, year=today.year)
    assert post(client, *signed(private, kind="joint.submit", payload=payload)).status_code == 200
    case = JointCase.objects.get(role="home")
    application = case.application
    assert case.status == "received" and application.status == "submitted" and application.channel == "joint"
    assert application.materials.count() == 1 and application.applicant == depositor
    assert _sent("joint.received")[0]["due_on"] == f"{working_day_after(today, 3)}"
    review.withdrawal_approve(application_id=application.pk, reviewer=reviewer, opinion="同意")
    case.refresh_from_db()
    assert case.status == "approved"
    assert _sent("joint.result")[0]["outcome"] == "approved"


def test_home_center_refuses_what_its_policy_refuses_with_the_reason(client, depositor, today):
    partner, private = partner_with_key()
    payload = _joint_payload(depositor.account, year=today.year - 1)
    post(client, *signed(private, kind="joint.submit", payload=payload))
    case = JointCase.objects.get(role="home")
    assert case.status == "rejected" and case.application is None
    assert "本年度" in _sent("joint.result")[0]["reason"]
    assert not WithdrawalApplication.objects.exists()


def test_window_registers_prints_sends_and_follows_the_result(client, depositor, policy, today):
    from hall.services import staff_groups_ensure

    partner, private = partner_with_key()
    clerk = StaffUserFactory()
    clerk.groups.add(staff_groups_ensure()["跨省通办专窗"])
    client.force_login(clerk)
    form = {"partner": partner.pk, "kind": "rent", "name": depositor.account.name,
            "id_number": depositor.account.id_number, "phone": "13800000001", "amount": "3000.00", "bank": "工商银行",
            "card_number": "6222020200001234560", "rent_region": "柳州市", "rent_year": today.year,
            "rent_start_month": 1, "rent_end_month": 3, "monthly_rent": "1000", "identity_checked": "on"}  # fmt: skip
    missing = client.post(reverse("admin:crosscenter_jointcase_add"), form)
    assert "请扫描上传申请人身份证" in missing.content.decode() and not JointCase.objects.exists()
    response = client.post(reverse("admin:crosscenter_jointcase_add"), {**form, "scans": [_png(), _png("id.png")]})
    case = JointCase.objects.get()
    assert response.status_code == 302 and case.materials.count() == 2 and case.account == depositor.account
    receipt = client.get(reverse("admin:crosscenter_joint_receipt", args=[case.pk]))
    assert receipt.content.startswith(b"%PDF-")
    client.post(reverse("admin:crosscenter_joint_send", args=[case.pk]))
    case.refresh_from_db()
    assert case.status == "sent" and len(_sent("joint.submit")[0]["materials"]) == 2
    post(client, *signed(private, kind="joint.received", payload={"number": case.number, "due_on": f"{today}"}))
    result = {"number": case.number, "outcome": "materials", "reason": "请补充租房发票"}
    post(client, *signed(private, kind="joint.result", payload=result))
    case.refresh_from_db()
    assert case.status == "materials" and case.result_reason == "请补充租房发票"
    client.post(reverse("admin:crosscenter_joint_scan", args=[case.pk]), {"scans": [_png("invoice.png")]})
    client.post(reverse("admin:crosscenter_joint_send", args=[case.pk]))
    assert len(_sent("joint.materials")[0]["materials"]) == 1
    post(client, *signed(private, kind="joint.received", payload={"number": case.number}))
    for outcome in ("approved", "paid"):
        payload = {"number": case.number, "outcome": outcome, "reason": "", "amount": "3000.00"}
        post(client, *signed(private, kind="joint.result", payload=payload))
    case.refresh_from_db()
    assert case.status == "paid" and case.paid_amount == Decimal("3000.00")
    assert client.get(reverse("admin:crosscenter_joint_result", args=[case.pk])).content.startswith(b"%PDF-")
    board = client.get(reverse("admin:crosscenter_jointcase_changelist")).content.decode()
    assert case.number in board
    client.force_login(depositor)
    mine = client.get(reverse("hall:mine")).content.decode()
    assert f"受理编号 {case.number}" in mine
    detail = client.get(reverse("crosscenter:joint_detail", args=[case.public_id])).content.decode()
    assert "已办结（资金已到账）" in detail
    from messages_center.models import Message

    assert Message.objects.filter(recipient=depositor, business="跨省通办").count() >= 4


def test_other_peoples_cases_are_404(client, depositor, other_depositor):
    partner, _private = partner_with_key()
    case = transfer.transfer_in_start(account=depositor.account, partner=partner)
    client.force_login(other_depositor)
    assert client.get(reverse("crosscenter:transfer_detail", args=[case.public_id])).status_code == 404
    assert client.post(reverse("crosscenter:transfer_cancel", args=[case.public_id])).status_code == 404


def test_remote_loan_for_a_depositor_with_no_online_account_is_reviewed_and_paid_here(
    client, reviewer, releaser, today
):
    """偿还异地贷款提取 for someone who never registered online at the home center: the application has no
    applicant user, the reviewer 核定 from the scans on the usual workbench, and the release pays it."""
    from deposits.models import PersonalAccount
    from tests.factories import PersonalAccountFactory, deposit_history

    partner, private = partner_with_key()
    account = PersonalAccountFactory(name="赵敏", id_number="110101199003077774")
    PersonalAccount.objects.filter(pk=account.pk).update(user=None)
    account.refresh_from_db()
    deposit_history(account, months=24, today=today)
    payload = {**_joint_payload(account), "kind": "remote_loan", "amount": "5000.00", "rent": {}}
    assert post(client, *signed(private, kind="joint.submit", payload=payload)).status_code == 200
    case = JointCase.objects.get(role="home")
    application = case.application
    assert application is not None, case.result_reason
    assert (case.status, application.kind, application.applicant, application.status) == (
        "received", "commercial_loan", None, "submitted")  # fmt: skip
    client.force_login(reviewer)
    workbench = client.get(reverse("admin:withdrawals_withdrawalapplication_change", args=[application.pk]))
    assert workbench.status_code == 200 and "赵敏" in workbench.content.decode()
    review.withdrawal_approve(application_id=application.pk, reviewer=reviewer, opinion="核定提取5000元")
    review.payout_release(application_id=application.pk, releaser=releaser, send=False)
    case.refresh_from_db()
    assert case.status == "approved" and [p["outcome"] for p in _sent("joint.result")] == ["approved"]


def test_a_case_with_no_money_or_too_many_scans_is_refused(client, depositor, today):
    partner, private = partner_with_key()
    payload = {**_joint_payload(depositor.account, year=today.year), "amount": "0.00"}
    assert post(client, *signed(private, kind="joint.submit", payload=payload)).status_code == 400
    assert not JointCase.objects.exists()
    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (joint.SCANS_MAX_BYTES + 1), content_type="image/png")
    request = joint.JointRequest(kind="rent", name="张伟", id_number=depositor.account.id_number, phone="13800000001",
                                 amount=Decimal("100.00"), bank="建设银行", card_number="6217000010001234",
                                 rent_region="柳州市", rent_year=today.year, rent_start_month=1, rent_end_month=1,
                                 monthly_rent=Decimal("100.00"))  # fmt: skip
    with pytest.raises(joint.JointError, match="不能超过8MB"):
        joint.joint_register(partner=partner, request=request, scans=[big], staff=StaffUserFactory())


def test_transfer_out_actions_on_an_incoming_case_are_404(client, depositor):
    from hall.services import staff_groups_ensure

    partner, _private = partner_with_key()
    case = transfer.transfer_in_start(account=depositor.account, partner=partner)
    clerk = StaffUserFactory()
    clerk.groups.add(staff_groups_ensure()["跨省通办专窗"])
    client.force_login(clerk)
    for name in ("review_out", "negotiate", "refuse"):
        response = client.post(reverse(f"admin:crosscenter_transfer_{name}", args=[case.pk]), {"reason": "x"})
        assert response.status_code == 404, name
    assert TransferCase.objects.get(pk=case.pk).status == case.status


def test_without_a_signing_key_the_portal_says_so_and_accepts_no_case(client, depositor, settings):
    from crosscenter.checks import signing_key_check

    settings.DEBUG, settings.GJJ_CENTER_SIGNING_KEY = False, ""
    partner, _private = partner_with_key()
    assert [e.id for e in signing_key_check(None)] == ["gjj.E002"]
    client.force_login(depositor)
    page = client.get(reverse("crosscenter:transfers")).content.decode()
    assert "跨省通办服务暂不可用" in page and "提交申请" not in page
    posted = client.post(reverse("crosscenter:transfers"), {"partner": partner.pk, "old_account_number": "1"})
    assert "跨省通办服务暂不可用" in posted.content.decode()
    with pytest.raises(transfer.TransferError, match="暂不可用"):
        transfer.transfer_in_start(account=depositor.account, partner=partner)
    assert not TransferCase.objects.exists() and not OutboxMessage.objects.exists()
    settings.GJJ_CENTER_SIGNING_KEY = "bm90LWEta2V5"  # Base64, but not a 32-byte key
    assert [e.id for e in signing_key_check(None)] == ["gjj.E002"]


def test_with_no_partner_center_the_page_says_where_to_go_instead(client, depositor):
    client.force_login(depositor)
    page = client.get(reverse("crosscenter:transfers")).content.decode()
    assert "暂未与其他公积金中心开通网上转移接续" in page and "提交申请" not in page
    partner_with_key()
    assert "暂未与其他公积金中心开通" not in client.get(reverse("crosscenter:transfers")).content.decode()
