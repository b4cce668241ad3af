# 个人信息变更's record now belongs to deposits (deposits 0015 renamed its table): accounts forgets it.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_alter_smscode_purpose_profilechange"),
        ("deposits", "0015_profilechange_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="ProfileChange")]),
    ]
