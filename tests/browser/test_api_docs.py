"""An app team's first page: the API's docs (read from the OpenAPI document), on the production build, in
Chinese, at 375 px and 1280 px — axe finds nothing critical or serious, nothing scrolls sideways."""

import pytest

from .a11y import audit, layout_problems, with_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_is_found_from_the_footer_and_reads_in_chinese(browser, production_server, shots):
    context = with_axe(browser.new_context(viewport={"width": 375, "height": 812}, locale="en-US",
                                           ignore_https_errors=True))  # fmt: skip
    page = context.new_page()
    try:
        page.goto(production_server.url + "/accounts/login/")
        page.get_by_role("link", name="App 接口").click()
        page.get_by_role("heading", name="App 接口文档（/api/v1/）").wait_for()
        for heading in ("开始使用", "登录与令牌", "提取", "我的贷款", "合作应用接口", "数据结构"):
            assert page.get_by_role("heading", name=heading, exact=True).count() == 1, heading
        assert page.locator("#op-withdrawal_submit").get_by_text("Idempotency-Key").count() >= 1
        problems = []
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            problems += audit(page, f"docs@{width}") + layout_problems(page, f"docs@{width}")
            shots(page, "api-docs", width)
        assert not problems, "\n".join(problems)
        contract = page.request.get(production_server.url + "/api/v1/openapi.json")
        assert contract.ok and contract.json()["info"]["version"] == "1.0.0"
    finally:
        context.close()
