"""Migration operations for tables a center has millions of rows in."""

from django.contrib.postgres.indexes import PostgresIndex
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db.migrations import AddIndex, RemoveIndex
from django.db.migrations.operations.base import Operation


class AddIndexOnline(AddIndexConcurrently):
    """CREATE INDEX CONCURRENTLY on PostgreSQL, so building an index on the ledger does not stop
    postings while it runs (the migration must say `atomic = False`); a plain index elsewhere
    (the SQLite demo)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        if isinstance(self.index, PostgresIndex):
            return None  # a hash index and the like exist on PostgreSQL only; the demo does without
        return AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        if isinstance(self.index, PostgresIndex):
            return None
        return AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class RemoveIndexOnline(RemoveIndexConcurrently):
    """DROP INDEX CONCURRENTLY on PostgreSQL (postings go on meanwhile); a plain DROP elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        return RemoveIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        return RemoveIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class DropPatternTwins(Operation):
    """Drop the `varchar_pattern_ops` (`…_like`) index PostgreSQL gets from Django beside every unique or
    indexed CharField of these tables. The portal looks these columns up by equality only (admin searches
    route to exact lookups; `icontains` could not use such an index anyway), the plain unique index serves
    that, and the twin costs its size again on every write (≈ 250 MB at a million accounts). Nothing on
    SQLite; tests/test_structure.py checks no twin comes back with a later field."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, tables: list[str]):
        self.tables = tables

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in pattern_twins(schema_editor.connection, self.tables):
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass  # going back keeps the portal working without the twins

    def describe(self):
        return f"Drop the _like index twins of {', '.join(self.tables)}"

    def deconstruct(self):
        return self.__class__.__name__, [], {"tables": self.tables}


def pattern_twins(connection, tables: list[str]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT indexname FROM pg_indexes
               WHERE schemaname = current_schema() AND tablename = ANY(%s) AND indexdef LIKE '%%pattern_ops%%'""",
            [list(tables)],
        )
        return [row[0] for row in cursor.fetchall()]
