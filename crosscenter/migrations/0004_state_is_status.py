# One field name for an entity's state: `status` (#29). The partner outbox said `state`; its index is rebuilt
# on the renamed column under the same name.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("crosscenter", "0003_change_rows_share_one_base")]

    operations = [
        migrations.RemoveIndex(model_name="outboxmessage", name="outbox_partner_state"),
        migrations.RenameField(model_name="outboxmessage", old_name="state", new_name="status"),
        migrations.AddIndex(
            model_name="outboxmessage",
            index=models.Index(fields=["partner", "status", "id"], name="outbox_partner_state"),
        ),
    ]
