from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from deposits.services import INTEREST_CHUNK, interest_settle_all


class Command(BaseCommand):
    help = "年终结息: post one 09 interest entry per account for the year ending --date (June 30). Safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, type=date.fromisoformat, help="settlement date, YYYY-06-30")
        parser.add_argument("--dry-run", action="store_true", help="compute and print the totals, post nothing")
        parser.add_argument(
            "--chunk", type=int, default=INTEREST_CHUNK, help="accounts per transaction (default %(default)s)"
        )

    def handle(self, *args, date, dry_run, chunk, **options):
        def progress(chunks):
            return tqdm(chunks, desc=f"结息（每批{chunk}户）", unit="批", file=self.stderr._out, disable=None)

        if chunk < 1:
            raise CommandError("--chunk 须为正整数。")
        try:
            run = interest_settle_all(settle_on=date, dry_run=dry_run, progress=progress, chunk=chunk)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        verb = "would post" if dry_run else "posted"
        self.stdout.write(
            f"{verb} interest for {run.settled} accounts, total {run.total:,.2f}; "
            f"already settled {run.already}; no interest {run.zero}"
        )
