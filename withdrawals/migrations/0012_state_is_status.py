# One field name for an entity's state: `status` (#29). Payouts and standing instructions said `state`.
# A rename: the same column, renamed in place; the one-active-per-kind constraint is rebuilt on it.

from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [("withdrawals", "0011_change_rows_share_one_base")]

    operations = [
        migrations.RemoveConstraint(model_name="standinginstruction", name="standing_one_active_per_kind"),
        migrations.RenameField(model_name="payout", old_name="state", new_name="status"),
        migrations.RenameField(model_name="standinginstruction", old_name="state", new_name="status"),
        migrations.AddConstraint(
            model_name="standinginstruction",
            constraint=models.UniqueConstraint(
                condition=Q(status="active"), fields=("account", "kind"), name="standing_one_active_per_kind"
            ),
        ),
    ]
