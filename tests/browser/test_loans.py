"""刘强 (SPEC §11) looks at his loans and repays early in Chromium, inside and outside the window."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from loans.models import LoanContract, Repayment

from .nav import open_section
from .test_rent_withdrawal import login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TZ = ZoneInfo("Asia/Shanghai")
LIU_QIANG = "210204197108083010"


@pytest.fixture
def clock(monkeypatch):
    def set_clock(moment):
        monkeypatch.setattr("policy.middleware.business_now", lambda: moment)

    return set_clock


def test_progress_info_details_plan_and_an_early_repayment_that_shortens_the_term(page, clock):
    clock(datetime(2026, 11, 25, 10, 0, tzinfo=TZ))  # a Wednesday morning
    login_as(page, LIU_QIANG)
    open_section(page, "我的贷款")
    page.get_by_text("贷款余额（元）").wait_for()
    assert "JK2101202406200001" in page.content() and "2.60%" in page.content()
    page.get_by_role("link", name="贷款进度查询").click()
    page.get_by_label("借款合同编号").select_option("JK2101202610080002")
    page.locator("[data-state=current]").wait_for()
    assert page.locator("[data-state=current]").inner_text().startswith("签订合同")
    page.shot("loan-progress")
    page.get_by_role("link", name="贷款信息").click()
    page.get_by_text("此合同【JK2101202610080002】的贷款未发放").wait_for()
    page.get_by_label("借款合同编号").select_option("JK2101202406200001")
    page.get_by_role("link", name="还款明细").click()
    page.get_by_role("cell", name="正常还款").first.wait_for()
    page.get_by_role("link", name="还款计划").click()
    page.locator("svg[aria-label='本金与利息图']").wait_for()
    page.shot("loan-plan")
    page.get_by_role("link", name="我要还款").click()
    page.get_by_label("还款金额（元）").fill("50000")
    page.get_by_label("缩短期限（月供基本不变）").check()
    page.get_by_role("button", name="下一步").click()
    months = page.get_by_test_id("months").inner_text()
    before, after = (int(x.strip().rstrip(" 期")) for x in months.split("→"))
    assert after < before
    page.shot("loan-confirm")
    page.get_by_role("button", name="提交").click()
    page.get_by_text("已扣款成功").wait_for()
    assert Repayment.objects.filter(kind="prepayment").count() == 1
    loan = LoanContract.objects.get(contract_no="JK2101202406200001")
    page.get_by_role("link", name="贷款信息").click()
    assert f"{loan.principal_balance:,.2f}" == page.get_by_test_id("loan-balance").inner_text()


@pytest.mark.parametrize(
    "moment, reopens",
    [
        (datetime(2026, 11, 28, 10, 0, tzinfo=TZ), "2026年11月30日 07:00"),
        (datetime(2026, 11, 25, 17, 30, tzinfo=TZ), "2026年11月26日 07:00"),
    ],
    ids=["saturday", "after-17"],
)
def test_outside_the_window_it_is_refused_with_the_next_opening(page, clock, moment, reopens):
    clock(moment)
    login_as(page, LIU_QIANG)
    page.goto(page.base_url + "/loans/repay/")
    page.get_by_label("还款金额（元）").fill("50000")
    page.get_by_label("缩短期限（月供基本不变）").check()
    page.get_by_role("button", name="下一步").click()
    page.get_by_text("当前不在业务办理时间").wait_for()
    assert reopens in page.content()
    page.shot("loan-closed")
    assert not Repayment.objects.filter(kind="prepayment").exists()
