from datetime import date
from decimal import Decimal

from django.db import migrations


def load(apps, schema_editor):
    # Profiles loaded by 0002 predate the rate table: give each the national rate since 2016-02-21.
    InterestRate = apps.get_model("gjj_portal", "InterestRate")
    for policy in apps.get_model("gjj_portal", "CenterPolicy").objects.all():
        InterestRate.objects.get_or_create(
            policy=policy, effective_from=date(2016, 2, 21), defaults={"annual_rate": Decimal("0.0150")}
        )


class Migration(migrations.Migration):
    dependencies = [("gjj_portal", "0003_interest_rates")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
