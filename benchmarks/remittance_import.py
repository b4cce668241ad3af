"""How fast does a 10,000-row 当月汇缴 file post? Prints figures; it is not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gjj .venv/bin/python benchmarks/remittance_import.py [ROWS]

It creates its own throwaway PostgreSQL database (gjj_bench), migrates it, loads an employer with ROWS
employees (default 10,000), writes the list as CSV and times: reading the file, validating every row,
posting (one ledger entry per employee, in one transaction). Then it drops the database.
"""

import csv
import io
import os
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gjj_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402


def main(rows: int) -> None:
    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL to a PostgreSQL server: the target is measured on PostgreSQL")
    settings.DATABASES["default"]["TEST"].update(NAME="gjj_bench")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(rows)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(rows: int) -> None:
    from deposits import remittance
    from deposits.models import Employer, EntryKind, LedgerEntry, PersonalAccount
    from deposits.selectors import accounts_out_of_balance

    employer = Employer.objects.create(dwzh="BENCH0001", name="基准测试单位", credit_code="BENCH", region="沈阳市")
    PersonalAccount.objects.bulk_create(
        (
            PersonalAccount(
                grzh=f"9{n:011d}",
                name=f"职工{n}",
                id_number=f"B{n:017d}",
                phone="13800000000",
                employer=employer,
                base=Decimal("5000.00"),
                opened_on=date(2020, 1, 1),
            )
            for n in range(rows)
        ),
        batch_size=5000,
    )
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(remittance.MONTHLY_HEADERS)
    writer.writerows([f"9{n:011d}", f"职工{n}", "1200.00"] for n in range(rows))
    content = buf.getvalue().encode("utf-8-sig")
    period = date.today().strftime("%Y-%m")

    t0 = time.perf_counter()
    table = remittance.read_table("bench.csv", content, remittance.MONTHLY_HEADERS)
    t1 = time.perf_counter()
    valid = remittance.validate_monthly(employer=employer, period=period, rows=table)
    t2 = time.perf_counter()
    batch = remittance.remittance_post(employer=employer, period=period, rows=valid)
    t3 = time.perf_counter()

    assert batch.rows == rows
    assert LedgerEntry.objects.filter(kind=EntryKind.REMITTANCE).count() == rows
    assert not accounts_out_of_balance().exists()
    total = t3 - t0
    print(f"rows                {rows:>10,}")
    print(f"read CSV            {t1 - t0:>10.2f} s")
    print(f"validate rows       {t2 - t1:>10.2f} s")
    print(f"post (1 transaction){t3 - t2:>10.2f} s")
    print(f"total               {total:>10.2f} s   ({rows / total:,.0f} rows/s; target: {rows:,} rows < 10 s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
