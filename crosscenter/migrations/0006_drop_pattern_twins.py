from django.db import migrations

from gjj_portal.migration_ops import DropPatternTwins


class Migration(migrations.Migration):
    dependencies = [("crosscenter", "0005_cross_send_attempts_and_purge")]

    operations = [DropPatternTwins(tables=["crosscenter_partnercenter"])]
