import django.contrib.postgres.indexes
from django.db import migrations

from gjj_portal.migration_ops import AddIndexOnline, RemoveIndexOnline


class Migration(migrations.Migration):
    atomic = False  # built and dropped CONCURRENTLY on PostgreSQL: postings go on meanwhile

    dependencies = [("deposits", "0018_drop_pattern_twins")]

    operations = [
        AddIndexOnline(
            model_name="ledgerentry",
            index=django.contrib.postgres.indexes.HashIndex(fields=["reference"], name="entry_reference_hash"),
        ),
        RemoveIndexOnline(model_name="ledgerentry", name="entry_reference_id"),
    ]
