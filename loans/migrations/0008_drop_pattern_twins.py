from django.db import migrations

from gjj_portal.migration_ops import DropPatternTwins


class Migration(migrations.Migration):
    dependencies = [("loans", "0007_loan_application")]

    operations = [DropPatternTwins(tables=["loans_commercialloan", "loans_loanapplication", "loans_loancontract", "loans_repayment"])]
