"""The admin pages staff use, by each staff role, on the production build at 1280 px and 375 px: axe finds
nothing critical or serious, no page scrolls sideways or hides columns behind a swipe, and every page is
screenshot (test-artifacts/admin-walk-*.png). The test collects every problem, then fails listing them all."""

import pytest

from accounts.models import User

from .a11y import audit, layout_problems, with_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [(1280, 900), (375, 812)]
# Who uses which pages (their group's work), as addresses under /admin/.
PAGES = {
    ("reviewer", "review1234"): [
        ("index", ""),
        ("queue", "withdrawals/withdrawalapplication/"),
        ("workbench", None),  # the first application in the queue
        ("standing", "withdrawals/standinginstruction/"),
        ("refunds", "deposits/suspenserefund/"),
    ],
    ("releaser", "release1234"): [
        ("index", ""),
        ("payouts", "withdrawals/payout/"),
        ("credits", "deposits/bankcredit/"),
        ("batches", "deposits/remittancebatch/"),
        ("suspense", "deposits/suspenseentry/"),
    ],
    ("loanaccept", "loan1234"): [("loans", "loans/loanapplication/")],
    ("window", "window1234"): [("joint", "crosscenter/jointcase/"), ("transfers", "crosscenter/transfercase/")],
    ("operator", "operator1234"): [
        ("notices", "policy/notice/"),
        ("notice-add", "policy/notice/add/"),
        ("partner-apps", "api/partnerapp/"),
        ("partner-app-add", "api/partnerapp/add/"),
        ("partner-consents", "api/partnerconsent/"),
        ("partner-calls", "api/apicall/"),
        ("access-records", "accounts/accessrecord/"),  # 个人信息查询记录, for the center's auditors
        ("sms-receipts", "accounts/smsdelivery/"),
    ],
}


def staff_page(browser, server, width, height):
    context = with_axe(
        browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", ignore_https_errors=True)
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    return context, page


def test_the_admin_pages_staff_use_are_clean(browser, production_server, demo_world, shots):
    from withdrawals.models import WithdrawalApplication

    from ..withdrawals.helpers import submitted_rent

    zhang = User.objects.get(account__name="张伟")
    application = submitted_rent(zhang) if not WithdrawalApplication.objects.exists() else None
    problems, seen = [], []
    for (username, password), pages in PAGES.items():
        context, page = staff_page(browser, production_server, *WIDTHS[0])
        page.goto(production_server.url + "/admin/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/admin/")
        for width, height in WIDTHS:  # one login, both widths
            page.set_viewport_size({"width": width, "height": height})
            for name, address in pages:
                if address is None:
                    page.goto(production_server.url + "/admin/withdrawals/withdrawalapplication/")
                    page.get_by_role("link", name=application.number).click()
                    page.get_by_test_id("workbench").wait_for()
                else:
                    page.goto(production_server.url + "/admin/" + address)
                page.wait_for_load_state("load")
                where = f"admin {username}/{name}@{width}"
                seen.append(where)
                problems += audit(page, where)
                if width >= 768:  # staff work at a PC: at 375 px axe still runs, the layout is Django's own
                    problems += layout_problems(page, where)
                shots(page, f"admin-walk-{username}-{name}", width)
        context.close()
    assert len(seen) == 2 * sum(len(p) for p in PAGES.values())
    assert not problems, "\n".join(problems)


def test_the_operator_registers_a_partner_application_and_is_shown_its_key_once(
    browser, production_server, demo_world, shots
):
    from api.models import PartnerApp
    from api.services import digest

    production_server.fresh_workers()  # this test writes through admin (see Server.fresh_workers)
    context, page = staff_page(browser, production_server, *WIDTHS[0])
    try:
        page.goto(production_server.url + "/admin/login/")
        page.get_by_label("用户名").fill("operator")
        page.get_by_label("密码").fill("operator1234")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/admin/")
        page.goto(production_server.url + "/admin/api/partnerapp/add/")
        page.get_by_label("应用名称").fill("建行手机银行")
        page.get_by_label("所属机构").fill("中国建设银行沈阳分行")
        page.get_by_label("个人账户信息（余额、状态）").check()
        page.get_by_label("缴存明细").check()
        page.get_by_label("每分钟调用上限").fill("120")
        page.get_by_role("button", name="保存", exact=True).click()
        page.wait_for_load_state("load")
        shots(page, "admin-partner-app-saved", 1280)
        notice = page.get_by_text("应用密钥（只显示这一次")
        notice.wait_for()
        key = notice.inner_text().rsplit("：", 1)[-1].strip()
        shots(page, "admin-partner-app-saved", 1280)
        app = PartnerApp.objects.get()
        assert app.key_digest == digest(key) and app.grants == ["account", "entries"] and app.rate_per_minute == 120
        page.reload()
        assert key not in page.content()  # shown once
        problems = audit(page, "admin partner-app list")
        assert not problems, "\n".join(problems)
    finally:
        context.close()


def test_the_operator_dates_a_notice_ahead_from_the_lists_on_a_phone(browser, production_server, demo_world, shots):
    """发布时间 from 年 / 月 / 日 / 时 / 分 lists in Chinese (an English browser too): the notice waits until then."""
    from datetime import timedelta

    from django.utils import timezone

    from policy.models import Notice

    context = with_axe(
        browser.new_context(viewport={"width": 375, "height": 812}, locale="en-US", ignore_https_errors=True)
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        page.goto(production_server.url + "/admin/login/")
        page.get_by_label("用户名").fill("operator")
        page.get_by_label("密码").fill("operator1234")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/admin/")
        page.goto(production_server.url + "/admin/policy/notice/add/")
        page.get_by_label("标题").fill("关于调整业务办理时间的通知")
        page.get_by_label("正文").fill("自明日起，网厅提取业务办理时间调整为工作日 8:30–17:00。")
        tomorrow = timezone.localdate() + timedelta(days=1)
        chosen = {"年": tomorrow.year, "月": tomorrow.month, "日": tomorrow.day, "时": 9, "分": 30}
        for unit, number in chosen.items():
            page.get_by_label(f"发布时间：{unit}", exact=True).select_option(str(number))
        shots(page, "admin-notice-dated-ahead", 375)
        problems = audit(page, "admin notice add (en-US)")
        page.get_by_role("button", name="保存", exact=True).click()
        page.wait_for_url("**/admin/policy/notice/")
        published = timezone.localtime(Notice.objects.get(title="关于调整业务办理时间的通知").published_at)
        assert (published.date(), published.hour, published.minute) == (tomorrow, 9, 30)
        page.goto(production_server.url + "/notices/")
        assert "关于调整业务办理时间的通知" not in page.content()  # dated ahead: not shown yet
        assert not problems, "\n".join(problems)
    finally:
        context.close()
