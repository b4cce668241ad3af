"""Real processes for the tests: Celery workers and the production build of the portal.

`production_server` is what a center deploys, minus the proxy: `DJANGO_DEBUG=false` with the
production settings as they ship (secure cookies, HSTS, SSL redirect), static files collected with
the manifest storage into a temporary directory, gunicorn serving them through whitenoise, over TLS
with a throwaway certificate (so secure cookies and the HTTPS-only CSRF check behave as in
production), on the test database. Loaded for every test by `pytest_plugins` in tests/conftest.py."""

import datetime
import functools
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def codes_in_clear(codes: list[str], logs: list[Path]) -> list[str]:
    """Where any of these one-time codes can be read: each log file, and every text, varchar or JSON column
    of every table of the test database (a code is a run of exactly these digits)."""
    import re

    from django.db import connection

    pattern = "(" + "|".join(codes) + ")"
    found = [
        f"{log.name}: {m.group()}" for log in logs for m in re.finditer(rf"(?<!\d){pattern}(?!\d)", log.read_text())
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()
               AND data_type IN ('character varying', 'text', 'jsonb', 'json')"""
        )
        for table, column in cursor.fetchall():
            sql = f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ~ %s'  # noqa: S608 - catalogue names
            cursor.execute(sql, [rf"(^|\D){pattern}(\D|$)"])
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
    return found


def wait_for(predicate, timeout=40, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _stop(procs):
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def start_worker(transactional_db, tmp_path):
    """Start real Celery worker processes on the test database; all are stopped at the end."""
    from gjj_portal.celery import app

    started = []
    app.control.purge()  # messages left by earlier tests point at rows that no longer exist

    def spawn(name, args, **extra_env):
        env = {**os.environ, "DATABASE_URL": _database_url(), "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
               "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE, "DJANGO_CONN_MAX_AGE": "0", **extra_env}  # fmt: skip
        log = tmp_path / f"{name}.log"
        proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "gjj_portal", *args], cwd=ROOT, env=env,
                                stdout=log.open("w"), stderr=subprocess.STDOUT)  # fmt: skip
        proc.log = log
        started.append(proc)
        return proc

    def await_line(proc, line, what):
        # A loaded 2-core machine has taken more than a minute to boot a worker.
        wait_for(lambda: line in proc.log.read_text() or proc.poll() is not None, timeout=150, what=what)
        assert proc.poll() is None, f"{what} died:\n{proc.log.read_text()[-3000:]}"
        return proc

    def start(pool="prefork", **extra_env):
        n = len(started)
        args = ["worker", "-l", "info", "-c", "1", "-P", pool, "-n", f"test{n}@%h", "-Q"]
        args += [settings.CELERY_TASK_DEFAULT_QUEUE, "--without-gossip", "--without-mingle", "--without-heartbeat"]
        return await_line(spawn(f"worker{n}", args, **extra_env), "ready.", "the worker")

    def beat(**extra_env):
        """celery beat as compose runs it, on the test broker (its schedule file in tmp_path)."""
        args = ["beat", "-l", "info", "-s", str(tmp_path / "celerybeat-schedule"), "--max-interval", "5"]
        return await_line(spawn("beat", args, **extra_env), "beat: Starting", "beat")

    start.beat = beat
    yield start
    _stop(started)
    connection.close()  # the workers held connections to the test database


def _signing_key() -> str:
    from crosscenter.signing import key_pair_new

    return key_pair_new()[0]


@functools.cache
def _document_signing() -> dict[str, str]:
    from tests.pki import signing_env

    return signing_env(Path(tempfile.mkdtemp(prefix="gjj-pki-")))


def production_env(**extra) -> dict:
    """The environment of a production deployment, pointed at the test database and Redis."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GJJ_"))}
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=_database_url(),
        DJANGO_CONN_MAX_AGE="0",
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CELERY_QUEUE=settings.CELERY_TASK_DEFAULT_QUEUE,
        REDIS_CACHE_URL=settings.CACHES["default"].get("LOCATION", ""),
        GJJ_PRIVATE_MEDIA_ROOT=str(settings.PRIVATE_MEDIA_ROOT),
        GJJ_BANK_FILE_DIR=str(settings.GJJ_BANK_FILE_DIR),
        GJJ_SMS_BACKEND="tests.sms.ProviderSandboxSmsBackend",  # the center's provider adapter
        GJJ_CENTER_SIGNING_KEY=_signing_key(),  # a configured center: its 跨省通办 messages can be signed
        **_document_signing(),  # and its documents (a throwaway CA's certificate)
    )
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def production_static(tmp_path_factory):
    """`manage.py collectstatic` exactly as the Dockerfile runs it (manifest storage, DEBUG off)."""
    root = tmp_path_factory.mktemp("staticfiles")
    env = production_env(DJANGO_STATIC_ROOT=str(root), DJANGO_SECRET_KEY="build-only")
    env.pop("DATABASE_URL")  # the image is built without a database
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, f"collectstatic failed:\n{result.stdout}\n{result.stderr}"
    assert (root / "staticfiles.json").exists()
    return root


@pytest.fixture(scope="session")
def tls_certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, made with `cryptography`."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return folder / "cert.pem", folder / "key.pem"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    log: Path
    certificate: Path
    process: subprocess.Popen | None = None

    def session(self) -> requests.Session:
        """An HTTP client that trusts this server's certificate and keeps cookies, like a browser."""
        http = requests.Session()
        http.trust_env = False  # a CA bundle named in the environment would override `verify`
        http.verify = str(self.certificate)
        return http

    def workers(self) -> set[str]:
        found = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True)
        return set(found.stdout.split())

    def fresh_workers(self) -> None:
        """New worker processes (gunicorn's SIGHUP), for a test that writes through admin: each test's flush
        recreates the content types under new ids, and a worker that served an earlier test still holds the
        old ones in Django's ContentType cache (a production server's database is never flushed under it)."""
        import signal

        before = self.workers()
        self.process.send_signal(signal.SIGHUP)
        wait_for(lambda: self.workers() and not (self.workers() & before), timeout=60, what="new gunicorn workers")
        wait_for(lambda: self.session().get(self.url + "/healthz/", timeout=5).ok, timeout=60, what="gunicorn")


@pytest.fixture(scope="session")
def _production_gunicorn(django_db_setup, production_static, tls_certificate, tmp_path_factory):
    """One gunicorn for the whole run (starting one took seconds per test). It keeps nothing between tests:
    database connections close after each request (CONN_MAX_AGE=0), the test database is emptied after each
    test, and its cache is the tests' Redis database, which every test starts by clearing."""
    cert, key = tls_certificate
    port = _free_port()
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = production_env(
        DJANGO_STATIC_ROOT=str(production_static),
        # Automated browsers answer the image captcha with PASSED (README); the system check warns.
        GJJ_CAPTCHA_TEST_MODE="true",
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "gjj_portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
            "--certfile",
            str(cert),
            "--keyfile",
            str(key),
            "--access-logfile",
            "-",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"https://127.0.0.1:{port}"

    def up():
        if proc.poll() is not None:
            return True
        try:
            return requests.get(url + "/accounts/login/", verify=str(cert), timeout=5).status_code == 200
        except requests.RequestException:
            return False

    wait_for(up, timeout=60, what="gunicorn")
    assert proc.poll() is None, f"gunicorn died:\n{log.read_text()[-3000:]}"
    yield Server(url=url, log=log, certificate=cert, process=proc)
    _stop([proc])


@pytest.fixture
def production_server(transactional_db, _production_gunicorn):
    """gunicorn serving the production build on the test database (see the module docstring)."""
    assert _production_gunicorn.process.poll() is None, _production_gunicorn.log.read_text()[-3000:]
    yield _production_gunicorn
    connection.close()
