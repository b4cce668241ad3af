"""Every depositor, employer and public page, reached by tapping what a person sees, on the production
build (gunicorn, DEBUG off, manifest static files) at 375 px and 1280 px. On each page axe-core must find
no critical or serious violation, the page must not scroll sideways, its targets must be ≥ 44 px, and it
must have one h1 and a main landmark. The test collects every problem of the walk, then fails listing
them all; the screenshots are test-artifacts/walk-*.png."""

import pytest

from .a11y import audit, layout_problems, with_axe
from .conftest import ARTIFACTS
from .nav import open_section, press

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [(375, 812), (1280, 900)]
STRUCTURE = """() => ({h1: document.querySelectorAll('h1').length, main: document.querySelectorAll('main').length})"""


class Walk:
    def __init__(self, page, shots, who):
        self.page, self.shots, self.who = page, shots, who
        self.problems, self.pages = [], []

    def check(self, name):
        page = self.page
        page.wait_for_load_state("load")
        where = f"{self.who}/{name}@{page.viewport_size['width']}"
        self.pages.append(where)
        self.problems += audit(page, where) + layout_problems(page, where)
        shape = page.evaluate(STRUCTURE)
        if shape["h1"] != 1 or shape["main"] != 1:
            self.problems.append(f"{where}: {shape['h1']} h1 and {shape['main']} main")
        self.shots(page, f"walk-{self.who}-{name}", page.viewport_size["width"])

    def tap(self, name, check_as=None, exact=True):
        self.page.locator("main").get_by_role("link", name=name, exact=exact).first.click()
        self.check(check_as or name)


@pytest.fixture
def walker(browser, production_server, demo_world, shots):
    contexts = []

    def open_walk(who, width, height):
        context = with_axe(
            browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", ignore_https_errors=True)
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20000)
        page.base_url = production_server.url
        return Walk(page, shots, who)

    yield open_walk
    for context in contexts:
        context.close()


def depositor_login(walk, identifier):
    page = walk.page
    page.goto(page.base_url + "/accounts/login/")
    walk.check("login")
    page.get_by_label("身份证号/手机号").fill(identifier)
    page.get_by_label("用户密码").fill("demo1234")
    page.get_by_label("验证码").fill("PASSED")
    page.get_by_role("button", name="立即登录").click()
    page.get_by_test_id("home-tasks").wait_for()
    walk.check("home")


@pytest.mark.parametrize("width,height", WIDTHS, ids=["phone", "pc"])
def test_depositor_reaches_every_section_by_tapping(walker, width, height):
    from accounts.models import User
    from policy.models import Notice

    from ..withdrawals.helpers import submitted_rent

    # An application waiting for its materials (租房 in 大连: upload needed) and a notice from the center.
    draft = submitted_rent(User.objects.get(account__name="刘强"), region="大连市")
    Notice.objects.create(
        title="关于调整住房公积金提取业务办理时间的通知", body="自下月起，网厅提取业务办理时间调整为每日8:00至20:00。"
    )
    walk = walker("liuqiang", width, height)
    page = walk.page
    depositor_login(walk, "210204197108083010")
    assert page.get_by_test_id("offer").count() >= 8  # 我现在能办什么: every withdrawal type and 贷款申请
    # The application's page (办理进度, 撤回), then its upload page (one slot per document).
    page.goto(page.base_url + f"/withdrawals/{draft.public_id}/")
    page.get_by_test_id("progress").wait_for()
    walk.check("application")
    walk.tap("上传材料", check_as="materials")
    assert page.get_by_test_id("slot").count() == 2
    # 撤回申请, clicked: asked to confirm, then the application ends (recorded, told).
    page.go_back()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="撤回申请").click()
    page.get_by_text(f"申请 {draft.number} 已撤回。").wait_for()
    assert page.get_by_test_id("status").inner_text() == "已撤回"
    assert page.get_by_role("button", name="撤回申请").count() == 0
    walk.check("application-withdrawn")
    page.locator("a.gjj-brand").click()
    page.get_by_role("link", name="关于调整住房公积金提取业务办理时间的通知").click()
    walk.check("notice")
    page.locator("a.gjj-brand").click()
    home = page.get_by_test_id("home-loans")
    assert "贷款余额" in home.inner_text() and "下期还款" in home.inner_text()
    if width < 768:  # ☰ 菜单 opens every section as a full-width row
        page.get_by_test_id("menu-button").click()
        page.locator("#gjj-menu").get_by_role("link", name="打印缴存证明").wait_for()
        page.wait_for_function("() => getComputedStyle(document.getElementById('gjj-menu')).transform === 'none'")
        page.screenshot(path=str(ARTIFACTS / f"walk-liuqiang-menu-open-{width}.png"))  # the screen as seen
        page.locator("#gjj-menu").get_by_role("button", name="关闭", exact=True).click()
        page.locator("#gjj-menu").get_by_role("link", name="打印缴存证明").wait_for(state="hidden")
    for section in ("缴存支取信息", "提取", "我的贷款", "消息中心", "我发起的", "打印缴存证明", "个人基本信息"):
        open_section(page, section)
        walk.check(section)
        if section == "提取":
            for kind in (
                "租房提取",
                "商贷还款提取",
                "公贷还款提取",
                "退休提取",
                "完全丧失劳动能力提取",
                "外地销户提取",
            ):
                walk.tap(kind, exact=False)
                open_section(page, "提取")
            walk.tap("委托提取（按月）", check_as="委托提取", exact=False)
        if section == "我的贷款":
            for tab in ("贷款进度查询", "还款明细", "还款计划", "我要还款", "贷款信息", "贷款试算"):
                walk.tap(tab, check_as=f"loan-{tab}")
        if section == "消息中心":
            for tab in ("待办", "我发起的", "已阅", "消息"):
                page.locator("main").get_by_role("link", name=tab).first.click()
                walk.check(f"messages-{tab}")
    # 个人基本信息 → 个人信息变更 and its two forms.
    walk.tap("个人信息变更")
    walk.tap("变更收款银行卡")
    page.go_back()
    walk.tap("变更手机号")
    # 转移接续: the form, a refusal kept on the form, then a 联系函 and its page (the partner's answer is not
    # needed to read it).
    from crosscenter.models import PartnerCenter
    from crosscenter.signing import key_pair_new

    partner = {"name": "柳州市住房公积金管理中心", "base_url": "https://127.0.0.1:9", "public_key": key_pair_new()[1]}
    PartnerCenter.objects.get_or_create(code="450200", defaults=partner)
    open_section(page, "转移接续")
    page.get_by_role("button", name="提交申请").click()
    page.get_by_text("请确认申请事项。").wait_for()
    walk.check("转移接续-refused")
    page.get_by_label("转出地中心").select_option(label="柳州市住房公积金管理中心（450200）")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="提交申请").click()
    page.get_by_test_id("transfer-status").wait_for()
    walk.check("转移接续-letter")
    page.get_by_role("button", name="撤销联系函").click()  # allowed at 01 only, and it is 01 here
    page.get_by_text("已撤销。").wait_for()
    assert page.get_by_test_id("transfer-status").inner_text() == "05 转入撤销办结"
    assert page.get_by_role("button", name="撤销联系函").count() == 0
    walk.check("转移接续-cancelled")
    open_section(page, "修改密码")
    walk.check("修改密码")
    # 关闭音效: the chime is off for this person (remembered on the account), and the button says how to undo it.
    assert page.evaluate("() => document.body.dataset.sound || ''").endswith(".wav")
    press(page, "关闭音效")
    page.get_by_text("已关闭音效").wait_for()
    assert page.evaluate("() => document.body.dataset.sound || ''") == ""
    press(page, "开启音效")
    page.get_by_text("已开启新消息提示音").wait_for()
    assert not walk.problems, "\n".join(walk.problems)


@pytest.mark.parametrize("width,height", WIDTHS, ids=["phone", "pc"])
def test_public_pages_and_the_employer_area(walker, width, height):
    walk = walker("public", width, height)
    page = walk.page
    page.goto(page.base_url + "/accounts/login/")
    walk.check("login")
    page.locator("footer").get_by_role("link", name="办事指南").click()  # the footer's public links
    walk.check("办事指南")
    walk.tap("公贷还款提取", check_as="办事指南-公贷还款提取", exact=False)
    walk.tap("全部办事指南", check_as="办事指南-again")  # back to the list
    page.locator("footer").get_by_role("link", name="通知公告").click()
    walk.check("通知公告")
    page.goto(page.base_url + "/accounts/login/")
    for link in ("注册", "忘记密码", "贷款试算", "证明核验"):
        walk.tap(link)
        page.goto(page.base_url + "/accounts/login/")
    page.get_by_role("link", name="单位登录").click()
    walk.check("unit-login")
    page.get_by_label("单位账号").fill("unit001")
    page.get_by_label("用户密码").fill("unit1234")
    page.get_by_label("验证码").fill("PASSED")
    page.get_by_role("button", name="立即登录").click()
    page.get_by_role("link", name="当月汇缴").wait_for()
    walk.check("unit-home")
    for tab in ("当月汇缴", "变更清册", "补缴清册", "单位信息"):
        walk.tap(tab, check_as=f"unit-{tab}")
    assert not walk.problems, "\n".join(walk.problems)


@pytest.mark.parametrize("width,height", WIDTHS, ids=["phone", "pc"])
def test_elder_mode_on_and_off_is_remembered_for_the_person(walker, width, height):
    """长辈版: larger text (≥ 20 px) and targets, the most used services as large tiles, still clean for
    axe; chosen once, it is there again after logging out and in; 标准版 turns it off."""
    walk = walker("zhangwei", width, height)
    page = walk.page
    depositor_login(walk, "210102199001011237")
    assert "您未办理贷款业务" in page.get_by_test_id("home-loans").inner_text()
    page.get_by_test_id("elder-switch").click()
    page.get_by_test_id("elder-tiles").wait_for()
    walk.check("elder-on")
    size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('main p, main dd')).fontSize)")
    button = page.evaluate("() => document.querySelector('main .btn').getBoundingClientRect().height")
    assert size >= 20 and button >= 56, (size, button)
    press(page, "退出系统")
    page.get_by_label("身份证号/手机号").fill("13800000001")
    page.get_by_label("用户密码").fill("demo1234")
    page.get_by_label("验证码").fill("PASSED")
    page.get_by_role("button", name="立即登录").click()
    page.get_by_test_id("elder-tiles").wait_for()  # remembered for 张伟, not only for this page
    page.get_by_test_id("elder-tiles").get_by_role("link", name="我的贷款").click()
    walk.check("elder-loans")
    page.get_by_test_id("elder-switch").click()
    page.get_by_text("已切换到标准版").wait_for()
    open_section(page, "我的公积金")
    page.get_by_test_id("home-tasks").wait_for()
    assert page.get_by_test_id("elder-tiles").count() == 0
    walk.check("elder-off")
    assert not walk.problems, "\n".join(walk.problems)
