# The sandbox bank's model moves from withdrawals to the leaf app that uses it (gjj_portal.bank), keeping its
# table: only Django's idea of which app owns it changes.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("gjj_portal", "0011_center_identity_and_loan_limits"),
        ("withdrawals", "0005_admin_at_scale"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="SandboxTransfer",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("kind", models.CharField(default="payout", max_length=10)),
                        ("idempotency_key", models.CharField(max_length=64, unique=True)),
                        ("amount", models.DecimalField(decimal_places=2, max_digits=14)),
                        ("bank", models.CharField(max_length=30)),
                        ("card_number", models.CharField(max_length=19)),
                        ("payee_name", models.CharField(max_length=50)),
                        ("accepted", models.BooleanField()),
                        ("reference", models.CharField(max_length=64)),
                        ("message", models.CharField(blank=True, max_length=200)),
                        ("times_requested", models.PositiveIntegerField(default=1)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "verbose_name": "沙箱银行转账",
                        "verbose_name_plural": "沙箱银行转账",
                        "db_table": "withdrawals_sandboxtransfer",
                    },
                ),
            ],
        ),
    ]
