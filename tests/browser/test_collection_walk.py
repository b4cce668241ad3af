"""#31 in Chromium on the production build (gunicorn, DEBUG off, manifest static files, TLS, a real worker):
the employer clerk declares the month, reads the 缴款通知书 (归集账户, 缴款识别码, deadline); one employee's
account is closed before the money arrives; an operator imports the bank's statement with `manage.py
import_bank_credits` in the production environment; every other line posts, the closed person's amount is
in 单位暂存款 with its reason on the employer's pages, the clerk pays a 补缴 list from it; a depositor sees
the month's entry. Each page is checked by axe and for sideways scrolling, at 1280 px and at 375 px."""

import csv
import io
import subprocess
import sys

import pytest
from django.utils import timezone

from deposits.models import BankCredit, Employer, LedgerEntry, PersonalAccount, RemittanceBatch, SuspenseRefund
from gjj_portal.models import SandboxTransfer
from tests.processes import ROOT, production_env, wait_for

from .a11y import audit, layout_problems, with_axe
from .nav import choose, open_section
from .test_employer import NEW_ID, months_ago
from .test_rent_withdrawal import login_as
from .test_staff import staff_login

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def checked(page, where, problems):
    page.wait_for_load_state("networkidle")
    problems += audit(page, where) + layout_problems(page, where)


def unit_login(page):
    page.goto(page.base_url + "/accounts/unit/login/")
    page.get_by_label("单位账号").fill("unit001")
    page.get_by_label("用户密码").fill("unit1234")
    page.locator("input[name=captcha_1]").fill("PASSED")
    page.get_by_role("button", name="立即登录").click()
    page.get_by_role("link", name="当月汇缴", exact=True).wait_for()


def test_the_banks_statement_posts_the_month_and_the_stranded_amount_pays_a_supplementary_list(
    open_page, worker, tmp_path
):
    problems: list[str] = []
    clerk = open_page(width=1280, height=900)
    with_axe(clerk.context)
    unit_login(clerk)
    clerk.get_by_role("link", name="当月汇缴", exact=True).click()
    clerk.get_by_role("button", name="确认汇缴").click()
    clerk.get_by_test_id("count").wait_for()
    checked(clerk, "confirm", problems)
    clerk.get_by_role("button", name="确认申报").click()
    notice = clerk.get_by_test_id("payment-notice")
    notice.wait_for()
    code = clerk.get_by_test_id("payment-code").inner_text().strip()
    account_no = clerk.get_by_test_id("collection-account").inner_text().strip()
    owed = clerk.get_by_test_id("owed").inner_text().strip().replace(",", "")
    batch = RemittanceBatch.objects.get(payment_code=code)
    assert account_no and owed == f"{batch.total:.2f}"
    checked(clerk, "payment notice", problems)
    clerk.shot("unit-payment-notice")

    # Before the money arrives, one employee's account is closed (提取销户 approved at the counter).
    zhang = PersonalAccount.objects.get(name="张伟", employer__dwzh=batch.employer.dwzh)
    PersonalAccount.objects.filter(pk=zhang.pk).update(status="withdrawn")

    # The bank's statement arrives; an operator imports it on the server, as production runs it.
    statement = tmp_path / "statement.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["银行流水号", "到账日期", "金额", "付款人户名", "付款人账号", "附言"])
    writer.writerow(["CCB20261203000017", timezone.localdate().isoformat(), owed, batch.employer.name,
                     "2100 1111 2222", f"住房公积金 {code}"])  # fmt: skip
    statement.write_text(buffer.getvalue(), encoding="utf-8-sig")
    run = subprocess.run([sys.executable, "manage.py", "import_bank_credits", str(statement)], cwd=ROOT,
                         env=production_env(), capture_output=True, text=True, timeout=120)  # fmt: skip
    assert run.returncode == 0 and "已匹配入账1笔" in run.stdout, run.stdout + run.stderr
    again = subprocess.run([sys.executable, "manage.py", "import_bank_credits", str(statement)], cwd=ROOT,
                           env=production_env(), capture_output=True, text=True, timeout=120)  # fmt: skip
    assert "已导入过1笔" in again.stdout and BankCredit.objects.count() == 1

    clerk.reload()
    clerk.get_by_test_id("batch-status").get_by_text("已入账").wait_for()
    stranded = clerk.locator("tr[data-testid=line]", has_text=zhang.grzh)
    assert "转单位暂存款" in stranded.inner_text() and "提取销户" in stranded.inner_text()
    checked(clerk, "posted list", problems)
    clerk.shot("unit-list-posted")
    clerk.get_by_role("link", name="单位信息", exact=True).click()
    suspense = clerk.get_by_test_id("suspense")
    amount = f"{zhang.monthly_amount:,.2f}"
    assert amount in suspense.inner_text() and "提取销户" in suspense.inner_text()
    checked(clerk, "unit home", problems)
    clerk.shot("unit-home-suspense")

    # A new employee joined two months ago (开户 with 起缴年月): the 补缴 page proposes the months owed; the
    # clerk ticks one and pays that list from 单位暂存款.
    clerk.get_by_role("link", name="变更清册", exact=True).click()
    clerk.get_by_label("姓名").fill("孙丽")
    clerk.get_by_label("身份证号").fill(NEW_ID)
    clerk.get_by_label("手机号").fill("13700000001")
    choose(clerk, "起缴年月", months_ago(2))
    clerk.get_by_label("缴存基数（元）").first.fill("5000")
    clerk.get_by_role("button", name="开户", exact=True).click()
    clerk.get_by_text("已为孙丽开户").wait_for()
    clerk.get_by_role("link", name="补缴清册", exact=True).click()
    owed = clerk.get_by_test_id("owed")
    owed.get_by_text(months_ago(1)).wait_for()
    checked(clerk, "supplementary", problems)
    clerk.shot("unit-supplementary-owed")
    clerk.get_by_label(f"补缴 孙丽 {months_ago(1)}").uncheck()
    clerk.get_by_role("button", name="生成补缴清册").click()
    clerk.get_by_role("button", name="确认申报").click()
    clerk.get_by_test_id("payment-notice").wait_for()
    clerk.once("dialog", lambda dialog: dialog.accept())  # the form asks before it goes (data-confirm)
    clerk.get_by_role("button", name="用单位暂存款冲抵").click()
    clerk.get_by_text("已用单位暂存款冲抵").wait_for()
    checked(clerk, "supplementary paid from suspense", problems)
    clerk.shot("unit-supplementary-applied")
    employer = Employer.objects.get(dwzh=batch.employer.dwzh)
    supplementary = RemittanceBatch.objects.filter(employer=employer, kind="supplementary").latest("pk")
    assert employer.suspense_balance + supplementary.received == zhang.monthly_amount

    # What is left of 单位暂存款 goes back to the employer's account: the clerk asks, 初审 approves, 复核/财务
    # (another person) releases, the worker pays it through the bank once.
    left = Employer.objects.get(pk=employer.pk).suspense_balance
    clerk.get_by_role("link", name="单位信息", exact=True).click()
    clerk.get_by_text("申请退款至单位银行账户").click()
    clerk.get_by_label("退款金额（元）").fill(f"{left:.2f}")
    clerk.get_by_label("开户银行").fill("工商银行")
    clerk.get_by_label("单位银行账号").fill("6222020200112233")
    clerk.get_by_role("button", name="提交退款申请").click()
    clerk.get_by_text("退款申请已提交").wait_for()
    checked(clerk, "refund requested", problems)
    refund = SuspenseRefund.objects.get(employer=employer)
    for username, password, action, done in (
        ("reviewer", "review1234", "审核通过", "已审核通过1笔退款"),
        ("releaser", "release1234", "复核放款（由银行退至单位账户）", "已复核放款1笔退款"),
    ):
        staff = open_page(width=1280, height=900)
        staff_login(staff, username, password)
        staff.goto(staff.base_url + "/admin/deposits/suspenserefund/")
        staff.locator("input.action-select").first.check()
        staff.get_by_label("动作").select_option(label=action)
        staff.get_by_role("button", name="执行").click()
        staff.get_by_text(done).wait_for()  # (admin's own list pages' axe findings are #33's: not audited here)
        staff.shot(f"admin-refund-{username}")
    wait_for(lambda: SuspenseRefund.objects.get(pk=refund.pk).status == "paid", what="the refund paid by the worker")
    refund.refresh_from_db()
    assert SandboxTransfer.objects.filter(idempotency_key=refund.key).count() == 1
    assert Employer.objects.get(pk=employer.pk).suspense_balance == 0
    clerk.reload()
    assert "已退款" in clerk.get_by_test_id("refund").first.inner_text()
    clerk.shot("unit-refund-paid")
    out = subprocess.run([sys.executable, "manage.py", "reconcile"], cwd=ROOT, env=production_env(),
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert out.returncode == 0 and "no mismatch" in out.stdout, out.stdout + out.stderr

    # On a phone the clerk's pages do not scroll sideways either.
    phone = open_page(width=375, height=812)
    with_axe(phone.context)
    unit_login(phone)
    phone.goto(phone.base_url + f"/unit/batches/{batch.public_id}/")
    phone.get_by_test_id("batch-status").wait_for()
    assert "转单位暂存款" in phone.locator("li[data-testid=line-card]", has_text=zhang.grzh).inner_text()
    checked(phone, "posted list 375", problems)
    phone.shot("unit-list-posted")

    # A colleague of 张伟's sees the month's 汇缴 on his statement.
    line = batch.lines.exclude(account=zhang).select_related("account").first()
    assert LedgerEntry.objects.filter(account=line.account, kind="remittance", period=batch.period).exists()
    person = open_page(width=375, height=812)
    login_as(person, line.account.id_number)
    open_section(person, "缴存支取信息")
    person.locator(f"tr:has-text('{timezone.localdate().isoformat()}'):has-text('汇缴')").first.wait_for()
    assert not problems, "\n".join(problems)
