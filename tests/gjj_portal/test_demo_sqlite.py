"""`make run`'s demo runs on SQLite (no DATABASE_URL, tasks eager): the pages every depositor opens must
work there too (session 26 broke four of them with no test noticing). This runs the demo as `make run` sets
it up, in its own process, and opens them as each demo person."""

import os
import subprocess
import sys

from tests.processes import ROOT

PAGES = ["/", "/statement/", "/profile/", "/messages/", "/messages/read/", "/messages/mine/", "/withdrawals/mine/",
         "/loans/", "/loans/plan/"]  # fmt: skip

VISIT = """
import django
django.setup()
from django.conf import settings
from django.test import Client
from accounts.models import User
settings.ALLOWED_HOSTS = ["testserver"]
for person in User.objects.filter(account__isnull=False).select_related("account").order_by("id_number"):
    client = Client()
    client.force_login(person, backend="accounts.backends.DepositorBackend")
    for path in PAGES:
        answer = client.get(path)
        print(person.id_number, path, answer.status_code, person.account.grzh in answer.content.decode())
"""


def test_the_demo_pages_open_on_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CELERY_", "REDIS_", "DJANGO_"))}
    env.update(DJANGO_DEBUG="true", GJJ_SQLITE_NAME=str(tmp_path / "demo.sqlite3"), PYTHONPATH=str(ROOT))
    env.update(DJANGO_SETTINGS_MODULE="gjj_portal.settings")
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    script = f"PAGES = {PAGES!r}\n{VISIT}"
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = [line.split() for line in done.stdout.splitlines()]
    assert len(seen) == 5 * len(PAGES), done.stdout
    failed = [line for line in seen if line[2] != "200" or line[3] != "True"]
    assert not failed, f"not 200, or without the person's account number: {failed}"
