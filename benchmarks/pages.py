"""Depositor pages on the production build under load, against a bare view on the same gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/pages.py [SECONDS [ROUNDS]]

On the generated database (generate.py): static files collected with the manifest storage, then
gunicorn as the image runs it (gunicorn.conf.py: sync workers, two per core plus one) with production
settings (DEBUG off, sessions and cache on Redis). wrk (Debian's package) puts 16 connections on each
URL for SECONDS (default 10) after a 2-second warm-up. A person's pages are kept in the cache until a
service changes what they show (gjj_portal/cache.py), so the depositor's reloads are served from it;
BENCH_PERSON_CACHE=false measures the pages reading the database every time (a first visit, or the first
after a change). Two bare views are the limits, on the same
server under the same load:
- /bench/bare/: a Django view through the whole middleware stack, anonymous (no session, no person);
- /bench/bare-personal/ (benchmarks/site/urls.py, only in the benchmark's URLconf): the same behind the
  depositor login, so the session is read from Redis and the person from PostgreSQL, as on every
  personal page, and nothing else is queried or rendered.
Then each page as a logged-in depositor picked at random, whose browser holds the session and the CSRF
cookie the login page set (without it every page would make a new CSRF secret and set the cookie, as
only a browser's first page does).

The machine's own speed moves (by half between runs minutes apart, seen in session 26), so a page is
compared with the personal bare view measured just before it, under the same conditions: ROUNDS rounds
(default 3) of bare view, page, for each page, and each page's ratio is the median of its rounds.
Requests per second and p90/p99 latency are printed. Every answer must be 200 (a redirect to the login
page would be fast and wrong). Target: every page ≥ 50 % of the personal bare view's rate.

    benchmarks/pages.py [SECONDS [ROUNDS]]     (default 6 seconds a measurement, 3 rounds)
"""

import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

PORT = int(os.environ.get("BENCH_PAGES_PORT", "8799"))
BASE = f"http://127.0.0.1:{PORT}"
PAGES = [  # (what the depositor calls it, path)
    ("我的公积金", "/"),
    ("缴存支取信息", "/statement/"),
    ("个人基本信息", "/profile/"),
    ("消息中心", "/messages/"),
    ("我发起的", "/withdrawals/mine/"),
    ("我的贷款", "/loans/"),
]
PERSONAL_BARE = "/bench/bare-personal/"
SECRET = secrets.token_urlsafe(50)
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/5")


def production_env(static_root: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GJJ_", "CELERY_", "REDIS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.site.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        DJANGO_STATIC_ROOT=str(static_root),
        DATABASE_URL=common.database_url(),
        REDIS_CACHE_URL=CACHE_URL,
        CELERY_BROKER_URL=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/12"),
        GJJ_SMS_BACKEND="tests.sms.ProviderSandboxSmsBackend",
        # BENCH_PERSON_CACHE=false: every page reads the database (a person's first page, or after a change)
        GJJ_PERSON_CACHE=os.environ.get("BENCH_PERSON_CACHE", "true"),
        PYTHONPATH=str(common.ROOT),
    )
    return env


def session_cookie(env: dict) -> str:
    """A depositor's session, made as a login makes it, in the server's own session store, and the CSRF
    cookie the login page gave the browser."""
    code = """
import django, sys
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.conf import settings
from importlib import import_module
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT user_id FROM deposits_personalaccount WHERE user_id IS NOT NULL AND status = 'normal' "
                   "ORDER BY random() LIMIT 1")
    user_id = cursor.fetchone()[0]
from accounts.models import User
user = User.objects.get(pk=user_id)
store = import_module(settings.SESSION_ENGINE).SessionStore()
store[SESSION_KEY] = str(user.pk)
store[BACKEND_SESSION_KEY] = "accounts.backends.DepositorBackend"  # the one a depositor logs in by
store[HASH_SESSION_KEY] = user.get_session_auth_hash()
store.save()
from django.middleware.csrf import _get_new_csrf_string
csrf = _get_new_csrf_string()
print(f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}")
"""
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"could not make a session:\n{done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1]


def wrk(url: str, seconds: int, cookie: str = "", header_line: str = "") -> tuple[float, float, float, int]:
    """(requests per second, p90 ms, p99 ms, non-2xx answers) for 16 connections on two threads
    (wrk's --latency prints the 50th, 75th, 90th and 99th percentiles)."""
    header = ["-H", header_line or f"Cookie: {cookie}"] if cookie or header_line else []
    if seconds > 1:  # the smoke run inside `make test` (1 s) only checks that every URL answers: no warm-up
        subprocess.run(["wrk", "-t2", "-c16", f"-d{min(2, seconds)}s", *header, url], capture_output=True, check=True)
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", *header, url], capture_output=True, text=True, check=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    to_ms = {"us": 0.001, "ms": 1, "s": 1000}

    def percentile(n):
        value, unit = re.search(rf"{n}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * to_ms[unit]

    return rate, percentile(90), percentile(99), int(bad.group(1)) if bad else 0


def gunicorn_start(env: dict, log_path: Path) -> subprocess.Popen:
    """gunicorn as the image runs it (gunicorn.conf.py) on PORT, answering /healthz/ (else the run stops)."""
    log = log_path.open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "gjj_portal.wsgi", "-b", f"127.0.0.1:{PORT}"],
        cwd=common.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(BASE + "/healthz/", timeout=2).read()
            return server
        except OSError:
            if server.poll() is not None or time.time() > deadline:
                server.terminate()
                sys.exit(f"gunicorn did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.3)


def ratio_row(table, name: str, runs: list, limit: str) -> None:
    """One measured URL's row: its rounds against the bare view measured just before each, the median ratio."""
    ratios = sorted(page[0] / own[0] for page, own in runs)
    ratio = statistics.median(ratios)
    (rate, p90, p99, _bad), own = min(runs, key=lambda run: abs(run[0][0] / run[1][0] - ratio))
    bad = sum(page[3] for page, _own in runs)
    table.add(
        name,
        f"{rate:,.0f} req/s, p90 {p90:.1f} / p99 {p99:.1f} ms" + (f", {bad} not 200" if bad else ""),
        f"{limit} {own[0]:,.0f} req/s just before",
        f"{ratio:.0%}" + (f" (rounds {' / '.join(f'{r:.0%}' for r in ratios)})" if len(ratios) > 1 else ""),
        "≥ 50 %",
        ratio >= 0.5 and not bad,
    )


def main(seconds: int, rounds: int) -> int:
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk (make browser installs it)")
    common.setup_django()
    meta = common.require_generated()
    static_root = Path(tempfile.mkdtemp(prefix="gjj-bench-static-"))
    env = production_env(static_root)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=common.ROOT, env=env, check=True
    )
    cookie = session_cookie(env)
    server = gunicorn_start(env, Path("/tmp/gjj-bench-gunicorn.log"))
    try:
        workers = len(subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split())
        for _name, path in [("", PERSONAL_BARE), *PAGES]:  # a redirect to the login page would be fast and wrong
            request = urllib.request.Request(BASE + path, headers={"Cookie": cookie})
            with urllib.request.urlopen(request, timeout=10) as response:
                if response.status != 200 or response.url != BASE + path:
                    sys.exit(f"{path} answered {response.status} at {response.url}")
        bare_rate, bare_p90, bare_p99, _ = wrk(BASE + "/bench/bare/", seconds)
        measured: dict[str, list[tuple]] = {path: [] for _name, path in PAGES}  # path → [(page, bare just before)]
        for _round in range(rounds):
            own = None
            for _name, path in PAGES:
                if own is None or seconds > 1:  # the 1-second smoke run measures the bare view once a round
                    own = wrk(BASE + PERSONAL_BARE, seconds, cookie)
                measured[path].append((wrk(BASE + path, seconds, cookie), own))
        owns = [own for runs in measured.values() for _page, own in runs]
        own_rate = statistics.median(own[0] for own in owns)
        own_bad = sum(own[3] for own in owns)
        table = common.Table(
            f"Depositor pages at 16 clients, gunicorn {workers} workers, production settings "
            f"({meta['accounts']:,} accounts; {rounds} round(s) of {seconds} s, each page after the bare view)"
        )
        table.add(
            "bare view /bench/bare/, anonymous", f"{bare_rate:,.0f} req/s, p90 {bare_p90:.1f} / p99 {bare_p99:.1f} ms"
        )
        table.add(
            f"bare view {PERSONAL_BARE}, logged in (the limit)",
            f"median {own_rate:,.0f} req/s of {len(owns)} (from {min(o[0] for o in owns):,.0f} to "
            f"{max(o[0] for o in owns):,.0f})" + (f", {own_bad} not 200" if own_bad else ""),
            f"anonymous {bare_rate:,.0f} req/s",
            f"{own_rate / bare_rate:.0%}",
        )
        for name, path in PAGES:
            ratio_row(table, f"{name} {path}", measured[path], "logged in")
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(static_root, ignore_errors=True)
    table.print()
    return 1 if table.failed else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 6, int(sys.argv[2]) if len(sys.argv) > 2 else 3))
