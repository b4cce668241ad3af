"""A 当月汇缴 list of ROWS employees (default 10,000), from the file to the entries, at a center's size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/remittance_import.py [ROWS]

On the generated database (generate.py), so the ledger already holds its millions of rows and indexes.
An employer with ROWS registered employees is added once. Each round takes a new month and times:
reading the CSV, validating every row, 申报 (the list and its lines), 到账 → 入账 (accounts locked, rows
re-checked, one entry per employee, balances and 缴至年月) and the notices the worker then sends (the
"whole list" counts them all); against the limit
measured in the same run on the same accounts: PostgreSQL COPY of ROWS entries plus one UPDATE of
their balances, committed. Three rounds, medians. Then every balance of the employer is checked
against its entries. Targets: the whole list under 2 s, posting within 2× the COPY.
"""

import csv
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

DWZH = "BLIST0001"


def employer_with(rows: int):
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from deposits.models import Employer

    employer, _ = Employer.objects.get_or_create(
        dwzh=DWZH, defaults={"name": "清册基准单位", "credit_code": "BLIST0000000000001", "region": "沈阳市"}
    )
    existing = employer.accounts.count()
    if existing == rows:
        return employer
    if existing:
        sys.exit(f"{DWZH} has {existing:,} employees, not {rows:,}: regenerate the database")
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO deposits_personalaccount
                 (public_id, grzh, name, id_number, phone, status, seal_reason, base, employer_ratio, employee_ratio,
                  balance, opened_on, household_region, owns_house, employer_id, job_category, online_enabled)
               SELECT gen_random_uuid(), '8' || lpad(n::text, 11, '0'), '员工' || n,
                      '31' || lpad(n::text, 15, '0') || 'X', '137' || lpad(n::text, 8, '0'), 'normal', '', 5000,
                      0.12, 0.12, 0, make_date(2020, 1, 1), '沈阳市', false, %s, 'cadre', true
               FROM generate_series(1, %s) AS n""",
            [employer.pk, rows],
        )
        cursor.execute(
            """INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                 is_active, date_joined, role, full_name, id_number, phone, must_change_password, session_version)
               SELECT %s, false, id_number, '', '', '', false, true, now(), 'depositor', name, id_number, phone,
                      false, 0
               FROM deposits_personalaccount WHERE employer_id = %s""",
            [make_password(None), employer.pk],
        )
        cursor.execute(
            """UPDATE deposits_personalaccount a SET user_id = u.id FROM accounts_user u
               WHERE a.employer_id = %s AND u.id_number = a.id_number""",
            [employer.pk],
        )
        cursor.execute("ANALYZE deposits_personalaccount")
    return employer


def baseline(employer, period: str) -> float:
    """COPY of one entry per employee and one UPDATE of their balances, committed."""
    from django.db import connection, transaction

    from deposits.models import PersonalAccount

    accounts = list(PersonalAccount.objects.filter(employer=employer).values_list("pk", "balance"))
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.copy(
            "COPY deposits_ledgerentry (account_id, kind, amount, balance_after, occurred_on, period, reference, "
            "memo, created_at) FROM STDIN"
        ) as copy:
            for pk, balance in accounts:
                copy.write_row(
                    [pk, "supplementary", 1200, balance + 1200, "2026-01-15", period, f"BASE{period}", "", "now"]
                )
        cursor.execute(
            "UPDATE deposits_personalaccount SET balance = balance + 1200 WHERE employer_id = %s", [employer.pk]
        )
    return time.perf_counter() - t0


def the_list(employer, period: str, rows: int) -> dict[str, float]:
    from deposits import remittance
    from deposits.models import PersonalAccount

    people = PersonalAccount.objects.filter(employer=employer).order_by("grzh").values_list("grzh", "name")
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(remittance.MONTHLY_HEADERS)
    writer.writerows([grzh, name, "1200.00"] for grzh, name in people)
    content = buf.getvalue().encode("utf-8-sig")

    t = [time.perf_counter()]
    # As the operator's import_remittance reads it (the web upload stops at GJJ_LIST_MAX_ROWS).
    table = remittance.read_table("list.csv", content, remittance.MONTHLY_HEADERS, max_rows=max(rows, 10))
    t.append(time.perf_counter())
    valid = remittance.validate_monthly(employer=employer, period=period, rows=table)
    t.append(time.perf_counter())
    batch = remittance.remittance_declare(employer=employer, period=period, rows=valid)
    t.append(time.perf_counter())
    batch = remittance.remittance_fund(batch_id=batch.pk, reference="基准测试到账")
    t.append(time.perf_counter())
    # What the worker does after the commit (here in place: the benchmark runs no worker).
    assert remittance.remittance_notify(batch_id=batch.pk) == rows
    t.append(time.perf_counter())
    assert batch.rows == rows and batch.status == batch.Status.POSTED
    steps = ["read", "validate", "declare", "post", "notify"]
    return {name: t[i + 1] - t[i] for i, name in enumerate(steps)} | {"total": t[-1] - t[0]}


def main(rows: int) -> int:
    common.setup_django()
    meta = common.require_generated()
    from deposits import remittance

    remittance._notify_later = lambda batch_id: None  # the notices are timed on their own below
    from deposits.models import LedgerEntry
    from deposits.selectors import accounts_out_of_balance

    employer = employer_with(rows)
    # Each round a month no earlier round used: the years after the last one this employer saw.
    periods = LedgerEntry.objects.filter(account=employer.accounts.order_by("pk").first(), period__gte="2030")
    last = periods.order_by("-period").values_list("period", flat=True).first()
    year = int(last[:4]) + 1 if last else 2030
    rounds, copies = [], []
    for r in range(3):
        copies.append(baseline(employer, f"{year + r}-06"))
        rounds.append(the_list(employer, f"{year + r}-01", rows))
    med = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
    copy = statistics.median(copies)
    assert not accounts_out_of_balance().filter(employer=employer).exists(), "a balance differs from its entries"

    table = common.Table(f"A {rows:,}-row 当月汇缴 list, on a ledger of {meta['accounts'] * meta['months']:,} entries")
    for step in ("read", "validate", "declare"):
        table.add(f"{step}", f"{med[step]:.2f} s")
    table.add("post (到账 → 入账)", f"{med['post']:.2f} s", f"COPY + UPDATE {copy:.2f} s", f"{med['post'] / copy:.1f}×",
              "≤ 2×", med["post"] <= 2 * copy)  # fmt: skip
    table.add("notices to every employee (the worker, after the commit)", f"{med['notify']:.2f} s")
    table.add("whole list", f"{med['total']:.2f} s", f"COPY + UPDATE {copy:.2f} s", f"{med['total'] / copy:.1f}×",
              "< 2 s", med["total"] < 2)  # fmt: skip
    table.add("balances equal their entries", "yes", ok=True)
    table.print()
    return 1 if table.failed else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
