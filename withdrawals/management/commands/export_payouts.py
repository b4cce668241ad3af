from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from withdrawals.bankfiles import BankFileError, payouts_export, payouts_export_again


class Command(BaseCommand):
    help = "Write the day's released payouts as the bank's transfer file (batch-file gateway). Safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, type=date.fromisoformat, help="payouts released up to this day")
        parser.add_argument("--dir", type=Path, default=None, help=f"default: {settings.GJJ_BANK_FILE_DIR}")
        parser.add_argument("--again", metavar="NAME", help="write an already exported file again (lost file)")

    def handle(self, *args, date, dir, again, **options):
        directory = dir or Path(settings.GJJ_BANK_FILE_DIR)
        try:
            path, count = (
                payouts_export_again(name=again, directory=directory)
                if again
                else payouts_export(day=date, directory=directory)
            )
        except BankFileError as exc:
            raise CommandError(str(exc)) from exc
        if path is None:
            self.stdout.write("no released payouts to export")
        else:
            self.stdout.write(f"exported {count} payouts to {path}")
