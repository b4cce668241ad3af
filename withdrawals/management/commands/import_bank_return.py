from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from withdrawals.bankfiles import BankFileError, bank_return_import


class Command(BaseCommand):
    help = "Read the bank's return file: mark each payout paid, or failed (money back to the account)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        if not file.exists():
            raise CommandError(f"找不到文件 {file}")
        try:
            run = bank_return_import(path=file)
        except BankFileError as exc:
            raise CommandError(f"回盘文件有误，未做任何处理：\n{exc}") from exc
        for key in run.unknown:
            self.stdout.write(f"UNKNOWN {key}")
        self.stdout.write(
            f"paid {run.paid}, failed {run.failed}, already done {run.already}, unknown {len(run.unknown)}"
        )
