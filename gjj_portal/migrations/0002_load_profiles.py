from django.db import migrations


def load(apps, schema_editor):
    # Frozen at this migration's schema: the profiles as they were, without later tables.
    from policy.profiles import PROFILES

    CenterPolicy = apps.get_model("gjj_portal", "CenterPolicy")
    PolicyBank = apps.get_model("gjj_portal", "PolicyBank")
    BusinessWindow = apps.get_model("gjj_portal", "BusinessWindow")
    for code, data in PROFILES.items():
        fields = {
            k: v
            for k, v in data.items()
            if k in ("center_name", "local_region", "rental_regions", "rent_monthly_cap", "rent_min_deposit_months",
                     "rent_withdrawals_per_year", "min_balance_after_withdrawal", "review_sla_days")
        }
        policy, created = CenterPolicy.objects.get_or_create(code=code, defaults=fields)
        if not created:
            continue
        for i, name in enumerate(data["banks"]):
            PolicyBank.objects.create(policy=policy, name=name, position=i)
        for business, days, opens, closes in data["windows"]:
            BusinessWindow.objects.create(policy=policy, business=business, days=days, opens_at=opens, closes_at=closes)


class Migration(migrations.Migration):
    dependencies = [("gjj_portal", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
