"""The benchmark suite at a small size, so its scripts never rot (the figures themselves are measured
with `make bench` at a center's size; targets are not asserted here, the correctness checks are)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db(transaction=True)
def test_the_suite_runs_on_a_small_generated_center():
    db = settings.DATABASES["default"]
    server = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/postgres"
    # Redis databases of its own: `make test` runs the browser tests beside this one, and the two centers'
    # test flushes 2-5 (tests/browser/two_centers.py).
    redis = settings.CELERY_BROKER_URL.rsplit("/", 1)[0]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_")}
    env.update(DATABASE_URL=server, BENCH_DB="gjj_bench_ci")
    env.update(BENCH_BROKER_URL=f"{redis}/12", BENCH_CACHE_URL=f"{redis}/1")

    def run(*args):
        return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)

    made = run("benchmarks/generate.py", "--accounts", "2000", "--months", "6", "--employers", "20")
    assert made.returncode == 0, made.stdout + made.stderr
    suite = run("benchmarks/run_all.py", "--small")
    out = suite.stdout
    assert suite.returncode in (0, 1), out + suite.stderr  # 1: a target missed at this size, not a crash
    assert out.count("| figure |") == 9, out + suite.stderr
    checks = (
        "balances equal their entries",
        "each paid exactly once, with its status rows",
        "50 random accounts = the per-account function; balances = entries",
        "second run",
        "no mismatch",
    )
    for check in checks:
        row = next(line for line in out.splitlines() if line.startswith(f"| {check} |"))
        assert row.rstrip().endswith("| ok |"), row
