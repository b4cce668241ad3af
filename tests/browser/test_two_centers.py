"""跨省通办 between two real portals (two databases, two ports, a worker each; tests/browser/two_centers.py):
a 转移接续 transfer-in and a 两地联办 rent withdrawal, end to end, done by the people who do them — the
depositor online, the old center's 专窗 in admin, the acceptance center's 专窗 in admin, the home center's
reviewer and releaser on their workbench — with one lost message (the partner is down when it is sent),
one duplicated message (an operator resends one that was delivered) and one forged signature. At the end
both centers' `reconcile` is clean and the money moved exactly once."""

import base64
import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from tests.processes import wait_for

from .test_staff import staff_login
from .two_centers import database_drop, two_centers_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZHANG_WEI = "210102199001011237"
LI_XIULAN = "210103196503150029"


@pytest.fixture
def centers(tmp_path, production_static, tls_certificate):
    a, b = two_centers_start(tmp_path, production_static, tls_certificate)
    yield a, b
    for center in (a, b):
        center.stop()
    for center in (a, b):
        database_drop(center.database)


def _page(browser, shots, center, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", ignore_https_errors=True,
                                  accept_downloads=True)  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(30000)
    page.base_url = center.url
    page.shot = lambda name: shots(page, f"two-centers-{name}", width)
    return page


def _depositor_login(page, identifier):
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("身份证号/手机号").fill(identifier)
    page.get_by_label("用户密码").fill("demo1234")
    page.locator("input[name=captcha_1]").fill("PASSED")
    page.get_by_role("button", name="立即登录").click()
    page.get_by_text("账户余额（元）").wait_for()


def _admin_login(page, username, password):
    page.goto(page.base_url + "/admin/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.locator("#user-tools").wait_for()


def _forged_funds(a, b, letter: str) -> requests.Response:
    """What an attacker who knows the protocol but not B's key would send to A: B's name, a fresh id,
    a current timestamp, a letter that exists, ten times the money."""
    body = json.dumps({
        "id": str(uuid.uuid4()), "sender": b.code, "receiver": a.code, "sent_at": datetime.now(UTC).isoformat(),
        "kind": "transfer.funds", "case_number": letter,
        "payload": {"letter_number": letter, "principal": "99999.00", "interest": "0.00", "total": "99999.00"},
    }).encode()  # fmt: skip
    signature = base64.b64encode(Ed25519PrivateKey.generate().sign(body)).decode()
    return requests.post(a.url + "/interop/messages/", data=body, verify=str(a.certificate[0]), timeout=20,
                         headers={"Content-Type": "application/json", "X-GJJ-Sender": b.code,
                                  "X-GJJ-Signature": signature})  # fmt: skip


def test_transfer_in_and_joint_rent_withdrawal_between_two_centers(centers, browser, shots, tmp_path):
    a, b = centers  # A 辽宁省直: the new center and the acceptance center. B 柳州: the old and the home center.

    # --- 转移接续: 张伟 moves his 柳州 money to 辽宁省直 ---------------------------------------------------
    b_balance = b.value("select balance from deposits_personalaccount where id_number=%s", [ZHANG_WEI])
    a_balance = a.value("select balance from deposits_personalaccount where id_number=%s", [ZHANG_WEI])
    b.stop_web()  # the lost message: B is down when A sends the 联系函
    phone = _page(browser, shots, a, 375)
    _depositor_login(phone, ZHANG_WEI)
    phone.get_by_test_id("menu-button").click()
    phone.get_by_role("link", name="转移接续").click()
    phone.get_by_label("转出地中心").select_option(label=f"{b.name}（{b.code}）")
    phone.get_by_label("本人确认申请将原缴存地住房公积金转入本中心账户，转出后原账户销户。").check()
    phone.shot("transfer-form")
    phone.get_by_role("button", name="提交申请").click()
    phone.get_by_test_id("transfer-status").wait_for()
    assert phone.get_by_test_id("transfer-status").inner_text() == "01 联系函复核通过"
    letter = a.value("select letter_number from crosscenter_transfercase")
    assert letter.startswith(a.code) and len(letter) == 16
    wait_for(lambda: (a.value("select attempts from crosscenter_outboxmessage where kind='transfer.letter'") or 0) >= 1,
             timeout=60, what="A's first attempt to reach B")  # fmt: skip
    assert "连接失败" in a.value("select last_error from crosscenter_outboxmessage where kind='transfer.letter'")
    b.start_web()
    wait_for(lambda: a.value("select status from crosscenter_transfercase") == "02", timeout=90, what="02 at A")
    phone.reload()
    assert phone.get_by_test_id("transfer-status").inner_text() == "02 联系函确认接收"
    phone.shot("transfer-received")

    clerk = _page(browser, shots, b, 1280)  # B's 专窗 reviews the transfer-out in admin
    _admin_login(clerk, "window", "window1234")
    clerk.get_by_role("link", name="转移接续（跨省通办）").first.click()
    clerk.get_by_role("link", name=letter).click()
    clerk.get_by_test_id("review-out").wait_for()
    clerk.shot("transfer-out-review")
    clerk.get_by_role("button", name="审核转出").click()
    clerk.get_by_text("已审核转出。").wait_for()
    wait_for(lambda: b.value("select status from crosscenter_transfercase") == "00", timeout=90, what="00 at B")
    assert a.value("select status from crosscenter_transfercase") == "00"
    clerk.reload()
    assert clerk.get_by_test_id("case-status").inner_text() == "00 正常办结"
    clerk.shot("transfer-out-done")
    total = a.value("select total from crosscenter_transfercase")
    assert total >= b_balance  # the balance and the interest to date
    assert b.value("select status from deposits_personalaccount where id_number=%s", [ZHANG_WEI]) == "transferred_out"
    assert b.value("select balance from deposits_personalaccount where id_number=%s", [ZHANG_WEI]) == 0
    phone.reload()
    assert phone.get_by_test_id("transfer-status").inner_text() == "00 正常办结"
    phone.shot("transfer-done")

    # The duplicated message: B's operator resends the money message; A answers "already done".
    funds_id = b.value("select message_id from crosscenter_outboxmessage where kind='transfer.funds'")
    assert "delivered 1" in b.manage("resend_message", str(funds_id))
    assert a.value("select repeats from crosscenter_inboxmessage where message_id=%s", [funds_id]) == 1
    # The forged signature: refused, nothing recorded, nothing credited.
    forged = _forged_funds(a, b, letter)
    assert forged.status_code == 403, forged.text
    credits = a.query("select amount from deposits_ledgerentry where kind='transfer_in'")
    assert credits == [(total,)]
    assert a.value("select balance from deposits_personalaccount where id_number=%s", [ZHANG_WEI]) == a_balance + total
    assert b.query("select amount from deposits_ledgerentry where kind='transfer_out'") == [(-total,)]

    # --- 两地联办: 李秀兰 (a 柳州 depositor) applies for rent at 辽宁省直's window ---------------------------
    scan = tmp_path / "rental-contract.png"
    Image.new("RGB", (600, 800), "white").save(scan)
    window = _page(browser, shots, a, 1280)
    _admin_login(window, "window", "window1234")
    window.get_by_role("link", name="两地联办提取（跨省通办）").first.click()
    window.get_by_role("link", name="增加").first.click()
    form = window.get_by_test_id("joint-register")
    form.get_by_label("属地中心（缴存地）").select_option(label=f"{b.name}（{b.code}）")
    form.get_by_label("办理事项").select_option(label="租房提取")
    form.get_by_label("申请人姓名").fill("李秀兰")
    form.get_by_label("身份证号").fill(LI_XIULAN)
    form.get_by_label("已核验申请人身份证原件，与本人一致").check()
    form.get_by_label("联系电话").fill("13800000002")
    form.get_by_label("申请提取金额（元）").fill("3000.00")
    form.get_by_label("收款银行").fill("工商银行")
    form.get_by_label("银行卡号码（本人Ⅰ类卡）").fill("6222020200001234560")
    form.get_by_label("租房地区").fill("沈阳市")
    form.get_by_label("租房地址").fill("沈阳市和平区示例路1号")
    year = datetime.now().year  # noqa: DTZ005 — the portals' local year is what their rule checks
    form.get_by_label("租房年度").fill(str(year))
    form.get_by_label("起始月份").fill("1")
    form.get_by_label("截止月份").fill("3")
    form.get_by_label("月租金（元）").fill("1000")
    form.locator("input[type=file]").set_input_files(str(scan))
    window.shot("joint-register")
    window.get_by_role("button", name="受理").click()
    window.get_by_text("已受理，受理编号").wait_for()
    number = a.value("select number from crosscenter_jointcase")
    with window.expect_download() as download:
        window.get_by_role("link", name="打印受理回执").click()
    receipt = download.value.path().read_bytes()
    assert receipt.startswith(b"%PDF-")
    window.shot("joint-registered")
    window.get_by_role("button", name="发送至属地中心").click()
    window.get_by_text("已提交发送至属地中心").wait_for()  # sent when the partner acknowledges, not before
    wait_for(lambda: a.value("select status from crosscenter_jointcase") == "received", timeout=90, what="received")
    application = b.value("select number from withdrawals_withdrawalapplication where channel='joint'")
    assert b.value("select count(*) from withdrawals_material m join withdrawals_withdrawalapplication w "
                   "on w.id = m.application_id where w.number=%s", [application]) == 1  # fmt: skip

    reviewer = _page(browser, shots, b, 1280)  # the home center reviews it like any application of its own
    staff_login(reviewer, "reviewer", "review1234")
    reviewer.get_by_role("link", name="提取申请").first.click()
    reviewer.get_by_role("link", name=application).click()
    reviewer.get_by_test_id("workbench").wait_for()
    reviewer.shot("joint-home-workbench")
    reviewer.get_by_role("radio", name="审核通过").check()
    reviewer.get_by_label("审批意见（不通过或要求补件时必填，申请人可见）").fill("租房合同齐全，同意提取")
    reviewer.get_by_role("button", name="提交审核结论").click()
    reviewer.get_by_text(f"申请{application}：审核通过。").wait_for()
    releaser = _page(browser, shots, b, 1280)
    staff_login(releaser, "releaser", "release1234")
    releaser.goto(reviewer.url.split("/admin/")[0] + "/admin/withdrawals/withdrawalapplication/")
    releaser.get_by_role("link", name=application).click()
    releaser.get_by_role("button", name="复核放款").click()
    releaser.get_by_text("已复核放款，付款已提交银行。").wait_for()
    wait_for(lambda: a.value("select status from crosscenter_jointcase") == "paid", timeout=120, what="paid at A")
    assert b.value("select status from crosscenter_jointcase") == "paid"
    card = "6222020200001234560"
    paid = "select kind, amount, times_requested from gjj_portal_sandboxtransfer where card_number=%s"
    assert b.query(paid, [card]) == [("payout", Decimal("3000.00"), 1)]  # one transfer, asked once
    taken = b.query(
        "select amount from deposits_ledgerentry e join deposits_personalaccount p on p.id = e.account_id "
        "where p.id_number=%s and e.kind='partial_withdrawal'",
        [LI_XIULAN],
    )
    assert taken == [(Decimal("-3000.00"),)]
    assert a.query(paid, [card]) == []  # the acceptance center moves no money

    person = _page(browser, shots, a, 375)  # 李秀兰 also has an account at A: the case is on her 我发起的
    _depositor_login(person, LI_XIULAN)
    person.goto(a.url + "/withdrawals/mine/")
    person.get_by_role("link", name=f"租房提取（两地联办，受理编号 {number}）").click()
    assert person.get_by_test_id("joint-status").inner_text() == "已办结（资金已到账）"
    person.shot("joint-paid")
    window.reload()
    with window.expect_download() as download:
        window.get_by_role("link", name="打印办理回执").click()
    assert download.value.path().read_bytes().startswith(b"%PDF-")

    for center in (a, b):
        out = center.manage("reconcile")
        assert "no mismatch" in out, out
    assert "0 joint cases, 0 transfer cases overdue; 0 messages stuck" in a.manage("stuck_cases")
