"""`manage.py reconcile` at a center's size against one grouped query over the ledger, same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/reconcile.py [REPEAT]

On the generated database (generate.py): the limit is `SELECT account_id, sum(amount) FROM
deposits_ledgerentry GROUP BY account_id` read to the end; the work is the reconcile command (every
balance against the sum of its entries and its last entry's balance). Medians of REPEAT (default 3)
after a warm-up of each. Target: reconcile ≤ 2× the grouped query, and no mismatch.
"""

import statistics
import sys
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402


def grouped_query() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT account_id, sum(amount) FROM deposits_ledgerentry GROUP BY account_id")
        while cursor.fetchmany(10_000):
            pass


def main(repeat: int) -> int:
    common.setup_django()
    meta = common.require_generated()
    from django.core.management import call_command

    out = StringIO()
    limit = statistics.median(common.timed(grouped_query, repeat))
    work = statistics.median(common.timed(lambda: call_command("reconcile", stdout=out), repeat))
    last = out.getvalue().strip().splitlines()[-1]
    table = common.Table(f"reconcile ({meta['accounts']:,} accounts, {meta['months']} months of entries)")
    table.add("one grouped query over the ledger (the limit)", f"{limit:.2f} s")
    table.add(
        "manage.py reconcile",
        f"{work:.2f} s",
        f"query {limit:.2f} s",
        f"{work / limit:.2f}×",
        "≤ 2×",
        work <= 2 * limit,
    )
    table.add("no mismatch", last, ok="no mismatch" in last)
    table.print()
    return 1 if table.failed else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
