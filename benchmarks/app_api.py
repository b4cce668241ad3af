"""The app channel's reads at a center's size, on the production build, against a bare JSON view.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/app_api.py [SECONDS [ROUNDS]]

As benchmarks/pages.py (the same production settings, gunicorn as the image runs it, wrk at 16 connections;
no static files are collected: the API answers JSON only), with an app's access token of a depositor picked
at random on the generated database instead of a session cookie. The limit is /bench/bare-api/
(benchmarks/site/urls.py): a DRF view with the same token authentication and permission answering
{"ok": true} — what every API call costs before its own work. Each endpoint is measured right after the bare
view, ROUNDS times; its ratio is the median. Every answer must be 200. Target: ≥ 50 % of the bare JSON view.
"""

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from pages import BASE, gunicorn_start, production_env, ratio_row, wrk  # noqa: E402

ENDPOINTS = [  # (what the app shows, path)
    ("个人账户 /api/v1/account", "/api/v1/account"),
    ("缴存明细（近一年，第1页） /api/v1/account/entries", "/api/v1/account/entries"),
]
BARE = "/bench/bare-api/"


def access_token(env: dict) -> str:
    """A depositor's token as the login issues it (api.services.token_issue), in the server's own database."""
    code = """
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT user_id FROM deposits_personalaccount WHERE user_id IS NOT NULL AND status = 'normal' "
                   "ORDER BY random() LIMIT 1")
    user_id = cursor.fetchone()[0]
from accounts.models import User
from api.services import token_issue
print(token_issue(user=User.objects.get(pk=user_id), device_id="bench").access_token)
"""
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"could not issue a token:\n{done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1]


def main(seconds: int, rounds: int) -> int:
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk (make browser installs it)")
    common.setup_django()
    meta = common.require_generated()
    static_root = Path(tempfile.mkdtemp(prefix="gjj-bench-static-"))
    env = production_env(static_root)
    header = f"Authorization: Bearer {access_token(env)}"
    server = gunicorn_start(env, Path("/tmp/gjj-bench-api-gunicorn.log"))
    try:
        for _name, path in [("", BARE), *ENDPOINTS]:
            name, value = header.split(": ", 1)
            with urllib.request.urlopen(urllib.request.Request(BASE + path, headers={name: value}), timeout=10) as r:
                if r.status != 200:
                    sys.exit(f"{path} answered {r.status}")
                json.loads(r.read())
        measured: dict[str, list[tuple]] = {path: [] for _name, path in ENDPOINTS}
        for _round in range(rounds):
            for _name, path in ENDPOINTS:
                own = wrk(BASE + BARE, seconds, header_line=header)
                measured[path].append((wrk(BASE + path, seconds, header_line=header), own))
        owns = [own for runs in measured.values() for _page, own in runs]
        own_rate = statistics.median(own[0] for own in owns)
        table = common.Table(
            f"App API at 16 clients, production settings ({meta['accounts']:,} accounts; {rounds} round(s) of "
            f"{seconds} s, each endpoint after the bare JSON view)"
        )
        table.add(
            f"bare JSON view {BARE}, token checked (the limit)",
            f"median {own_rate:,.0f} req/s of {len(owns)} (from {min(o[0] for o in owns):,.0f} to "
            f"{max(o[0] for o in owns):,.0f})"
            + (f", {sum(o[3] for o in owns)} not 200" if any(o[3] for o in owns) else ""),
        )
        for name, path in ENDPOINTS:
            ratio_row(table, name, measured[path], "bare JSON view")
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(static_root, ignore_errors=True)
    table.print()
    return 1 if table.failed else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 6, int(sys.argv[2]) if len(sys.argv) > 2 else 3))
