"""Reads written once as SQL, for the pages every depositor opens (#14, faster pages).

The ORM compiles a query anew each time it runs: 0.35–0.9 ms here for the home page's reads, more than
PostgreSQL takes to answer them (0.2–0.4 ms). The few reads on the pages a depositor opens most are
written as SQL text instead and read into model instances (`models`), so the templates and the code
around them see the same objects. Each has a test that holds it equal to the ORM query it replaces, on
rows made to catch a wrong filter or order.

A page's reads go to PostgreSQL together (`read_all`): one round trip instead of one per read, which
cost a quarter of a millisecond each, mostly in Python, and the header's reads go with them
(`read_for_page`). On SQLite (`make run`'s demo) they run one after another: it takes one statement at
a time.
"""

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.db.models.base import DEFERRED
from django.utils.module_loading import import_string

M = TypeVar("M", bound=Model)
_layouts: dict[tuple, tuple] = {}


class Read:
    """One statement and what its rows become: `build(rows, column names)`."""

    __slots__ = ("build", "params", "sql")

    def __init__(self, sql: str, params: Sequence, build: Callable[[list, tuple], Any]):
        self.sql, self.params, self.build = sql, params, build


class Combined:
    """Several reads whose results make one (`combine(*results)`), read in the same round trip as the rest."""

    __slots__ = ("combine", "parts")

    def __init__(self, *parts: "Read | Combined", combine: Callable[..., Any]):
        self.parts, self.combine = parts, combine


def models(model: type[M], sql: str, params: Sequence) -> Read:
    """The rows of `sql` as `model` instances, as the ORM would build them (columns named by attname, in any
    order; a column the query leaves out is deferred and loaded on first use)."""
    return Read(sql, params, lambda rows, names: _instances(model, rows, names))


def value(sql: str, params: Sequence, *, money: bool = False) -> Read:
    """The one value of a one-row, one-column query (a count, a sum; `money`: a Decimal in cents, as
    PostgreSQL gives it and SQLite does not)."""
    if money:
        return Read(sql, params, lambda rows, names: _cents(rows[0][0]))
    return Read(sql, params, lambda rows, names: rows[0][0])


def read_all(*reads: Read | Combined) -> list:
    """Each read's result, in order, from one round trip: the statements are sent together and PostgreSQL
    answers each in turn. A statement that comes twice (same text, same parameters) is run once."""
    statements: dict[tuple, int] = {}  # (text, parameters) → its place among the statements sent
    sent: list[Read] = []
    for read in _flat(reads):
        if statements.setdefault(_key(read), len(sent)) == len(sent):
            sent.append(read)
    answers: list[tuple[list, tuple]] = []
    with connection.cursor() as cursor:
        if len(sent) > 1 and connection.vendor == "postgresql":  # psycopg binds client-side: many in one go
            cursor.execute("; ".join(read.sql for read in sent), [p for read in sent for p in read.params])
            for n, read in enumerate(sent):
                if n:
                    cursor.nextset()
                answers.append((cursor.fetchall(), _names(read.sql, cursor)))
        else:
            for read in sent:
                cursor.execute(read.sql, read.params)
                answers.append((cursor.fetchall(), tuple(column[0] for column in cursor.description)))

    def result(read: Read | Combined):
        if isinstance(read, Combined):
            return read.combine(*(result(part) for part in read.parts))
        return read.build(*answers[statements[_key(read)]])

    return [result(read) for read in reads]


def read_for_page(user, *reads: Read | Combined) -> list:
    """`read_all` of a page's reads, with the reads of the layout around it in the same round trip
    (settings.GJJ_LAYOUT_READS: functions of the user giving a Read, or None when there is nothing to read,
    e.g. the header's red numbers, which keep what they read for the rest of the request)."""
    layout = [read for name in settings.GJJ_LAYOUT_READS if (read := import_string(name)(user=user)) is not None]
    return read_all(*layout, *reads)[len(layout) :]


def _cents(amount) -> Decimal:
    return amount if isinstance(amount, Decimal) else Decimal(str(amount)).quantize(Decimal("0.01"))


_column_names: dict[str, tuple] = {}


def _names(sql: str, cursor) -> tuple:
    """The columns of a statement's answer, by name: the same for the same text, so read off the cursor once
    per process (psycopg builds a Column object for each at every `description`)."""
    names = _column_names.get(sql)
    if names is None:
        names = _column_names[sql] = tuple(column[0] for column in cursor.description)
    return names


def _flat(reads):
    for read in reads:
        if isinstance(read, Combined):
            yield from _flat(read.parts)
        else:
            yield read


def _key(read: Read) -> tuple:
    return read.sql, tuple(tuple(p) if isinstance(p, list) else p for p in read.params)


def _instances(model: type[M], rows: list, names: tuple) -> list[M]:
    """Rows as the ORM reads them: each value through the converters the ORM would apply (SQLite's decimals,
    booleans and UUIDs; JSON on both), found once per model and column layout."""
    known = _layouts.get((model, names, connection.vendor))
    if known is None:
        fields = model._meta.concrete_fields
        unknown = set(names) - {f.attname for f in fields}
        if unknown:
            raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
        layout = [names.index(f.attname) if f.attname in names else None for f in fields]
        converters = []
        for place, field in zip(layout, fields, strict=True):
            column = field.get_col(model._meta.db_table)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if place is not None and found:
                converters.append((place, column, found))
        known = _layouts[(model, names, connection.vendor)] = ([f.attname for f in fields], layout, converters)
    attnames, layout, converters = known
    if converters:
        rows = [list(row) for row in rows]
        for row in rows:
            for place, column, found in converters:
                for convert in found:
                    row[place] = convert(row[place], column, connection)
    return [
        model.from_db(connection.alias, attnames, [DEFERRED if i is None else row[i] for i in layout]) for row in rows
    ]
