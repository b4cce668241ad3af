"""The demo employer user opens an account, posts the month, seals and unseals, and posts a supplementary
month in Chromium; each depositor's ledger shows it."""

from datetime import date

import pytest
from django.utils import timezone

from deposits.models import AccountStatus, LedgerEntry, PersonalAccount
from gjj_portal.identity import id_check_digit

from .nav import choose, open_section
from .test_rent_withdrawal import login_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BODY = "21010219960707082"
NEW_ID = BODY + id_check_digit(BODY)


def months_ago(n):
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - n
    return date(index // 12, index % 12 + 1, 1).strftime("%Y-%m")


def test_open_post_seal_unseal_and_supplement(page, demo_world):
    page.goto(page.base_url + "/accounts/unit/login/")
    page.get_by_label("单位账号").fill("unit001")
    page.get_by_label("用户密码").fill("unit1234")
    page.locator("input[name=captcha_1]").fill("PASSED")
    page.get_by_role("button", name="立即登录").click()

    page.get_by_role("link", name="变更清册").click()
    page.get_by_label("姓名").fill("孙丽")
    page.get_by_label("身份证号").fill(NEW_ID)
    page.get_by_label("手机号").fill("13700000001")
    choose(page, "起缴年月", months_ago(2))
    page.get_by_label("缴存基数（元）").first.fill("5000")
    page.get_by_role("button", name="开户", exact=True).click()
    page.get_by_text("已为孙丽开户").wait_for()

    page.get_by_role("link", name="当月汇缴").click()
    page.shot("unit-monthly")
    page.get_by_role("button", name="确认汇缴").click()
    page.get_by_test_id("count").wait_for()  # the confirmation page: count and total, nothing recorded yet
    page.shot("unit-confirm")
    page.get_by_role("button", name="确认申报").click()
    page.get_by_text("当月汇缴已申报").wait_for()

    page.get_by_role("link", name="变更清册").click()
    seal = page.locator("form:has(#seal-button)")
    seal.get_by_label("职工").select_option(label="张伟（210100000001）")
    seal.get_by_label("封存原因").select_option(label="离职/解除劳动关系")
    seal.get_by_role("button", name="封存").click()
    page.get_by_text("已封存张伟的账户").wait_for()
    unseal = page.locator("form:has(#unseal-button)")
    unseal.get_by_label("职工").select_option(label="张伟（210100000001）")
    unseal.get_by_role("button", name="启封").click()
    page.get_by_text("已启封张伟的账户").wait_for()

    page.get_by_role("link", name="补缴清册").click()
    page.get_by_label("职工").select_option(label=f"孙丽（{PersonalAccount.objects.get(id_number=NEW_ID).grzh}）")
    choose(page, "补缴年月", months_ago(1))
    page.get_by_role("button", name="补缴", exact=True).click()
    page.get_by_role("button", name="确认申报").click()
    page.get_by_text("补缴清册已申报").wait_for()
    page.shot("unit-home-declared")
    assert not LedgerEntry.objects.filter(kind__in=["remittance", "supplementary"], occurred_on=timezone.localdate())

    # Finance sees the employer's money arrive and confirms 到账 in admin: both lists are posted.
    page.get_by_role("button", name="退出系统").click()
    page.goto(page.base_url + "/admin/deposits/remittancebatch/")
    page.get_by_label("用户名").fill("releaser")
    page.get_by_label("密码").fill("release1234")
    page.get_by_role("button", name="登录").click()
    page.locator("#action-toggle").check()
    page.get_by_label("动作").select_option(label="确认单位缴款到账并入账")
    page.get_by_role("button", name="执行").click()
    page.get_by_text("已确认到账并入账2份清册").wait_for()
    page.shot("admin-remittance-posted")
    page.context.clear_cookies()

    period = timezone.localdate().strftime("%Y-%m")
    zhang = PersonalAccount.objects.get(name="张伟")
    assert zhang.status == AccountStatus.NORMAL
    assert {"remittance", "sealing", "unsealing"} <= set(
        LedgerEntry.objects.filter(account=zhang, occurred_on=timezone.localdate()).values_list("kind", flat=True)
    )
    assert LedgerEntry.objects.filter(account=zhang, kind="remittance", period=period).exists()
    sun = PersonalAccount.objects.get(id_number=NEW_ID)
    kinds = list(LedgerEntry.objects.filter(account=sun).order_by("id").values_list("kind", "period"))
    assert kinds[0] == ("opening", "")
    assert sorted(kinds[1:]) == [("remittance", period), ("supplementary", months_ago(1))]
    assert sun.balance == 2 * sun.monthly_amount

    login_as(page, "210102199001011237")
    open_section(page, "缴存支取信息")
    today = timezone.localdate().isoformat()
    page.locator(f"tr:has-text('{today}'):has-text('汇缴')").first.wait_for()  # today's 01 entry is on his statement
