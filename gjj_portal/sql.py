"""Reads written once as SQL, for the pages every depositor opens (#14, faster pages).

The ORM compiles a query anew each time it runs: 0.35–0.9 ms here for the home page's reads, more than
PostgreSQL takes to answer them (0.2–0.4 ms). The few reads on the pages a depositor opens most are
written as SQL text instead and read into model instances (`fetch_models`), so the templates and the
code around them see the same objects. Each has a test that holds it equal to the ORM query it
replaces, on rows made to catch a wrong filter or order.
"""

from typing import TypeVar

from django.db import connection
from django.db.models import Model
from django.db.models.base import DEFERRED

M = TypeVar("M", bound=Model)
_layouts: dict[tuple, list] = {}


def fetch_models(model: type[M], sql: str, params) -> list[M]:
    """The rows of `sql` as `model` instances, as the ORM would build them (columns named by attname, in any
    order; a column the query leaves out is deferred and loaded on first use)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = tuple(column.name for column in cursor.description)
        rows = cursor.fetchall()
    layout = _layouts.get((model, names))
    if layout is None:
        fields = model._meta.concrete_fields
        unknown = set(names) - {f.attname for f in fields}
        if unknown:
            raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
        layout = _layouts[(model, names)] = [names.index(f.attname) if f.attname in names else None for f in fields]
    attnames = [f.attname for f in model._meta.concrete_fields]
    return [
        model.from_db(connection.alias, attnames, [DEFERRED if i is None else row[i] for i in layout]) for row in rows
    ]


def fetch_value(sql: str, params):
    """The one value of a one-row, one-column query (a count, a sum)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]
