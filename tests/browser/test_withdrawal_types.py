"""Each demo depositor of SPEC §11 completes their own withdrawal in Chromium; one who is not eligible sees why."""

import pytest
from PIL import Image

from withdrawals.models import Status, WithdrawalApplication, WithdrawalKind

from .nav import open_section
from .test_rent_withdrawal import fill_payee, login_as, next_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_type(page, label):
    open_section(page, "提取")
    page.get_by_role("link", name=label).click()
    page.get_by_role("heading", name=label).wait_for()


def submit_and_expect_success(page, kind):
    page.get_by_role("button", name="提交申请").click()
    page.get_by_text("提交成功").wait_for()
    return WithdrawalApplication.objects.get(kind=kind)


def test_li_xiulan_retirement_needs_no_upload(page):
    login_as(page, "210103196503150029")
    open_type(page, "退休提取")
    guide = page.get_by_test_id("guide").inner_text()
    assert "退休证" in guide and "租房" not in guide and "12329" in guide  # her own type's materials
    page.shot("retirement-guide")
    next_step(page)
    page.get_by_text("您已达到法定退休年龄").wait_for()
    page.get_by_role("link", name="计算").click()
    page.get_by_test_id("computed").wait_for()
    fill_payee(page)
    application = submit_and_expect_success(page, WithdrawalKind.RETIREMENT)
    assert application.status == Status.SUBMITTED and not application.materials.exists()


def test_wang_fang_disability_uploads_the_assessment(page, tmp_path):
    login_as(page, "21010219860620204X")
    open_type(page, "完全丧失劳动能力提取")
    next_step(page)
    page.locator(".alert-info", has_text="完全丧失劳动能力鉴定结论书").wait_for()  # the upload page's words
    fill_payee(page)
    page.shot("disability-form")
    page.get_by_role("button", name="提交申请").click()
    page.get_by_text("影像上传").first.wait_for()
    hint = page.get_by_test_id("materials-hint").inner_text()
    assert "完全丧失劳动能力鉴定结论书" in hint and "租房" not in page.content()  # its own materials, not the rent text
    page.shot("disability-upload")
    picture = tmp_path / "劳动能力鉴定结论.png"
    Image.new("RGB", (300, 200), "white").save(picture, format="PNG")
    page.get_by_label("完全丧失劳动能力鉴定结论书：本地上传").set_input_files(str(picture))
    page.get_by_text("劳动能力鉴定结论.png").wait_for()
    page.get_by_role("button", name="确定").click()
    page.get_by_text("提交成功").wait_for()
    application = WithdrawalApplication.objects.get(kind=WithdrawalKind.DISABILITY)
    assert application.status == Status.SUBMITTED and application.materials.count() == 1


def test_chen_gang_leaving_computes_then_submits(page):
    login_as(page, "330203198805120011")
    open_type(page, "外地销户提取")
    next_step(page)
    page.get_by_role("link", name="计算").click()
    computed = page.get_by_test_id("computed").inner_text()
    page.shot("leaving-computed")
    fill_payee(page)
    application = submit_and_expect_success(page, WithdrawalKind.LEAVING)
    assert f"{application.amount:,.2f}" == computed


def test_liu_qiang_hpf_loan_by_material_number(page):
    login_as(page, "210204197108083010")
    open_type(page, "公贷还款提取")
    next_step(page)
    # Nothing to type: his one repaying loan's contract number is filled in, 计算 done, its figure in 提取金额.
    assert page.get_by_label("提取材料号（借款合同编号）").input_value() == "JK2101202406200001"
    page.get_by_test_id("loan-info").wait_for()
    amount = page.get_by_test_id("computed").inner_text().replace(",", "")
    assert page.get_by_label("提取金额（元）").input_value() == amount and float(amount) > 0
    fill_payee(page)
    page.shot("hpf-form")
    application = submit_and_expect_success(page, WithdrawalKind.HPF_LOAN)
    assert application.loan_contract.contract_no == "JK2101202406200001" and str(application.amount) == amount


def test_liu_qiang_commercial_loan_picks_the_record(page):
    login_as(page, "210204197108083010")
    open_type(page, "商贷还款提取")
    next_step(page)
    assert page.get_by_label("主贷人姓名").input_value() == "刘强"
    assert not page.get_by_label("主贷人姓名").is_editable()
    page.get_by_role("link", name="查询材料号").click()
    page.get_by_label("SD2101202308150001", exact=False).check()
    page.get_by_role("button", name="确定").click()
    page.get_by_test_id("loan-info").wait_for()
    page.get_by_label("提取金额（元）").fill("20000")
    fill_payee(page)
    application = submit_and_expect_success(page, WithdrawalKind.COMMERCIAL_LOAN)
    assert application.commercial_loan.material_no == "SD2101202308150001"


def test_zhang_wei_is_told_why_he_cannot_close_his_account(page):
    login_as(page, "210102199001011237")
    open_type(page, "外地销户提取")
    assert "外地销户提取须账户已封存" in page.get_by_test_id("ineligible").inner_text()
    page.shot("ineligible")
    assert not WithdrawalApplication.objects.exists()
