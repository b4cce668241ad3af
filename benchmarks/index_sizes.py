"""The size of every table and index the center's data lives in, largest first.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/index_sizes.py

On the generated database (generate.py): what each index costs on disk, so a new one is weighed
against the searches it serves (and a redundant one is seen).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402


def main() -> int:
    common.setup_django()
    meta = common.require_generated()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT t.relname, i.relname, pg_relation_size(i.oid), pg_relation_size(t.oid)
               FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
               JOIN pg_namespace n ON n.oid = t.relnamespace
               WHERE n.nspname = 'public' AND pg_relation_size(t.oid) > 8 * 1024 * 1024
               ORDER BY t.relname, pg_relation_size(i.oid) DESC"""
        )
        rows = cursor.fetchall()
    table = common.Table(f"Tables over 8 MB and their indexes ({meta['accounts']:,} accounts)")
    last = None
    for relation, index, index_bytes, table_bytes in rows:
        if relation != last:
            table.add(f"**{relation}** (table)", f"{table_bytes / 2**20:,.0f} MB")
            last = relation
        table.add(f"  {index}", f"{index_bytes / 2**20:,.0f} MB")
    table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
