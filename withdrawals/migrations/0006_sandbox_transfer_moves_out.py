# SandboxTransfer now belongs to gjj_portal (its migration 0012 takes over the same table).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("withdrawals", "0005_admin_at_scale"),
        ("gjj_portal", "0012_sandbox_transfer_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="SandboxTransfer")],
        ),
    ]
