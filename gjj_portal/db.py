"""Set-based writes for lists of thousands of rows (an employer's 清册, its entries and notices)."""

from django.db import connection
from django.db.models import AutoField, BigAutoField, SmallAutoField


def copy_insert(model, objs: list) -> int:
    """Insert unsaved instances with PostgreSQL's COPY: the values `bulk_create` would write (Python
    defaults, auto_now_add), without its multi-row INSERT statements; inside the caller's transaction.
    Elsewhere (the SQLite demo) it is `bulk_create`. Primary keys are not set on the instances."""
    if not objs:
        return 0
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=2000)
        return len(objs)
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoField | BigAutoField | SmallAutoField)]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for obj in objs:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
    return len(objs)
