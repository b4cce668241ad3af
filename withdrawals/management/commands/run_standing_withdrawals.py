from datetime import date

from django.core.management.base import BaseCommand
from tqdm import tqdm

from withdrawals.standing import standing_withdrawals_run


class Command(BaseCommand):
    help = "委托提取: pay this month's standing withdrawals (each instruction once a month). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=date.fromisoformat, default=None, help="run as of this day (default today)")

    def handle(self, *args, date, **options):
        with tqdm(desc="委托提取", unit="协议", disable=None) as bar:
            result = standing_withdrawals_run(today=date, progress=bar)
        self.stdout.write(f"paid {result.paid}, skipped {result.skipped}, already run {result.already}")
