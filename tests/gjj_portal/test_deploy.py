import os
import subprocess
import sys
from pathlib import Path

from crosscenter.signing import key_pair_new
from tests.pki import signing_env

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x" * 20 + "k3Y-only-for-this-test-0123456789abcdefghij",
    "DJANGO_ALLOWED_HOSTS": "gjj.example.gov.cn",
}


def manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GJJ_"))}
    full_env.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        **signing_env(tmp_path),
        GJJ_SMS_BACKEND="tests.sms.ProviderSandboxSmsBackend",
        GJJ_CENTER_SIGNING_KEY=key_pair_new()[0],
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_refuses_a_center_without_its_document_signing_certificate(tmp_path):
    env = signing_env(tmp_path) | {"GJJ_SIGNING_CERT_FILE": str(tmp_path / "missing.pem")}
    result = manage(
        "check", "--deploy", **PRODUCTION, **env,
        GJJ_SMS_BACKEND="tests.sms.ProviderSandboxSmsBackend", GJJ_CENTER_SIGNING_KEY=key_pair_new()[0],
    )  # fmt: skip
    assert result.returncode != 0 and "gjj.E003" in result.stderr and "GJJ_SIGNING_CERT_FILE" in result.stderr


def test_check_deploy_refuses_a_center_without_a_signing_key():
    result = manage(
        "check",
        "--deploy",
        **PRODUCTION,
        GJJ_SMS_BACKEND="tests.sms.ProviderSandboxSmsBackend",
    )
    assert result.returncode != 0 and "gjj.E002" in result.stderr


def test_check_deploy_refuses_the_development_sms_backend_in_production():
    result = manage(
        "check",
        "--deploy",
        **PRODUCTION,
    )
    assert result.returncode != 0 and "gjj.E001" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="false")
    assert result.returncode != 0 and "DJANGO_SECRET_KEY must be set" in result.stderr


def test_no_model_change_lacks_a_migration_wherever_the_portal_is_installed(tmp_path):
    # A setting that differs per machine must never be frozen into a migration (it once was).
    result = manage(
        "makemigrations",
        "--check",
        "--dry-run",
        DJANGO_DEBUG="true",
        GJJ_PRIVATE_MEDIA_ROOT=str(tmp_path / "elsewhere"),
        GJJ_BANK_FILE_DIR=str(tmp_path / "bank"),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def start(command: list[str], **env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GJJ_", "CELERY_"))}
    full_env.update(env)
    return subprocess.run(command, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=60)


def test_the_web_server_and_the_worker_refuse_to_start_on_the_development_sms_backend():
    """Not only under `check --deploy`: the WSGI application gunicorn loads and the Celery worker stop at once;
    a build step (collectstatic, which sends no SMS) still runs; a staging system says so and starts."""
    wsgi = [sys.executable, "-c", "import gjj_portal.wsgi"]
    refused = start(wsgi, **PRODUCTION)
    assert refused.returncode != 0 and "development backend while DEBUG is off" in refused.stderr
    worker = [sys.executable, "-m", "celery", "-A", "gjj_portal", "worker", "-P", "solo", "-Q", "nothing-here"]
    stopped = start(worker, **PRODUCTION, CELERY_BROKER_URL="redis://127.0.0.1:6379/9")
    assert stopped.returncode != 0 and "development backend while DEBUG is off" in stopped.stdout + stopped.stderr
    assert start(wsgi, **PRODUCTION, GJJ_SMS_STAGING="true").returncode == 0
    assert start(wsgi, **PRODUCTION, GJJ_SMS_BACKEND="tests.sms.ProviderSandboxSmsBackend").returncode == 0
    collect = start([sys.executable, "manage.py", "collectstatic", "--noinput", "--dry-run"], **PRODUCTION)
    assert collect.returncode == 0, collect.stderr
