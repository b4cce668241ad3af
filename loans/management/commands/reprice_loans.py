from datetime import date

from django.core.management.base import BaseCommand, CommandError

from loans.repricing import loans_reprice


class Command(BaseCommand):
    help = "On January 1, move existing loans to the policy rate then in force (remaining term kept). Safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, type=date.fromisoformat, help="YYYY-01-01")

    def handle(self, *args, date, **options):
        try:
            changed = loans_reprice(on=date)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"repriced {changed} loans")
