"""manage.py restore_center STAMP: the database and the private media back from one backup, then `reconcile`.

Destructive: the database's tables are dropped and replaced (pg_restore --clean), the media files replaced.
It asks first unless --noinput. The portal, the workers and beat must be stopped (compose: `docker compose
stop web worker beat`). After the restore every account's ledger is reconciled; a mismatch fails the command."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from .backup_center import backup_names


class Command(BaseCommand):
    help = "Restore the database and the private media from backup_center's STAMP, then reconcile."

    def add_arguments(self, parser):
        parser.add_argument("stamp", help="the backup's time stamp, e.g. 20261204-031500 (backup_center prints it)")
        parser.add_argument("--noinput", action="store_true", help="do not ask before replacing the data")

    def handle(self, *args, stamp, noinput, **options):
        database, media = backup_names(stamp)
        if not noinput:
            name = connection.settings_dict["NAME"]
            answer = input(f"Replace the database {name} and the media with {stamp}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("not restored")
        quiet = {"stdout": self.stderr, "verbosity": 0, "interactive": False}
        call_command("dbrestore", input_filename=database, uncompress=True, **quiet)
        call_command("mediarestore", input_filename=media, uncompress=True, replace=True, **quiet)
        connection.close()  # the restored tables: a fresh connection
        self.stdout.write(f"restored {stamp}: {database}, {media}")
        call_command("reconcile", stdout=self.stdout)
