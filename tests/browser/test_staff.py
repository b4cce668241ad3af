"""Staff do their whole job by clicking, in Chromium, on the production build (gunicorn, DEBUG off,
manifest static files, TLS) with a real Celery worker paying through the sandbox bank.

The staff browser asks for English (`en-US`): every admin page they see must still be Chinese."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image

from deposits.models import Employer, EntryKind, LedgerEntry, PersonalAccount
from gjj_portal.models import SandboxTransfer
from tests.english import english_in
from tests.factories import PersonalAccountFactory, deposit_history
from tests.processes import wait_for
from tests.withdrawals.helpers import submitted_rent
from withdrawals.models import Payout, Status, WithdrawalApplication

from .test_rent_withdrawal import fill_rent_form, login_as

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def staff_login(page, username, password):
    page.goto(page.base_url + "/admin/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="提取申请").first.wait_for()
    assert not english_in(page.content()), "admin index"


def open_from_queue(page, application, shot):
    """提取申请 opens on this person's own queue; the application's number opens its workbench."""
    page.get_by_role("link", name="提取申请").first.click()
    page.get_by_role("link", name=application.number).click()
    page.get_by_test_id("workbench").wait_for()
    page.shot(shot)
    assert not english_in(page.content()), shot


def decide(page, decision, opinion):
    page.get_by_role("radio", name=decision).check()
    page.get_by_label("审批意见（不通过或要求补件时必填，申请人可见）").fill(opinion)
    page.get_by_role("button", name="提交审核结论").click()


def depositor_applies(page, shot_prefix):
    login_as(page, "210102199001011237")
    fill_rent_form(page, "沈阳市")
    page.get_by_role("button", name="提交申请").click()
    page.get_by_text("提交成功").wait_for()
    page.shot(f"{shot_prefix}-submitted")
    return WithdrawalApplication.objects.get(account__name="张伟", status=Status.SUBMITTED)


def depositor_sees_status(page, application, status):
    page.goto(page.base_url + "/withdrawals/mine/")
    page.locator("tr", has_text=application.number).get_by_role("link", name="查看").click()
    page.get_by_test_id("status").wait_for()
    assert page.get_by_test_id("status").inner_text() == status


@pytest.mark.parametrize("width", [375, 1280], ids=["phone", "pc"])
def test_approve_release_and_pay_by_clicking(open_page, worker, width):
    depositor = open_page(width=width, height=812 if width < 768 else 900)
    application = depositor_applies(depositor, "staff-approve")

    reviewer = open_page(locale="en-US")
    staff_login(reviewer, "reviewer", "review1234")
    open_from_queue(reviewer, application, "staff-workbench-review")
    checks = reviewer.get_by_test_id("checks").inner_text()
    assert "✓ 通过" in checks and "✗" not in checks and "3,600.00 元" in checks
    decide(reviewer, "审核通过", "材料齐全，同意提取")
    reviewer.get_by_text(f"申请{application.number}：审核通过。").wait_for()
    assert reviewer.get_by_role("link", name=application.number).count() == 0, "it left the review queue"

    releaser = open_page(locale="en-US")
    staff_login(releaser, "releaser", "release1234")
    open_from_queue(releaser, application, "staff-workbench-release")
    releaser.get_by_role("button", name="复核放款").click()
    releaser.get_by_text("已复核放款，付款已提交银行。").wait_for()
    wait_for(lambda: Payout.objects.get(application=application).status == Payout.State.PAID, what="the payout")
    releaser.reload()
    assert "已到账" in releaser.get_by_test_id("status").inner_text()
    releaser.shot("staff-paid")

    depositor_sees_status(depositor, application, "已到账")
    depositor.shot("staff-depositor-paid")

    # The payout's own history, as finance reads it in admin: every move, who released it, and why.
    releaser.goto(releaser.base_url + "/admin/withdrawals/payout/")
    headers = [h.strip() for h in releaser.locator("#result_list thead th").all_inner_texts() if h.strip()]
    assert headers and all(re.search(r"[\u4e00-\u9fff]", h) for h in headers), headers  # every column in Chinese
    releaser.locator("#result_list tbody th a, #result_list tbody td a").first.click()
    history = releaser.locator(".inline-group", has_text="付款状态变更")
    history.wait_for()
    rows = [" ".join(r.split()) for r in history.locator("tbody tr").all_inner_texts() if r.strip()]
    assert len(rows) == 4, rows
    assert "待复核放款" in rows[0] and "审核通过" in rows[0]
    assert "复核放款" in rows[1] and "releaser" in rows[1]
    assert "付款中" in rows[2] and "已到账" in rows[3]
    releaser.shot("staff-payout-history")
    assert not english_in(releaser.content()), "payout history"
    assert LedgerEntry.objects.filter(kind=EntryKind.PARTIAL_WITHDRAWAL, reference=application.number).count() == 1
    assert PersonalAccount.objects.get(name="张伟").balance == Decimal("46080.00") - Decimal("3600.00")


def test_materials_requested_then_rejected_by_clicking(open_page, tmp_path):
    depositor = open_page(width=375, height=812)
    application = depositor_applies(depositor, "staff-materials")

    reviewer = open_page(locale="en-US")
    staff_login(reviewer, "reviewer", "review1234")
    open_from_queue(reviewer, application, "staff-workbench-materials")
    decide(reviewer, "要求补件", "请补充上传房屋租赁合同")
    reviewer.get_by_text(f"申请{application.number}：要求补件。").wait_for()

    # The request stands on the depositor's home page in the reviewer's words, not as a bare number.
    depositor.locator("a.gjj-brand").click()  # the center's name and logo lead home
    todo = depositor.get_by_test_id("home-todo")
    assert "中心要求补充材料：请补充上传房屋租赁合同" in todo.inner_text()
    depositor.shot("staff-home-todo")
    depositor_sees_status(depositor, application, "待补件")
    depositor.get_by_role("link", name="上传材料").click()
    assert "中心要求补充材料：请补充上传房屋租赁合同" in depositor.get_by_test_id("materials-asked").inner_text()
    assert "租房合同" in depositor.get_by_test_id("materials-hint").inner_text()
    depositor.shot("staff-materials-asked")
    picture = tmp_path / "租赁合同.jpg"
    Image.new("RGB", (300, 200), "white").save(picture, format="JPEG")
    depositor.get_by_label("中心要求补充的材料：本地上传").set_input_files(str(picture))
    depositor.get_by_text("租赁合同.jpg").wait_for()
    depositor.get_by_role("button", name="确定").click()
    depositor.get_by_text("提交成功").wait_for()

    # Back in the reviewer's queue, with the new material on the workbench.
    reviewer.goto(reviewer.base_url + "/admin/")
    open_from_queue(reviewer, application, "staff-workbench-resubmitted")
    assert reviewer.get_by_test_id("materials").get_by_role("img", name="租赁合同.jpg").is_visible()
    decide(reviewer, "审核不通过", "")  # the reason is required: refused, nothing changes
    reviewer.get_by_text("审核不通过时必须填写审批意见（不通过原因）。").wait_for()
    assert WithdrawalApplication.objects.get(pk=application.pk).status == Status.SUBMITTED
    decide(reviewer, "审核不通过", "租赁合同与申请信息不符")
    reviewer.get_by_text(f"申请{application.number}：审核不通过。").wait_for()

    depositor_sees_status(depositor, application, "审核不通过")
    assert "租赁合同与申请信息不符" in depositor.content()
    depositor.shot("staff-depositor-rejected")
    assert not LedgerEntry.objects.filter(kind=EntryKind.PARTIAL_WITHDRAWAL).exists()


def test_approver_cannot_release_and_a_refused_payout_returns_the_money(open_page, worker):
    from tests.withdrawals.helpers import submitted_rent

    zhang = PersonalAccount.objects.get(name="张伟")
    application = submitted_rent(zhang.user, card_number="6217000010000000")  # the sandbox bank refuses it

    operator = open_page(locale="en-US")  # may review and release, but never both for one application
    staff_login(operator, "operator", "operator1234")
    operator.goto(operator.base_url + f"/admin/withdrawals/withdrawalapplication/{application.pk}/change/")
    decide(operator, "审核通过", "同意")
    operator.get_by_text(f"申请{application.number}：审核通过。").wait_for()
    operator.goto(operator.base_url + f"/admin/withdrawals/withdrawalapplication/{application.pk}/change/")
    operator.get_by_role("button", name="复核放款").click()
    operator.get_by_text("审核人不能复核放款自己审核通过的申请").wait_for()
    operator.shot("staff-self-release-refused")
    assert Payout.objects.get(application=application).status == Payout.State.HELD

    releaser = open_page(locale="en-US")
    staff_login(releaser, "releaser", "release1234")
    open_from_queue(releaser, application, "staff-workbench-refused-card")
    releaser.get_by_role("button", name="复核放款").click()
    releaser.get_by_text("已复核放款，付款已提交银行。").wait_for()
    wait_for(lambda: Payout.objects.get(application=application).status == Payout.State.FAILED, what="the refusal")
    releaser.reload()
    assert "付款失败" in releaser.get_by_test_id("status").inner_text()
    assert "户名与卡号不符" in releaser.get_by_test_id("payout-state").inner_text()
    releaser.shot("staff-payout-failed")
    zhang.refresh_from_db()
    assert zhang.balance == Decimal("46080.00")
    assert LedgerEntry.objects.filter(kind=EntryKind.WITHDRAWAL_REVERSAL).count() == 1


def test_bulk_approve_and_release_by_clicking(open_page, worker):
    """A queue's worth at once: the reviewer approves the selected applications, a second person
    releases them with the admin action, and the worker pays them as one batch, each once."""
    applications, employer = [], Employer.objects.order_by("pk").first()  # the demo's (a factory's number would clash)
    for i in range(3):
        account = PersonalAccountFactory(employer=employer, grzh=f"2109{i:08d}")
        deposit_history(account, months=24, today=timezone.localdate())
        applications.append(submitted_rent(account.user))
    numbers = [a.number for a in applications]

    def run_action(page, label, done):
        page.get_by_role("link", name="提取申请").first.click()
        for number in numbers:
            page.locator("tr", has_text=number).get_by_role("checkbox").check()
        page.get_by_role("combobox", name="动作").select_option(label=label)
        page.get_by_role("button", name="执行").click()
        page.get_by_text(done).wait_for()

    reviewer = open_page(locale="en-US")
    staff_login(reviewer, "reviewer", "review1234")
    run_action(reviewer, "审核通过所选申请", "已审核通过3笔申请。")
    reviewer.shot("staff-bulk-approved")

    releaser = open_page(locale="en-US")
    staff_login(releaser, "releaser", "release1234")
    run_action(releaser, "复核放款所选申请", "已复核放款3笔申请。")
    wait_for(
        lambda: set(Payout.objects.filter(application__number__in=numbers).values_list("status", flat=True))
        == {Payout.State.PAID},
        what="the batch",
    )
    releaser.goto(releaser.base_url + "/admin/withdrawals/withdrawalapplication/?status__exact=paid")
    for number in numbers:
        releaser.locator("tr", has_text=number).wait_for()
    releaser.shot("staff-bulk-paid")
    assert not english_in(releaser.content()), "bulk release"
    for application in WithdrawalApplication.objects.filter(number__in=numbers):
        assert application.status == Status.PAID
        key = str(Payout.objects.get(application=application).idempotency_key)
        assert SandboxTransfer.objects.get(idempotency_key=key).times_requested == 1
        assert LedgerEntry.objects.filter(kind=EntryKind.PARTIAL_WITHDRAWAL, reference=application.number).count() == 1
