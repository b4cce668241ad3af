"""The restore drill, as an operator runs it: back up a center's database and private media, lose both (the
database dropped, the files gone), restore, and `reconcile` finds every ledger balanced. Commands run in their
own processes against a database of their own; the drill never touches the test database."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def drill_database():
    db = settings.DATABASES["default"]
    name = f"gjj_drill_{secrets.token_hex(4)}"
    server = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    admin = psycopg.connect(f"{server}/postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')

    def recreate():
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')

    yield f"{server}/{name}", recreate
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_back_up_lose_everything_restore_and_reconcile_clean(drill_database, tmp_path):
    url, recreate = drill_database
    media, backups = tmp_path / "media", tmp_path / "backups"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GJJ_"))}
    env |= {"DJANGO_DEBUG": "true", "DATABASE_URL": url, "GJJ_PRIVATE_MEDIA_ROOT": str(media),
            "GJJ_BACKUP_DIR": str(backups), "DJANGO_SETTINGS_MODULE": "gjj_portal.settings"}  # fmt: skip

    def manage(*args):
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
        return done.stdout

    manage("migrate", "--noinput", "-v", "0")
    manage("seed_demo")
    scan = media / "materials" / "2026" / "租房合同.png"
    scan.parent.mkdir(parents=True)
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(2000))
    kept = scan.read_bytes()
    before = manage("reconcile")

    said = manage("backup_center")
    stamp = said.split()[2].rstrip(":")
    assert sorted(p.name for p in backups.iterdir() if not p.name.endswith(".metadata")) == [
        f"gjj-{stamp}.psql.bin.gz", f"gjj-media-{stamp}.tar.gz",
    ]  # fmt: skip
    assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in backups.iterdir())  # personal data: operators only

    recreate()  # the database is lost
    scan.unlink()  # and the scans with it
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] == 0

    restored = manage("restore_center", stamp, "--noinput")
    assert f"restored {stamp}" in restored and "reconciled 5 accounts: no mismatch" in restored
    assert manage("reconcile") == before
    assert scan.read_bytes() == kept
    with psycopg.connect(url) as conn:
        # The ledger's append-only trigger came back with the tables.
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            conn.execute("UPDATE deposits_ledgerentry SET amount = amount + 1")
