import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GJJ_"))}
    full_env.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True)


def test_check_deploy_is_clean_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x" * 20 + "k3Y-only-for-this-test-0123456789abcdefghij",
        DJANGO_ALLOWED_HOSTS="gjj.example.gov.cn",
        GJJ_SMS_BACKEND="tests.sms.ProviderSandboxSmsBackend",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_refuses_the_development_sms_backend_in_production():
    result = manage(
        "check",
        "--deploy",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x" * 20 + "k3Y-only-for-this-test-0123456789abcdefghij",
        DJANGO_ALLOWED_HOSTS="gjj.example.gov.cn",
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
