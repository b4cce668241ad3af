from django.db import migrations

from gjj_portal.migration_ops import DropPatternTwins


class Migration(migrations.Migration):
    # Its own migration: the index a CreateModel adds is created at the end of that migration.
    dependencies = [("accounts", "0012_sms_delivery")]

    operations = [DropPatternTwins(tables=["accounts_smsdelivery"])]
