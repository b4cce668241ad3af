from django.core.management.base import BaseCommand, CommandError

from deposits.collection import remittance_mismatches
from deposits.models import PersonalAccount
from deposits.selectors import LEDGER_CHECKS, ledger_mismatches


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
        # Other apps' money against the ledger (crosscenter: each 转移接续 moved its amount once).
        # And the employers' money: every credit on the 归集 account posted, in 单位暂存款, waiting or refunded.
        checks = [remittance_mismatches, *LEDGER_CHECKS]
        others = [problem for check in checks for problem in check()]
        for problem in others:
            self.stdout.write(f"MISMATCH {problem}")
        if bad or others:
            raise CommandError(f"{len(bad)} of {total} accounts out of balance, {len(others)} other mismatches")
        self.stdout.write(f"reconciled {total} accounts: no mismatch")
        self.stdout.write(f"reconciled {len(checks)} other ledger checks (employers' remittances first): no mismatch")
