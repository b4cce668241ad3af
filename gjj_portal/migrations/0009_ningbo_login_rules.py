from django.db import migrations


def load(apps, schema_editor):
    # Ningbo: an SMS code to the reserved phone at login, and only 面签开通 depositors may log in.
    apps.get_model("gjj_portal", "CenterPolicy").objects.filter(code="ningbo").update(
        login_requires_sms=True, login_requires_enrollment=True
    )


class Migration(migrations.Migration):
    dependencies = [("gjj_portal", "0008_identity")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
