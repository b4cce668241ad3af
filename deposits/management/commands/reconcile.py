from django.core.management.base import BaseCommand, CommandError

from deposits.models import PersonalAccount
from deposits.selectors import ledger_mismatches


class Command(BaseCommand):
    help = "Prove balance = sum of ledger entries (and = the last entry's balance) for every account."

    def handle(self, *args, **options):
        bad = ledger_mismatches()
        for account in bad:
            self.stdout.write(
                f"MISMATCH {account.grzh} {account.name}: balance {account.balance}, "
                f"sum of entries {account.ledger_sum}, last entry balance {account.last_balance_after}"
            )
        total = PersonalAccount.objects.count()
        if bad:
            raise CommandError(f"{len(bad)} of {total} accounts out of balance")
        self.stdout.write(f"reconciled {total} accounts: no mismatch")
