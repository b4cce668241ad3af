"""Fail loudly unless PostgreSQL and Redis answer at DATABASE_URL and CELERY_BROKER_URL.

Where a server is down but installed from Debian's packages, start it once; otherwise print the
one command that installs it. Tests never fall back to SQLite or eager Celery.
"""

import os
import shutil
import subprocess
import sys
import time
from urllib.parse import urlparse

import psycopg
import redis


def pg_ok(url):
    u = urlparse(url)
    try:
        psycopg.connect(
            host=u.hostname,
            port=u.port or 5432,
            user=u.username or "postgres",
            password=u.password,
            dbname="postgres",
            connect_timeout=3,
        ).close()
        return None
    except psycopg.OperationalError as exc:
        return str(exc).strip()


def redis_ok(url):
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
        return None
    except redis.RedisError as exc:
        return str(exc)


def try_start(cmd: list[str]):
    print("starting:", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=False)  # noqa: S603 (a fixed command of this script, no user input)
    time.sleep(3)


def main():
    db_url = os.environ["DATABASE_URL"]
    broker = os.environ["CELERY_BROKER_URL"]
    problems = []
    if pg_ok(db_url) and shutil.which("pg_ctlcluster") and os.path.isdir("/etc/postgresql"):
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        try_start(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"])
    if (err := pg_ok(db_url)) is not None:
        problems.append(
            f"PostgreSQL is not reachable at {db_url}: {err}\n"
            "  install it with: apt-get install -y postgresql  (trust auth for user postgres on 127.0.0.1)"
        )
    if redis_ok(broker) and shutil.which("redis-server"):
        try_start(
            [
                "redis-server",
                "--daemonize",
                "yes",
                "--bind",
                "127.0.0.1",
                "--port",
                "6379",
                "--save",
                "",
                "--appendonly",
                "no",
            ]
        )
    if (err := redis_ok(broker)) is not None:
        problems.append(
            f"Redis is not reachable at {broker}: {err}\n  install it with: apt-get install -y redis-server"
        )
    if problems:
        print("\n".join(["make test needs PostgreSQL and Redis:"] + problems), file=sys.stderr)
        sys.exit(1)
    print("services: PostgreSQL and Redis answer")


if __name__ == "__main__":
    main()
