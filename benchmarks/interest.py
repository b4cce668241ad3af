"""年终结息 at a center's size against the set-based SQL, measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/interest.py [SAMPLE]

On the generated database (generate.py), for the last June 30 before today:
- the limit: the same interest for every account as bare SQL in one statement (one GROUP BY over the
  entries, one INSERT … SELECT of the 09 entries, one UPDATE … FROM of the balances; no chunks, no
  locks, no check for entries already there), committed, then rolled back;
- the work: `manage.py settle_interest` (chunks of 10,000 accounts, each one transaction), then a
  second run, which must post nothing;
- the checks: SAMPLE random accounts (default 200) against the per-account function over their
  entries, and every balance against its entries (reconcile's query).
Afterwards the 09 entries are removed and the balances put back, so the database stays reusable.
Target: 结息 ≤ 2× the SQL; the second run posts nothing.
"""

import sys
import time
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

LIMIT_SQL = """
WITH w (day, w) AS (SELECT * FROM unnest(%(days)s::date[], %(weights)s::numeric[])),
earned AS (
    SELECT l.account_id, round(sum(l.amount * coalesce(w.w, %(w_start)s)) / 360, 2) AS amount
    FROM deposits_ledgerentry l JOIN deposits_personalaccount a ON a.id = l.account_id
    LEFT JOIN w ON w.day = l.occurred_on
    WHERE l.occurred_on <= %(end)s AND a.status <> ALL(%(closed)s) AND a.opened_on <= %(end)s
    GROUP BY l.account_id),
posted AS (
    INSERT INTO deposits_ledgerentry
        (account_id, kind, amount, balance_after, occurred_on, period, reference, memo, created_at)
    SELECT e.account_id, 'interest', e.amount, a.balance + e.amount, %(end)s, '', %(ref)s, '', now()
    FROM earned e JOIN deposits_personalaccount a ON a.id = e.account_id WHERE e.amount > 0
    RETURNING account_id, amount)
UPDATE deposits_personalaccount a SET balance = a.balance + p.amount FROM posted p WHERE a.id = p.account_id
"""


def settle_date() -> date:
    from django.utils import timezone

    today = timezone.localdate()
    return date(today.year if (today.month, today.day) > (6, 30) else today.year - 1, 6, 30)


def limit_seconds(settle_on: date) -> float:
    from django.db import connection, transaction

    from deposits.interest import day_weights, interest_period
    from deposits.services import CLOSED_STATUSES
    from policy.center import current_policy

    start, end = interest_period(settle_on)
    weights = day_weights(start=start, end=end, rates=current_policy().interest_rates)
    days = list(weights)
    params = {
        "days": days,
        "weights": [weights[d] for d in days],
        "w_start": weights[start],
        "end": end,
        "closed": list(CLOSED_STATUSES),
        "ref": "JXBENCHLIMIT",
    }
    with transaction.atomic(), connection.cursor() as cursor:
        t0 = time.perf_counter()
        cursor.execute(LIMIT_SQL, params)
        seconds = time.perf_counter() - t0
        transaction.set_rollback(True)
    return seconds


def command_seconds(settle_on: date) -> tuple[float, str]:
    from django.core.management import call_command

    out = StringIO()
    t0 = time.perf_counter()
    call_command("settle_interest", "--date", settle_on.isoformat(), stdout=out, stderr=StringIO())
    return time.perf_counter() - t0, out.getvalue().strip()


def check(settle_on: date, sample: int) -> list[str]:
    from django.db import connection

    from deposits.interest import interest_for_period, interest_period, interest_reference
    from deposits.models import EntryKind, LedgerEntry
    from deposits.selectors import ledger_mismatches
    from policy.center import current_policy

    start, end = interest_period(settle_on)
    rates = current_policy().interest_rates
    ref = interest_reference(settle_on)
    problems = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM deposits_personalaccount WHERE status = 'normal' ORDER BY random() LIMIT %s", [sample]
        )
        ids = [row[0] for row in cursor.fetchall()]
    for account_id in ids:
        entries = list(
            LedgerEntry.objects.filter(account_id=account_id)
            .exclude(kind=EntryKind.INTEREST)
            .values_list("occurred_on", "amount")
        )
        opening = sum((a for d, a in entries if d < start), Decimal("0"))
        expected = interest_for_period(opening_balance=opening, movements=entries, start=start, end=end, rates=rates)
        posted = list(
            LedgerEntry.objects.filter(account_id=account_id, kind=EntryKind.INTEREST, reference=ref).values_list(
                "amount", flat=True
            )
        )
        if posted != ([expected] if expected > 0 else []):
            problems.append(f"account {account_id}: posted {posted}, the per-account function says {expected}")
    mismatches = ledger_mismatches()  # what `manage.py reconcile` checks: every account, one pass
    if mismatches:
        problems.append(f"{len(mismatches)} accounts' balances differ from their entries")
    return problems


def undo(settle_on: date) -> None:
    """Take the 09 entries out again (the ledger refuses DELETE: its trigger is switched off for it)."""
    from django.db import connection, transaction

    from deposits.interest import interest_reference

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE deposits_ledgerentry DISABLE TRIGGER deposits_ledger_append_only")
        cursor.execute(
            """WITH gone AS (DELETE FROM deposits_ledgerentry WHERE kind = 'interest' AND reference = %s
                             RETURNING account_id, amount)
               UPDATE deposits_personalaccount a SET balance = a.balance - g.amount FROM gone g
               WHERE a.id = g.account_id""",
            [interest_reference(settle_on)],
        )
        cursor.execute("ALTER TABLE deposits_ledgerentry ENABLE TRIGGER deposits_ledger_append_only")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE deposits_ledgerentry")
        cursor.execute("VACUUM ANALYZE deposits_personalaccount")


def main(sample: int) -> int:
    common.setup_django()
    meta = common.require_generated()
    settle_on = settle_date()
    undo(settle_on)  # a run that was stopped midway left some behind
    limit_s = limit_seconds(settle_on)
    first_s, first_out = command_seconds(settle_on)
    second_s, second_out = command_seconds(settle_on)
    problems = check(settle_on, sample)
    undo(settle_on)
    table = common.Table(f"年终结息 {settle_on} ({meta['accounts']:,} accounts, {meta['months']} months of entries)")
    table.add("the set-based SQL, one statement (the limit)", f"{limit_s:.1f} s")
    table.add(
        "manage.py settle_interest",
        f"{first_s:.1f} s",
        f"SQL {limit_s:.1f} s",
        f"{first_s / limit_s:.2f}×",
        "≤ 2×",
        first_s <= 2 * limit_s,
    )
    print(f"  first run: {first_out}")
    print(f"  second run: {second_out}")
    table.add(
        "second run", f"{second_s:.1f} s", "", "", "posts nothing", "posted interest for 0 accounts" in second_out
    )
    table.add(
        f"{sample} random accounts = the per-account function; balances = entries",
        "; ".join(problems[:3]) or "yes",
        ok=not problems,
    )
    table.print()
    return 1 if table.failed else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
