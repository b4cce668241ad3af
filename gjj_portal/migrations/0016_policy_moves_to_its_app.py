# The center policy now belongs to the policy app (policy 0001 renamed its tables): gjj_portal forgets it.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('gjj_portal', '0015_centerpolicy_center_code_and_more'),
        ('policy', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='businesswindow',
                    name='policy',
                ),
                migrations.DeleteModel(
                    name='CalendarDay',
                ),
                migrations.RemoveField(
                    model_name='interestrate',
                    name='policy',
                ),
                migrations.RemoveField(
                    model_name='policybank',
                    name='policy',
                ),
                migrations.RemoveField(
                    model_name='loanrate',
                    name='policy',
                ),
                migrations.DeleteModel(
                    name='BusinessWindow',
                ),
                migrations.DeleteModel(
                    name='InterestRate',
                ),
                migrations.DeleteModel(
                    name='PolicyBank',
                ),
                migrations.DeleteModel(
                    name='CenterPolicy',
                ),
                migrations.DeleteModel(
                    name='LoanRate',
                ),
            ],
        ),
    ]
