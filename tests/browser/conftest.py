import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("GJJ_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium.")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--lang=zh-CN",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def captcha_test_mode(monkeypatch):
    """Automated browsers answer the captcha with PASSED (GJJ_CAPTCHA_TEST_MODE), for this test only."""
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)


@pytest.fixture(params=[(375, 812), (1280, 800)], ids=["phone", "pc"])
def page(request, browser, live_server, captcha_test_mode, demo_world):
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    page.keep = lambda path, name: (
        ARTIFACTS.mkdir(exist_ok=True),
        shutil.copy(path, ARTIFACTS / f"{name}-{width}.png"),
    )
    page.shot = lambda name: (
        ARTIFACTS.mkdir(exist_ok=True),
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True),
    )
    yield page
    context.close()


@pytest.fixture
def shots():
    """page.shot(name) for pages opened outside the `page` fixture: a full-page PNG in test-artifacts/."""

    def take(page, name, width):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)

    return take


@pytest.fixture
def worker(start_worker):
    return start_worker()


@pytest.fixture
def open_page(browser, production_server, captcha_test_mode, demo_world, shots):
    contexts, blocked = [], []

    def open_page(width=1280, height=900, locale="zh-CN"):
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale=locale, ignore_https_errors=True
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20000)
        page.base_url = production_server.url
        # Anything the Content-Security-Policy blocks shows in the console: a button that would do nothing.
        page.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
        page.shot = lambda name: shots(page, name, width)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not blocked, f"the CSP blocked: {blocked}"
