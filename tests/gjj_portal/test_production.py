"""The production build, served as a center serves it: collectstatic with the manifest storage,
gunicorn with `DJANGO_DEBUG=false`, whitenoise for the static files, real HTTPS requests.

The Dockerfile runs the same collectstatic and the same gunicorn command; compose adds the proxy,
PostgreSQL and Redis (tests/processes.py says what differs)."""

import json
import re
from pathlib import Path

import pytest

from tests.english import english_in

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def csrf_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def post_form(http, url, data, referer):
    page = http.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return http.post(
        url,
        data={"csrfmiddlewaretoken": csrf_of(page.text), **data},
        headers={"Referer": referer},
        allow_redirects=False,
    )


def test_collectstatic_writes_a_manifest_with_hashed_vendor_files(production_static):
    manifest = json.loads((production_static / "staticfiles.json").read_text())["paths"]
    assert re.fullmatch(
        r"vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css", manifest["vendor/bootstrap/bootstrap.min.css"]
    )
    assert (production_static / manifest["admin/css/base.css"]).exists()


def test_the_production_build_serves_pages_static_files_login_and_admin(production_server, demo_world):
    base, http = production_server.url, production_server.session()

    login = http.get(base + "/accounts/login/", headers={"Accept-Language": "en-US"})
    assert login.status_code == 200 and "个人登录" in login.text and not english_in(login.text)
    assert "max-age=31536000" in login.headers["Strict-Transport-Security"]
    assert login.headers["X-Frame-Options"] == "DENY"
    assert all(c.secure for c in http.cookies), "cookies are Secure in production"

    css = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', login.text).group(1)
    sheet = http.get(base + css, headers={"Accept-Encoding": "gzip"})
    assert sheet.status_code == 200 and sheet.headers["Content-Type"].startswith("text/css")
    assert "no-store" not in sheet.headers["Cache-Control"], "static files keep their long cache"
    assert "immutable" in sheet.headers["Cache-Control"] and sheet.headers.get("Content-Encoding") == "gzip"

    # A depositor logs in (the captcha's test answer, as README says for automated browsers) and sees the balance.
    answer = post_form(
        http,
        base + "/accounts/login/",
        {"identifier": "210102199001011237", "password": "demo1234", "captcha_0": "x", "captcha_1": "PASSED"},
        referer=base + "/accounts/login/",
    )
    assert answer.status_code == 302, answer.text[:2000]
    home = http.get(base + "/")
    assert home.status_code == 200 and "账户余额" in home.text and "张伟" in home.text
    assert "no-store" in home.headers["Cache-Control"], "a page with personal data is never cached"
    csp = home.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'self'" in csp
    assert "<script>" not in home.text and "onchange=" not in home.text, "no inline script for the CSP to block"

    # Staff log in to admin and see its index in Chinese, whatever the browser's language.
    staff = production_server.session()
    answer = post_form(
        staff,
        base + "/admin/login/",
        {"username": "reviewer", "password": "review1234", "next": "/admin/"},
        referer=base + "/admin/login/",
    )
    assert answer.status_code == 302, answer.text[:2000]
    index = staff.get(base + "/admin/", headers={"Accept-Language": "en-US"})
    assert index.status_code == 200 and "提取申请" in index.text and not english_in(index.text)


def test_production_errors_are_the_portals_chinese_pages(production_server, demo_world):
    base, http = production_server.url, production_server.session()
    missing = http.get(base + "/no-such-page/", headers={"Accept-Language": "en-US"})
    assert missing.status_code == 404 and "页面不存在" in missing.text and "返回首页" in missing.text
    forged = http.post(base + "/accounts/login/", data={"username": "x"}, headers={"Referer": base + "/"})
    assert forged.status_code == 403 and "页面已过期" in forged.text
    # Behind the proxy a plain-HTTP request is redirected to HTTPS (SECURE_SSL_REDIRECT).
    plain = http.get(base + "/accounts/login/", headers={"X-Forwarded-Proto": "http"}, allow_redirects=False)
    assert plain.status_code == 301 and plain.headers["Location"].startswith("https://")


def test_operations_see_every_workers_requests_json_logs_and_health(production_server, demo_world):
    """/metrics adds up gunicorn's workers (multiprocess mode); Django's log lines are JSON with the request id."""
    base, http = production_server.url, production_server.session()
    for _ in range(8):  # two workers: the requests land on both
        assert http.get(base + "/accounts/login/").status_code == 200
    text = http.get(base + "/metrics").text  # from 127.0.0.1, on GJJ_METRICS_NETWORKS by default
    logins = re.search(r'gjj_http_request_duration_seconds_count\{view="accounts:login"\} (\S+)', text)
    assert logins and float(logins.group(1)) >= 8
    assert 'gjj_payouts{state="pending"}' in text and "gjj_outbox_pending" in text and "gjj_beat_ok" in text
    health = http.get(base + "/healthz/")
    assert health.status_code == 200 and set(health.json()) >= {"status", "beat", "oldest_pending_payout"}
    request_id = "7e57c0de7e57c0de7e57c0de7e57c0de"
    missing = http.get(base + "/no-such-page/", headers={"X-Request-ID": request_id})
    assert missing.status_code == 404 and missing.headers["X-Request-ID"] == request_id
    lines = [json.loads(x) for x in production_server.log.read_text().splitlines() if x.startswith("{")]
    assert any(r["request_id"] == request_id and r["logger"] == "django.request" for r in lines)


def test_dockerfile_and_compose_run_what_this_test_proves():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "manage.py collectstatic --noinput" in dockerfile and "gunicorn" in dockerfile
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "manage.py migrate --noinput" in compose and "gunicorn gjj_portal.wsgi:application" in compose
    for service in ("worker:", "beat:", "postgres:", "redis:"):
        assert service in compose
    # Both leave workers, bind and timeout to gunicorn.conf.py, which gunicorn reads from the working directory.
    assert "--workers" not in dockerfile and "--workers" not in compose


def test_gunicorn_conf_gives_two_workers_per_core_plus_one_unless_told(monkeypatch):
    import multiprocessing
    import runpy

    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["workers"] == 2 * multiprocessing.cpu_count() + 1 and conf["timeout"] == 60
    assert conf["bind"] == "0.0.0.0:8000"
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 3


def test_a_million_row_xlsx_is_refused_by_the_production_build_within_the_reading_budget(production_server, demo_world):
    """Refused by the list limits (rows, unzipped size), well inside GJJ_LIST_MAX_SECONDS, without a worker
    timeout. (An absolute “under 2 s” failed when this VM ran slower: 2.07 s for the unchanged code.)"""
    import time

    from django.conf import settings

    from tests.deposits.test_spreadsheets import million_row_xlsx

    base, http = production_server.url, production_server.session()
    answer = post_form(
        http,
        base + "/accounts/unit/login/",
        {"identifier": "unit001", "password": "unit1234", "captcha_0": "x", "captcha_1": "PASSED"},
        referer=base + "/accounts/unit/login/",
    )
    assert answer.status_code == 302, answer.text[:2000]
    page = http.get(base + "/unit/monthly/")
    started = time.monotonic()
    refused = http.post(
        base + "/unit/monthly/",
        data={"csrfmiddlewaretoken": csrf_of(page.text), "action": "upload"},
        files={"file": ("big.xlsx", million_row_xlsx())},
        headers={"Referer": base + "/unit/monthly/"},
    )
    elapsed = time.monotonic() - started
    budget = settings.GJJ_LIST_MAX_SECONDS
    assert refused.status_code == 200 and "请分批上传" in refused.text and elapsed < budget, f"{elapsed:.2f} s"
    assert http.get(base + "/unit/").status_code == 200
    assert "WORKER TIMEOUT" not in production_server.log.read_text()


def test_two_hostile_sheets_at_once_do_not_hold_the_login_page(production_server, demo_world):
    """Two 560,000-row sheets (and two single rows of 900,000 cells) posted at once to the two gunicorn
    workers: each is refused by counting before openpyxl parses it, and a login page opened meanwhile
    answers within a second."""
    import threading
    import time

    from tests.deposits.test_spreadsheets import xlsx_with_rows

    base = production_server.url
    tiny_rows = xlsx_with_rows("<row/>" * 560_000)
    wide_row = xlsx_with_rows('<row r="2">' + "<c/>" * 900_000 + "</row>")
    assert len(tiny_rows) < 40 * 1024 and len(wide_row) < 40 * 1024

    def clerk():
        http = production_server.session()
        answer = post_form(
            http,
            base + "/accounts/unit/login/",
            {"identifier": "unit001", "password": "unit1234", "captcha_0": "x", "captcha_1": "PASSED"},
            referer=base + "/accounts/unit/login/",
        )
        assert answer.status_code == 302, answer.text[:2000]
        return http, csrf_of(http.get(base + "/unit/monthly/").text)

    clerks = [clerk() for _ in range(4)]
    answers: list = []

    def upload(http, token, content):
        started = time.monotonic()
        page = http.post(
            base + "/unit/monthly/",
            data={"csrfmiddlewaretoken": token, "action": "upload"},
            files={"file": ("list.xlsx", content)},
            headers={"Referer": base + "/unit/monthly/"},
        )
        answers.append((page.status_code, "请分批上传" in page.text, time.monotonic() - started))

    threads = [
        threading.Thread(target=upload, args=(*clerks[n], sheet))
        for n, sheet in enumerate([tiny_rows, tiny_rows, wide_row, wide_row])
    ]
    for thread in threads:
        thread.start()
    visitor = production_server.session()
    waits = []
    while any(thread.is_alive() for thread in threads) or not waits:
        started = time.monotonic()
        assert visitor.get(base + "/accounts/login/").status_code == 200
        waits.append(time.monotonic() - started)
    for thread in threads:
        thread.join()
    assert [a[:2] for a in answers] == [(200, True)] * 4, answers
    assert max(waits) < 1.0, f"the login page waited {max(waits):.2f} s; uploads took {[a[2] for a in answers]}"
