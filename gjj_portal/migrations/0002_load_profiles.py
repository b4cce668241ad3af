from django.db import migrations


def load(apps, schema_editor):
    from gjj_portal.profiles import load_profiles

    load_profiles(
        apps.get_model("gjj_portal", "CenterPolicy"),
        apps.get_model("gjj_portal", "PolicyBank"),
        apps.get_model("gjj_portal", "BusinessWindow"),
    )


class Migration(migrations.Migration):
    dependencies = [("gjj_portal", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
