from django.db import migrations

from gjj_portal.migration_ops import DropPatternTwins


class Migration(migrations.Migration):
    dependencies = [("withdrawals", "0012_state_is_status")]

    operations = [DropPatternTwins(tables=["withdrawals_withdrawalapplication", "withdrawals_standinginstruction"])]
