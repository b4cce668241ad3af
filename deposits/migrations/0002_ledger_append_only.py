"""The ledger is append-only at the database level too: UPDATE and DELETE raise (PostgreSQL)."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION deposits_ledger_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'deposits_ledgerentry is append-only: post a compensating entry instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER deposits_ledger_append_only
  BEFORE UPDATE OR DELETE ON deposits_ledgerentry
  FOR EACH ROW EXECUTE FUNCTION deposits_ledger_append_only();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS deposits_ledger_append_only ON deposits_ledgerentry;
DROP FUNCTION IF EXISTS deposits_ledger_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("deposits", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
