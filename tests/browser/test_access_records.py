"""个人信息查询记录 in Chromium: a reviewer opens 张伟's workbench; 张伟 finds it under 个人基本信息 on his phone and
his PC — which office, what, when — and axe finds nothing critical or serious on the page."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User

from ..withdrawals.helpers import submitted_rent
from .a11y import audit, layout_problems, with_axe
from .nav import open_section
from .test_rent_withdrawal import login_as_zhang_wei

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_zhang_wei_sees_which_office_opened_his_application(page):
    zhang = User.objects.get(account__name="张伟")
    application = submitted_rent(zhang)
    reviewer = Client()
    reviewer.force_login(User.objects.get(username="reviewer"))
    workbench = reverse("admin:withdrawals_withdrawalapplication_change", args=[application.pk])
    assert reviewer.get(workbench).status_code == 200

    with_axe(page.context)
    login_as_zhang_wei(page)
    open_section(page, "个人基本信息")
    page.get_by_role("link", name="个人信息查询记录").click()
    page.get_by_role("heading", name="个人信息查询记录").wait_for()
    records = page.get_by_test_id("access-records").inner_text()
    assert "初审" in records and application.number in records and "reviewer" not in records
    where = f"access-records@{page.viewport_size['width']}"
    problems = audit(page, where)
    problems += layout_problems(page, where)
    page.shot("access-records")
    assert not problems, "\n".join(problems)


def test_zhang_wei_withdraws_a_banks_consent_in_the_browser(page):
    from api.models import PartnerConsent
    from api.services import consent_grant, partner_app_register

    zhang = User.objects.get(account__name="张伟")
    app, _key = partner_app_register(name="建行手机银行", organization="中国建设银行沈阳分行", grants=["account"])
    consent_grant(user=zhang, app=app)
    with_axe(page.context)
    login_as_zhang_wei(page)
    open_section(page, "个人基本信息")
    page.get_by_role("link", name="授权管理").click()
    page.get_by_role("heading", name="授权管理").wait_for()
    assert "建行手机银行" in page.get_by_test_id("consents").inner_text()
    where = f"consents@{page.viewport_size['width']}"
    problems = audit(page, where) + layout_problems(page, where)
    page.shot("consents")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="撤销授权").click()
    page.get_by_text("已撤销对“建行手机银行”的授权").wait_for()
    assert PartnerConsent.objects.get(user=zhang).withdrawn_at is not None
    page.shot("consents-withdrawn")
    assert not problems, "\n".join(problems)
