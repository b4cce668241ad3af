from django.db import migrations

from gjj_portal.migration_ops import DropPatternTwins


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_sms_purpose_loan_co")]

    operations = [DropPatternTwins(tables=["accounts_user", "accounts_smscode"])]
