"""贷款申请 from the depositor's page to 放款: each step by its own person, every move a change row, the
seller paid once through the bank adapter, and the refusals in Chinese."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import SmsOutbox
from gjj_portal.bank import SandboxBankGateway
from gjj_portal.models import SandboxTransfer
from loans import applications
from loans.models import ApplicationStatus, LoanApplication, LoanContract, LoanStatus, SigningSlot
from loans.selectors import application_nodes
from loans.services import LoanError
from messages_center.models import Message
from tests.factories import PersonalAccountFactory, deposit_history

from .loan_helpers import PAYEE, png, submitted_loan, through_mortgage

pytestmark = pytest.mark.django_db


def _form(zhang_policy, **overrides):
    day = applications.signing_days(today=timezone.localdate())[0]
    data = {
        "house_kind": "new",
        "purchase_contract_no": "SY2026-000123",
        "home": "first",
        "house_address": "沈阳市和平区示例路1号1-2-301",
        "house_area": "89.50",
        "house_price": "1200000",
        "co_name": "",
        "co_id_number": "",
        "co_phone": "",
        "co_income": "",
        "co_code": "",
        "amount": "500000",
        "years": "20",
        "method": "equal_instalment",
        "other_debts": "0",
        "repay_bank": "建设银行",
        "repay_card": "6217000010000012345",
        **PAYEE,
        "signing_on": day.isoformat(),
        "signing_half": "am",
    }
    for i, _kind in enumerate(zhang_policy.loan_materials):
        data[f"material_{i}"] = png(f"m{i}.png")
    return {**data, **overrides}


def test_the_apply_page_shows_the_quote_before_anything_is_typed(client, depositor, policy):
    client.force_login(depositor)
    page = client.get(reverse("loans:apply"))
    html = page.content.decode()
    # 张伟: 46,080.00 × 15 = 691,200; the ceiling for one depositor 600,000 binds.
    assert page.context["quote"].amount == Decimal("600000") and page.context["quote"].binding == "中心最高额度"
    assert "账户余额 46,080.00 元 × 15 倍" in html and "单方缴存最高 600,000 元" in html
    assert "提交申请" in html


def test_a_depositor_applies_with_a_co_borrower_who_confirms_by_sms(client, depositor, other_depositor, policy):
    spouse = other_depositor.account
    client.force_login(depositor)
    co = {"co_name": spouse.name, "co_id_number": spouse.id_number}
    sent = client.post(reverse("loans:apply"), _form(policy, action="send_code", **co))
    assert "验证码已发送" in sent.content.decode() and sent.context["co_account"] == spouse
    code = re.search(r"\d{6}", SmsOutbox.objects.filter(phone=spouse.phone).latest("created_at").text).group()
    wrong = client.post(reverse("loans:apply"), _form(policy, action="submit", co_code="000000", **co))
    assert "短信验证码错误" in wrong.content.decode() and not LoanApplication.objects.exists()
    done = client.post(reverse("loans:apply"), _form(policy, action="submit", co_code=code, **co))
    application = LoanApplication.objects.get()
    assert done.status_code == 302 and done.url == reverse("loans:application", args=[application.public_id])
    assert application.co_account == spouse and application.co_confirmed_at is not None
    assert application.materials.count() == len(policy.loan_materials)
    assert application.quote["binding"] and SigningSlot.objects.get().booked == 1
    assert list(application.changes.values_list("to_status", flat=True)) == ["submitted"]
    # 我发起的 lists it; the home page says it is being handled.
    mine = client.get(reverse("hall:mine")).content.decode()
    assert application.number in mine and "待受理" in mine
    assert "贷款申请" in client.get(reverse("home")).content.decode()


def test_bad_input_changes_nothing_and_keeps_what_was_typed(client, depositor, policy):
    client.force_login(depositor)
    page = client.post(reverse("loans:apply"), _form(policy, action="submit", amount="900000", payee_account="12ab"))
    html = page.content.decode()
    assert "收款账号应为8至19位数字" in html and "沈阳市和平区示例路1号1-2-301" in html
    assert not LoanApplication.objects.exists()
    over = client.post(reverse("loans:apply"), _form(policy, action="submit", amount="650000"))
    assert "贷款金额不能超过可贷额度 600,000 元" in over.content.decode()
    assert not LoanApplication.objects.exists()


def test_a_second_application_while_one_is_open_is_refused(client, depositor, policy):
    submitted_loan(depositor)
    client.force_login(depositor)
    page = client.get(reverse("loans:apply")).content.decode()
    assert "正在办理的贷款申请" in page
    with pytest.raises(LoanError, match="正在办理的贷款申请"):
        submitted_loan(depositor)
    assert LoanApplication.objects.count() == 1


def test_the_whole_way_to_disbursement_each_step_by_its_own_person(
    client, depositor, policy, loan_acceptor, loan_approver, loan_clerk, releaser
):
    application = submitted_loan(depositor)
    act = reverse("admin:loans_application_act", args=[application.pk])
    client.force_login(loan_acceptor)
    assert client.get(reverse("admin:loans_loanapplication_change", args=[application.pk])).status_code == 200
    client.post(act, {"action": "accept", "opinion": "材料齐全"})
    client.post(act, {"action": "approve", "opinion": "x"})  # not this person's step: nothing moves
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    client.force_login(loan_approver)
    client.post(act, {"action": "approve", "amount": "450000", "years": "20", "opinion": "核减至45万元"})
    client.force_login(loan_clerk)
    client.post(act, {"action": "sign", "contract_no": "2101DK20260001", "on": timezone.localdate().isoformat()})
    contract = LoanContract.objects.get(contract_no="2101DK20260001")
    assert contract.status == LoanStatus.APPLYING and contract.amount == Decimal("450000.00")
    client.force_login(depositor)
    progress = client.get(reverse("loans:progress")).content.decode()
    assert "此合同【2101DK20260001】的贷款未发放" in progress
    client.force_login(loan_clerk)
    client.post(act, {"action": "mortgage", "certificate": "辽(2026)沈阳市不动产证明第0012345号"})
    client.force_login(releaser)
    with_callbacks = client.post(act, {"action": "release"})
    assert with_callbacks.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RELEASED

    applications.loan_disburse_execute(
        application_id=application.pk, gateway=SandboxBankGateway(failure_rate=0, timeout_rate=0)
    )
    applications.loan_disburse_execute(application_id=application.pk)  # a duplicate delivery: nothing more
    application.refresh_from_db()
    contract.refresh_from_db()
    assert application.status == ApplicationStatus.DISBURSED and application.bank_reference.startswith("SBX")
    transfer = SandboxTransfer.objects.get()
    assert transfer.amount == Decimal("450000.00") and transfer.card_number == PAYEE["payee_account"]
    assert contract.status == LoanStatus.DISBURSED and contract.principal_balance == Decimal("450000.00")
    assert contract.schedule.count() == 240 and contract.first_due_on.month != timezone.localdate().month
    assert contract.annual_rate == Decimal("0.02600")
    assert [c.to_status for c in application.changes.order_by("at", "pk")] == [
        "submitted", "accepted", "approved", "signed", "mortgaged", "released", "disbursed",
    ]  # fmt: skip
    actors = [c.actor for c in application.changes.order_by("at", "pk")]
    assert actors[1:6] == [loan_acceptor, loan_approver, loan_clerk, loan_clerk, releaser]
    assert all(n["state"] == "done" and n["at"] for n in application_nodes(application))
    client.force_login(releaser)  # the workbench's re-run does not count the application's own contract
    bench = client.get(reverse("admin:loans_loanapplication_change", args=[application.pk])).content.decode()
    assert "符合贷款条件" in bench and "未结清的住房公积金贷款" not in bench
    assert Message.objects.filter(recipient=depositor, business="住房公积金贷款").count() == 7
    client.force_login(depositor)
    plan = client.get(reverse("loans:plan") + "?contract=2101DK20260001").content.decode()
    assert "还款计划" in plan
    pdf = client.get(reverse("loans:application_contract", args=[application.public_id]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_the_approver_must_differ_from_the_acceptor_and_the_releaser_from_both(
    depositor, policy, loan_acceptor, loan_approver, loan_clerk
):
    application = submitted_loan(depositor)
    applications.loan_accept(application_id=application.pk, staff=loan_acceptor)
    with pytest.raises(LoanError, match="受理人以外"):
        applications.loan_approve(application_id=application.pk, staff=loan_acceptor)
    applications.loan_approve(application_id=application.pk, staff=loan_approver)
    applications.loan_contract_sign(
        application_id=application.pk, staff=loan_clerk, contract_no="C-1", signed_on=timezone.localdate()
    )
    applications.loan_mortgage_record(
        application_id=application.pk, staff=loan_clerk, on=timezone.localdate(), certificate="X1"
    )
    with pytest.raises(LoanError, match="受理人、审批人以外"):
        applications.loan_release(application_id=application.pk, staff=loan_approver)
    assert LoanApplication.objects.get(pk=application.pk).status == ApplicationStatus.MORTGAGED


def test_materials_requested_then_added_by_the_depositor(client, depositor, policy, loan_acceptor):
    application = submitted_loan(depositor)
    applications.loan_materials_request(
        application_id=application.pk, staff=loan_acceptor, reason="收入证明缺少单位盖章"
    )
    client.force_login(depositor)
    url = reverse("loans:application", args=[application.public_id])
    page = client.get(url).content.decode()
    assert "补充材料" in page and "收入证明缺少单位盖章" in page
    client.post(url, {"action": "materials", "kind": "收入证明", "files": [png("income.png")]})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.materials.count() == 6
    assert [c.to_status for c in application.changes.order_by("at", "pk")] == ["submitted", "materials", "submitted"]


def test_rejection_says_why_and_frees_the_signing_slot(client, depositor, policy, loan_acceptor):
    application = submitted_loan(depositor)
    with pytest.raises(LoanError, match="写明原因"):
        applications.loan_reject(application_id=application.pk, staff=loan_acceptor, reason=" ")
    applications.loan_reject(application_id=application.pk, staff=loan_acceptor, reason="购房合同未网签备案")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED and SigningSlot.objects.get().booked == 0
    client.force_login(depositor)
    assert (
        "购房合同未网签备案" in client.get(reverse("loans:application", args=[application.public_id])).content.decode()
    )
    submitted_loan(depositor)  # a new one may be made


def test_withdrawn_before_acceptance_not_after(client, depositor, policy, loan_acceptor):
    application = submitted_loan(depositor)
    client.force_login(depositor)
    url = reverse("loans:application", args=[application.public_id])
    client.post(url, {"action": "withdraw"})
    assert LoanApplication.objects.get(pk=application.pk).status == ApplicationStatus.WITHDRAWN
    second = submitted_loan(depositor)
    applications.loan_accept(application_id=second.pk, staff=loan_acceptor)
    page = client.post(reverse("loans:application", args=[second.public_id]), {"action": "withdraw"}, follow=True)
    assert "申请已受理，不能撤回" in page.content.decode()
    assert LoanApplication.objects.get(pk=second.pk).status == ApplicationStatus.ACCEPTED


def test_another_persons_application_is_404(client, depositor, other_depositor, policy):
    application = submitted_loan(depositor)
    client.force_login(other_depositor)
    for name in ("loans:application", "loans:application_contract"):
        assert client.get(reverse(name, args=[application.public_id])).status_code == 404
    material = application.materials.first()
    assert client.get(reverse("loans:material_file", args=[material.public_id])).status_code == 404
    assert (
        client.post(reverse("loans:application", args=[application.public_id]), {"action": "withdraw"}).status_code
        == 404
    )


def test_a_refused_disbursement_fails_then_pays_once_when_released_again(
    depositor, policy, loan_acceptor, loan_approver, loan_clerk, releaser
):
    application = through_mortgage(
        submitted_loan(depositor, payee_account="6217000010000000"), loan_acceptor, loan_approver, loan_clerk
    )
    applications.loan_release(application_id=application.pk, staff=releaser)
    applications.loan_disburse_execute(
        application_id=application.pk, gateway=SandboxBankGateway(failure_rate=0, timeout_rate=0)
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.FAILED and "收款账户状态异常" in application.failure
    assert application.contract.status == LoanStatus.APPLYING  # nothing was lent
    LoanApplication.objects.filter(pk=application.pk).update(payee_account="21050110123456789")  # corrected by staff
    applications.loan_release(application_id=application.pk, staff=releaser)
    applications.loan_disburse_execute(
        application_id=application.pk, gateway=SandboxBankGateway(failure_rate=0, timeout_rate=0)
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DISBURSED
    assert SandboxTransfer.objects.filter(accepted=True).count() == 1 and SandboxTransfer.objects.count() == 2


def test_a_claim_left_by_a_dead_worker_is_settled_by_the_sweep_once(
    depositor, policy, loan_acceptor, loan_approver, loan_clerk, releaser
):
    application = through_mortgage(submitted_loan(depositor), loan_acceptor, loan_approver, loan_clerk)
    applications.loan_release(application_id=application.pk, staff=releaser)
    bank = SandboxBankGateway(failure_rate=0, timeout_rate=0)
    # The worker claimed it and the bank paid, then the worker died before recording the answer.
    LoanApplication.objects.filter(pk=application.pk).update(disbursing_at=timezone.now())
    application.refresh_from_db()
    bank.transfer(idempotency_key=application.disburse_key, amount=application.loan_amount, bank="建设银行",
                  card_number=application.payee_account, payee_name=application.payee_name)  # fmt: skip
    assert applications.loan_disburse_sweep(gateway=bank) == 0  # not stale yet
    later = timezone.now() + timezone.timedelta(seconds=120)
    LoanApplication.objects.filter(pk=application.pk).update(
        updated_at=timezone.now() - timezone.timedelta(seconds=120)
    )
    assert applications.loan_disburse_sweep(now=later, gateway=bank) == 1
    assert applications.loan_disburse_sweep(now=later, gateway=bank) == 0
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DISBURSED
    transfer = SandboxTransfer.objects.get()
    assert transfer.times_requested == 2  # asked again with the same key: answered, not paid again


def test_a_co_borrower_of_an_open_application_cannot_borrow_at_the_same_time(depositor, other_depositor, policy):
    spouse = other_depositor.account
    submitted_loan(depositor)
    LoanApplication.objects.update(co_account=spouse, co_name=spouse.name, co_id_number=spouse.id_number)
    with pytest.raises(LoanError, match="正在办理的贷款申请"):
        submitted_loan(other_depositor)


def test_only_a_normal_account_with_enough_months_may_apply(client, policy):
    account = PersonalAccountFactory()
    deposit_history(account, months=3, today=timezone.localdate())
    client.force_login(account.user)
    page = client.get(reverse("loans:apply")).content.decode()
    assert "连续足额缴存满 6 个月" in page and "提交申请" not in page


def test_staff_ask_for_materials_and_reject_through_the_workbench(client, depositor, policy, loan_acceptor):
    application = submitted_loan(depositor)
    act = reverse("admin:loans_application_act", args=[application.pk])
    client.force_login(loan_acceptor)
    queue = client.get(reverse("admin:loans_loanapplication_changelist"), follow=True).content.decode()
    assert application.number in queue  # opens on 待受理, this person's step
    empty = client.post(act, {"action": "materials", "opinion": ""}).content.decode()
    assert "请写明需要补充的材料" in empty
    assert LoanApplication.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED
    client.post(act, {"action": "materials", "opinion": "请补充首付款证明（银行回单）"})
    assert LoanApplication.objects.get(pk=application.pk).status == ApplicationStatus.MATERIALS_REQUESTED
    client.force_login(depositor)
    page = client.get(reverse("loans:application", args=[application.public_id])).content.decode()
    assert "请补充首付款证明（银行回单）" in page and "待补件" in page
    client.post(
        reverse("loans:application", args=[application.public_id]),
        {"action": "materials", "kind": "首付款证明", "files": [png("receipt.png")]},
    )
    client.force_login(loan_acceptor)
    refused = client.post(act, {"action": "reject", "opinion": ""}).content.decode()
    assert "须写明原因" in refused
    client.post(act, {"action": "reject", "opinion": "首付款未达到首套最低比例"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED and application.opinion == "首付款未达到首套最低比例"
    assert [c.to_status for c in application.changes.order_by("at", "pk")] == [
        "submitted", "materials", "submitted", "rejected",
    ]  # fmt: skip
    assert Message.objects.filter(recipient=depositor, title="贷款申请审批不通过").exists()


def test_the_calendar_is_read_once_for_the_signing_days_and_once_for_the_queue(
    client, depositor, other_depositor, policy, loan_acceptor
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def calendar_reads(url):
        with CaptureQueriesContext(connection) as seen:
            assert client.get(url).status_code == 200
        return sum("policy_calendarday" in q["sql"] for q in seen.captured_queries)

    client.force_login(depositor)
    assert calendar_reads(reverse("loans:apply")) == 1  # ten 面签 days offered, one read
    submitted_loan(depositor)
    submitted_loan(other_depositor, amount=Decimal("300000"))
    client.force_login(loan_acceptor)
    assert calendar_reads(reverse("admin:loans_loanapplication_changelist") + "?queue=accept") == 1
