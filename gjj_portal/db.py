"""Set-based writes for lists of thousands of rows (an employer's 清册, its entries and notices)."""

from django.db import connection
from django.db.models import AutoField, BigAutoField, SmallAutoField
from django.utils import timezone


def copy_insert(model, rows: list[dict]) -> int:
    """Insert rows (dicts keyed by field attname: `account_id`, not `account`) with PostgreSQL's COPY,
    inside the caller's transaction, without building a model instance per row. A field a row leaves
    out gets what Django would have written: its default (a callable one called per row, e.g. a fresh
    UUID), now for auto_now(_add), else NULL or an empty string. Elsewhere (the SQLite demo) it is bulk_create."""
    if not rows:
        return 0
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoField | BigAutoField | SmallAutoField)]
    now = timezone.now()
    fill = {
        f.attname: (lambda: now)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_default
        for f in fields
    }
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=2000)
        return len(rows)
    names = [f.attname for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([row[name] if name in row else fill[name]() for name in names])
    return len(rows)
