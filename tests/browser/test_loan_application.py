"""贷款申请 by clicking, on the production build (gunicorn, DEBUG off, manifest static files, TLS) with a real
Celery worker paying through the sandbox bank: 张伟 applies on a phone with a co-borrower who confirms by
SMS, four staff move it on in admin (the staff browser asks for English: every page stays Chinese), the
worker pays once, and 张伟 sees the contract, its schedule and every node dated."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from PIL import Image

from gjj_portal.models import SandboxTransfer
from loans.models import ApplicationStatus, LoanApplication, LoanStatus
from tests.english import english_in
from tests.processes import wait_for

from .a11y import audit, layout_problems, with_axe
from .nav import choose
from .test_rent_withdrawal import login_as

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ZHANG = "210102199001011237"
LI_XIULAN = ("李秀兰", "210103196503150029", "13800000002")  # deposits here: her balance and base count


def checked(page, where, problems):
    problems += audit(page, where) + layout_problems(page, where)


def staff_opens(open_page, username, password, number, problems):
    page = open_page(locale="en-US")
    with_axe(page.context)
    page.goto(page.base_url + "/admin/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="贷款申请").first.click()
    page.get_by_role("link", name=number).click()  # the queue opens on this person's own step
    page.get_by_test_id("loan-workbench").wait_for()
    assert not english_in(page.content()), f"workbench for {username}"
    problems += audit(page, f"workbench {username}")
    return page


def test_zhang_wei_applies_on_a_phone_and_four_staff_take_it_to_disbursement(open_page, worker, tmp_path):
    problems: list[str] = []
    zhang = open_page(width=375, height=812)
    with_axe(zhang.context)
    login_as(zhang, ZHANG)
    zhang.get_by_test_id("home-loans").get_by_role("link", name="贷款申请").click()
    quote = zhang.get_by_test_id("loan-quote")
    quote.wait_for()
    assert zhang.get_by_test_id("loan-quote-amount").inner_text() == "600,000.00"
    assert "中心最高额度（起决定作用）" in quote.inner_text() and "账户余额倍数" in quote.inner_text()
    zhang.shot("loan-quote")
    checked(zhang, "贷款申请", problems)

    zhang.get_by_label("房屋类型").select_option(label="新建商品房")
    zhang.get_by_label("购房合同编号").fill("SY2026-000123")
    zhang.get_by_label("房屋坐落").fill("沈阳市和平区示例路1号1-2-301")
    zhang.get_by_label("建筑面积（㎡）").fill("89.5")
    zhang.get_by_label("房屋总价（元）").fill("1200000")
    name, id_number, phone = LI_XIULAN
    zhang.get_by_label("共同借款人（配偶）姓名").fill(name)
    zhang.get_by_label("共同借款人身份证号").fill(id_number)
    zhang.get_by_label("申请贷款金额（元）").fill("500000")
    zhang.get_by_label("贷款期限（年）").fill("20")
    zhang.get_by_label("其他贷款月还款额（元）").fill("0")
    zhang.get_by_role("button", name="测算可贷额度").click()
    zhang.get_by_text("房价与首付比例").wait_for()
    assert "房价 1,200,000.00 元 ×（1 − 首套最低首付 20%）" in zhang.content()
    assert zhang.get_by_test_id("co-depositor").is_visible()  # found by name and ID: the couple's ceiling
    assert "夫妻双方均缴存最高 800,000 元" in zhang.content()
    zhang.get_by_role("button", name="发送验证码").click()
    zhang.get_by_text("验证码已发送").wait_for()
    texts = [text for to, text in cache.get("provider-sandbox-sms", []) if to == phone]
    code = re.search(r"\d{6}", texts[-1]).group()
    zhang.get_by_label("共同借款人短信验证码").fill(code)
    zhang.get_by_label("还款银行（受托银行）").select_option("建设银行")
    zhang.get_by_label("还款银行卡号").fill("6217000010000012345")
    zhang.get_by_label("收款人户名").fill("沈阳示例置业有限公司")
    zhang.get_by_label("收款账户开户行").fill("建设银行")
    zhang.get_by_label("收款账号").fill("21050110123456789")
    zhang.get_by_label("面签时段").select_option(label="上午（9:00–11:30）")
    scan = tmp_path / "scan.png"
    Image.new("RGB", (600, 400), (230, 230, 240)).save(scan)
    for kind in ("身份证", "婚姻状况证明", "购房合同", "首付款证明", "收入证明"):
        zhang.get_by_label(kind).and_(zhang.locator("input[type=file]")).set_input_files(str(scan))
    zhang.shot("loan-apply-filled")
    checked(zhang, "贷款申请（填写）", problems)
    zhang.get_by_role("button", name="提交申请").click()
    zhang.get_by_text("贷款申请已提交").wait_for()
    application = LoanApplication.objects.get(account__name="张伟")
    assert application.co_account.name == "李秀兰" and application.materials.count() == 5
    assert zhang.get_by_test_id("status").inner_text() == "待受理"
    zhang.shot("loan-application-submitted")
    checked(zhang, "贷款申请详情", problems)

    accept = staff_opens(open_page, "loanaccept", "loan1234", application.number, problems)
    accept.shot("loan-workbench-accept")
    accept.get_by_label("意见 / 原因").fill("材料齐全，予以受理")
    accept.get_by_role("button", name="受理", exact=True).click()
    accept.get_by_text(f"贷款申请{application.number}：已受理。").wait_for()

    approve = staff_opens(open_page, "loanapprove", "loan1234", application.number, problems)
    approve.get_by_label("核准金额（元）").fill("450000")
    approve.get_by_label("审批意见（不通过时必填）").fill("按房屋评估价核减")
    approve.get_by_role("button", name="审批通过").click()
    approve.get_by_text(f"贷款申请{application.number}：审批通过。").wait_for()

    clerk = staff_opens(open_page, "loanclerk", "loan1234", application.number, problems)
    clerk.get_by_label("借款合同编号").fill("JK2101202612030001")
    yesterday = timezone.localdate() - timedelta(days=1)
    choose(clerk, "签订日期", yesterday.isoformat())  # 年 / 月 / 日 lists in Chinese, today chosen at first
    clerk.get_by_role("button", name="登记签订合同").click()
    clerk.get_by_text("已登记签订借款合同").wait_for()
    assert LoanApplication.objects.get(pk=application.pk).signed_on == yesterday
    zhang.goto(zhang.base_url + "/loans/progress/")
    zhang.get_by_text("此合同【JK2101202612030001】的贷款未发放").wait_for()
    clerk.get_by_role("link", name=application.number).click()
    clerk.get_by_label("不动产登记证明号").fill("辽(2026)沈阳市不动产证明第0012345号")
    clerk.get_by_role("button", name="登记抵押").click()
    clerk.get_by_text("已登记抵押").wait_for()

    releaser = staff_opens(open_page, "releaser", "release1234", application.number, problems)
    releaser.shot("loan-workbench-release")
    releaser.get_by_role("button", name="复核放款").click()
    releaser.get_by_text("已复核放款，放款已提交银行").wait_for()
    wait_for(
        lambda: LoanApplication.objects.get(pk=application.pk).status == ApplicationStatus.DISBURSED,
        what="the worker's 放款",
    )
    application.refresh_from_db()
    transfer = SandboxTransfer.objects.get(idempotency_key=application.disburse_key)  # paid once, asked once
    assert transfer.amount == application.contract.amount and transfer.times_requested == 1
    assert application.contract.status == LoanStatus.DISBURSED

    zhang.goto(zhang.base_url + f"/loans/applications/{application.public_id}/")
    nodes = zhang.get_by_test_id("loan-nodes").locator("li")
    assert nodes.count() == 6 and zhang.locator("[data-state=done]").count() == 6
    assert all(re.search(r"已完成\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}", t) for t in nodes.all_inner_texts())
    zhang.shot("loan-application-disbursed")
    zhang.get_by_role("link", name="还款计划").click()
    zhang.locator("svg[aria-label='本金与利息图']").wait_for()
    zhang.shot("loan-plan-new")
    checked(zhang, "还款计划", problems)
    zhang.goto(zhang.base_url + "/withdrawals/mine/")
    zhang.get_by_test_id("mine-loans").get_by_text("已放款").wait_for()
    checked(zhang, "我发起的", problems)

    pc = open_page(width=1280, height=900)
    with_axe(pc.context)
    login_as(pc, ZHANG)
    assert "JK2101202612030001" in pc.get_by_test_id("home-loans").inner_text()
    pc.shot("loan-home-after")
    pc.goto(pc.base_url + f"/loans/applications/{application.public_id}/")
    pc.shot("loan-application-disbursed")
    checked(pc, "贷款申请详情 PC", problems)
    pc.goto(pc.base_url + "/loans/apply/")
    assert "正在办理的贷款申请" not in pc.content()  # disbursed: an open HPF loan bars him instead
    assert "未结清的住房公积金贷款" in pc.content()
    checked(pc, "贷款申请 PC", problems)
    assert not problems, "\n".join(problems)
