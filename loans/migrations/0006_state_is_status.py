# One field name for an entity's state: `status` (#29). Instalments and prepayment requests said `state`.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("loans", "0005_change_rows_share_one_base")]

    operations = [
        migrations.RenameField(model_name="instalment", old_name="state", new_name="status"),
        migrations.RenameField(model_name="prepaymentrequest", old_name="state", new_name="status"),
    ]
