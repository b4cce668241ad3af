from datetime import date

from django.core.management.base import BaseCommand
from tqdm import tqdm

from loans.services import COLLECT_CHUNK, instalments_collect


class Command(BaseCommand):
    help = "Debit every instalment due by --date through the entrusted bank; refused ones become 逾期. Safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, type=date.fromisoformat, help="collect what is due by this day")

    def handle(self, *args, date, **options):
        run = instalments_collect(
            on=date,
            progress=lambda chunks: tqdm(
                chunks, desc=f"扣款（每批{COLLECT_CHUNK}个合同）", unit="批", file=self.stderr._out, disable=None
            ),
        )
        for line in run.refusals:
            self.stdout.write(f"REFUSED {line}")
        self.stdout.write(f"collected {run.paid}, overdue {run.overdue}, bank did not answer {run.retry}")
