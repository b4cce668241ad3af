from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from deposits.services import interest_settle_all


class Command(BaseCommand):
    help = "年终结息: post one 09 interest entry per account for the year ending --date (June 30). Safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, type=date.fromisoformat, help="settlement date, YYYY-06-30")
        parser.add_argument("--dry-run", action="store_true", help="compute and print the totals, post nothing")

    def handle(self, *args, date, dry_run, **options):
        def progress(ids):
            return tqdm(ids, desc="结息", unit="户", file=self.stderr._out, disable=None)

        try:
            run = interest_settle_all(settle_on=date, dry_run=dry_run, progress=progress)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        verb = "would post" if dry_run else "posted"
        self.stdout.write(
            f"{verb} interest for {run.settled} accounts, total {run.total:,.2f}; "
            f"already settled {run.already}; no interest {run.zero}"
        )
