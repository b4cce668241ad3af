# The record of 个人信息变更 moves from accounts to deposits, which owns the phone and the card it records
# (accounts keeps identity only). Same rows: the table is renamed, nothing is copied.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("deposits", "0014_alter_ledgerentry_kind"),
        ("accounts", "0007_alter_smscode_purpose_profilechange"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProfileChange",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("field", models.CharField(choices=[("phone", "预留手机号"), ("card", "收款银行卡")], max_length=10, verbose_name="变更项目")),
                        ("old_masked", models.CharField(blank=True, max_length=60, verbose_name="变更前")),
                        ("new_masked", models.CharField(max_length=60, verbose_name="变更后")),
                        ("channel", models.CharField(choices=[("online", "网上办理"), ("counter", "柜台办理")], max_length=10, verbose_name="办理渠道")),
                        ("ip", models.GenericIPAddressField(blank=True, null=True, verbose_name="请求IP")),
                        ("at", models.DateTimeField(auto_now_add=True, verbose_name="时间")),
                        ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="操作人")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="profile_changes", to=settings.AUTH_USER_MODEL, verbose_name="缴存职工")),
                    ],
                    options={
                        "verbose_name": "个人信息变更记录",
                        "verbose_name_plural": "个人信息变更记录",
                        "ordering": ["-at"],
                        "db_table": "accounts_profilechange",
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="profilechange", table=None),
    ]
