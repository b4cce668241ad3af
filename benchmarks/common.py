"""What every benchmark script shares: the benchmark database, Django set-up, timing and the table.

The benchmark database (`gjj_bench` unless BENCH_DB says otherwise) lives on the server DATABASE_URL
names and is filled by `generate.py`; the scripts read it and never touch the portal's own database.
Figures are printed as `figure | measured | limit | ratio | target | verdict` rows.
"""

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH_DB = os.environ.get("BENCH_DB", "gjj_bench")


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("set DATABASE_URL to a PostgreSQL server: the figures are measured on PostgreSQL")
    return url


def database_url(name: str = BENCH_DB) -> str:
    parts = urlsplit(server_url())
    return urlunsplit(parts._replace(path=f"/{name}"))


def setup_django(**env) -> None:
    """Point Django at the benchmark database and set it up (settings read the environment once)."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gjj_portal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    for key, value in env.items():
        os.environ.setdefault(key, value)
    import django

    django.setup()


def require_generated() -> dict:
    """The generator's record of what it made; exits with a hint when the database is not there."""
    from django.db import connection
    from django.db.utils import OperationalError, ProgrammingError

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT accounts, months, users, applications FROM bench_meta")
            accounts, months, users, applications = cursor.fetchone()
    except (OperationalError, ProgrammingError):
        sys.exit(f"no benchmark data in {BENCH_DB}: run `make bench-data` (or benchmarks/generate.py) first")
    return {"accounts": accounts, "months": months, "users": users, "applications": applications}


def timed(fn, repeat: int) -> list[float]:
    """Seconds per call, `repeat` calls after one warm-up."""
    fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def p95_ms(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)] * 1000


class Table:
    """Rows of figures, printed as a Markdown table; `failed` tells whether any target was missed."""

    def __init__(self, title: str):
        self.title = title
        self.rows: list[tuple[str, str, str, str, str, str]] = []
        self.failed = False

    def add(self, figure: str, measured: str, limit: str = "", ratio: str = "", target: str = "", ok=None):
        verdict = "" if ok is None else ("ok" if ok else "MISSED")
        self.failed |= ok is False
        self.rows.append((figure, measured, limit, ratio, target, verdict))
        print(f"  {figure}: {measured} {limit} {ratio} {target} {verdict}".rstrip(), flush=True)

    def print(self) -> None:
        print(f"\n### {self.title}\n")
        print("| figure | measured | limit (same run) | ratio | target | |")
        print("|---|---|---|---|---|---|")
        for row in self.rows:
            print("| " + " | ".join(row) + " |")
        print(flush=True)
