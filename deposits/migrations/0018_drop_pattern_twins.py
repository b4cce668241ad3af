from django.db import migrations

from gjj_portal.migration_ops import DropPatternTwins


class Migration(migrations.Migration):
    dependencies = [("deposits", "0017_balance_after_is_posting_order")]

    operations = [DropPatternTwins(tables=["deposits_personalaccount", "deposits_employer", "deposits_depositcertificate"])]
