from django.db import migrations

from gjj_portal.migration_ops import DropPatternTwins


class Migration(migrations.Migration):
    dependencies = [("policy", "0003_cross_send_attempts_and_purge")]

    operations = [DropPatternTwins(tables=["policy_centerpolicy"])]
