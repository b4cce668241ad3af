from django.db import migrations

from gjj_portal.migration_ops import DropPatternTwins


class Migration(migrations.Migration):
    dependencies = [("accounts", "0014_sms_status_report")]

    operations = [DropPatternTwins(tables=["accounts_smsdelivery"])]
