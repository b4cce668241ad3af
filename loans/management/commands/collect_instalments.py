from datetime import date

from django.core.management.base import BaseCommand
from tqdm import tqdm

from loans.services import instalments_collect


class Command(BaseCommand):
    help = "Debit every instalment due by --date through the entrusted bank; refused ones become 逾期. Safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, type=date.fromisoformat, help="collect what is due by this day")

    def handle(self, *args, date, **options):
        run = instalments_collect(
            on=date, progress=lambda rows: tqdm(rows, desc="扣款", unit="期", file=self.stderr._out, disable=None)
        )
        for line in run.refusals:
            self.stdout.write(f"REFUSED {line}")
        self.stdout.write(f"collected {run.paid}, overdue {run.overdue}, bank did not answer {run.retry}")
