"""Two centers on one machine, each as it deploys: its own PostgreSQL database, its own Redis databases
and queue, gunicorn serving the production build over TLS on its own port, and its own Celery worker
(with the beat sweeps). They know each other as partners by real Ed25519 keys made for the run."""

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests
from django.db import connection

from tests.processes import ROOT, _free_port, _stop, production_env, wait_for

PYTHON = sys.executable


@dataclass
class Center:
    profile: str
    code: str
    name: str
    database: str
    redis_db: int
    tmp: Path
    static: Path
    certificate: tuple[Path, Path]
    private_key: str = ""
    public_key: str = ""
    port: int = field(default_factory=_free_port)
    web: subprocess.Popen | None = None
    worker: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def database_url(self) -> str:
        db = connection.settings_dict
        return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{self.database}"

    def env(self) -> dict:
        redis = "redis://127.0.0.1:6379/{}"
        return production_env(
            DATABASE_URL=self.database_url,
            CELERY_BROKER_URL=redis.format(self.redis_db),
            REDIS_CACHE_URL=redis.format(self.redis_db + 1),
            CELERY_QUEUE=f"gjj-{self.profile}",
            GJJ_CENTER=self.profile,
            GJJ_CENTER_SIGNING_KEY=self.private_key,
            GJJ_PARTNER_CA_BUNDLE=str(self.certificate[0]),
            DJANGO_STATIC_ROOT=str(self.static),
            GJJ_CAPTCHA_TEST_MODE="true",
            GJJ_PRIVATE_MEDIA_ROOT=str(self.tmp / "media"),
            GJJ_BANK_FILE_DIR=str(self.tmp / "bank"),
            # A partner that was down is tried again within seconds in the test (minutes in production).
            GJJ_OUTBOX_BACKOFF_BASE="1",
            GJJ_OUTBOX_BACKOFF_MAX="2",
            GJJ_OUTBOX_SWEEP_SECONDS="3",
            GJJ_PAYOUT_SWEEP_SECONDS="3",
            GJJ_PAYOUT_PENDING_STALE_SECONDS="5",
        )

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env(), capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, f"{self.profile} manage.py {args}:\n{result.stdout}\n{result.stderr[-3000:]}"
        return result.stdout

    def query(self, sql: str, params=()) -> list[tuple]:
        with psycopg.connect(self.database_url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    def value(self, sql: str, params=()):
        rows = self.query(sql, params)
        return rows[0][0] if rows else None

    def start_web(self) -> None:
        cert, key = self.certificate
        log = (self.tmp / "gunicorn.log").open("a")
        self.web = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "gjj_portal.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "2", "--timeout", "60", "--certfile", str(cert), "--keyfile", str(key)],
            cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip

        def up():
            if self.web.poll() is not None:
                return True
            try:
                return requests.get(self.url + "/healthz/", verify=str(cert), timeout=5).status_code < 500
            except requests.RequestException:
                return False

        wait_for(up, timeout=60, what=f"{self.profile} gunicorn")
        assert self.web.poll() is None, (self.tmp / "gunicorn.log").read_text()[-3000:]

    def stop_web(self) -> None:
        _stop([self.web])
        self.web = None

    def start_worker(self) -> None:
        log = self.tmp / "worker.log"
        self.worker = subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "gjj_portal", "worker", "-B", "-s", str(self.tmp / "beat-schedule"),
             "-l", "info", "-c", "1", "-Q", f"gjj-{self.profile}", "-n", f"{self.profile}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env={**self.env(), "DJANGO_CONN_MAX_AGE": "0"}, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for(lambda: "ready." in log.read_text() or self.worker.poll() is not None, timeout=150, what="worker")
        assert self.worker.poll() is None, log.read_text()[-3000:]

    def stop(self) -> None:
        _stop([p for p in (self.web, self.worker) if p is not None])


def database_create(name: str) -> None:
    db = connection.settings_dict
    admin = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def database_drop(name: str) -> None:
    db = connection.settings_dict
    admin = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_flush(*dbs: int) -> None:
    import redis

    for db in dbs:
        redis.Redis(host="127.0.0.1", port=6379, db=db).flushdb()


def two_centers_start(tmp: Path, static: Path, certificate) -> tuple[Center, Center]:
    """辽宁省直 (A) and 柳州 (B), migrated and seeded with the demo world, each registered at the other."""
    from crosscenter.signing import key_pair_new

    base = connection.settings_dict["NAME"]
    a = Center(
        "liaoning", "219900", "辽宁省省直住房资金管理中心", f"{base}_center_a", 2, tmp / "a", static, certificate
    )
    b = Center("liuzhou", "450200", "柳州市住房公积金管理中心", f"{base}_center_b", 4, tmp / "b", static, certificate)
    for center in (a, b):
        center.tmp.mkdir(parents=True, exist_ok=True)
        center.private_key, center.public_key = key_pair_new()
        database_create(center.database)
        redis_flush(center.redis_db, center.redis_db + 1)
    started = time.monotonic()
    procs = [subprocess.Popen([PYTHON, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=c.env(),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for c in (a, b)]  # fmt: skip
    for proc in procs:
        out, _ = proc.communicate(timeout=600)
        assert proc.returncode == 0, out[-3000:]
    for center in (a, b):
        center.manage("seed_demo")
    a.manage("register_partner_center", b.code, b.name, b.url, b.public_key)
    b.manage("register_partner_center", a.code, a.name, a.url, a.public_key)
    for center in (a, b):
        center.start_web()
        center.start_worker()
    print(f"two centers up in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return a, b


def downloads_dir(tmp: Path) -> Path:
    folder = tmp / "downloads"
    folder.mkdir(exist_ok=True)
    return folder


__all__ = ["Center", "database_drop", "two_centers_start", "downloads_dir", "os"]
