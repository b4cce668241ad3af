from django.db import migrations


def load(apps, schema_editor):
    # Give every shipped profile the windows and loan rates added since it was first loaded.
    from policy.profiles import PROFILES

    CenterPolicy = apps.get_model("gjj_portal", "CenterPolicy")
    BusinessWindow = apps.get_model("gjj_portal", "BusinessWindow")
    LoanRate = apps.get_model("gjj_portal", "LoanRate")
    for policy in CenterPolicy.objects.filter(code__in=PROFILES):
        data = PROFILES[policy.code]
        # (profile fields added later are set by the migration that adds them)
        for business, days, opens, closes in data["windows"]:
            BusinessWindow.objects.get_or_create(
                policy=policy, business=business, defaults={"days": days, "opens_at": opens, "closes_at": closes}
            )
        for effective_from, short, long, *_second in data["loan_rates"]:
            LoanRate.objects.get_or_create(
                policy=policy,
                effective_from=effective_from,
                defaults={"up_to_five_years": short, "over_five_years": long},
            )


class Migration(migrations.Migration):
    dependencies = [("gjj_portal", "0005_loan_rates")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
