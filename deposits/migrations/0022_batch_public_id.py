import uuid

from django.db import migrations, models

from gjj_portal.migration_ops import DropPatternTwins


def fill(apps, schema_editor):
    Batch = apps.get_model("deposits", "RemittanceBatch")
    for pk in Batch.objects.values_list("pk", flat=True).iterator():
        Batch.objects.filter(pk=pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("deposits", "0021_cancel_and_apply")]

    operations = [
        migrations.AddField(
            model_name="remittancebatch",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="remittancebatch",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        # The bank's serial number and the 缴款识别码 are looked up by equality only (no _like twin).
        DropPatternTwins(tables=["deposits_remittancebatch", "deposits_bankcredit"]),
    ]
