"""manage.py backup_center: the database and the private media, one pair of files with one time stamp.

django-dbbackup does the work (pg_dump's custom format, gzip; a tar of the default storage, which is
GJJ_PRIVATE_MEDIA_ROOT) into the `dbbackup` storage (GJJ_BACKUP_DIR); --clean keeps the newest GJJ_BACKUP_KEEP.
Safe to run while the portal serves: pg_dump reads one consistent snapshot. Restore: `restore_center STAMP`."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone


def backup_names(stamp: str) -> tuple[str, str]:
    return f"gjj-{stamp}.psql.bin.gz", f"gjj-media-{stamp}.tar.gz"


class Command(BaseCommand):
    help = "Back up the database and the private media into GJJ_BACKUP_DIR (one time stamp for both)."

    def add_arguments(self, parser):
        parser.add_argument("--clean", action="store_true", help="then keep only the newest GJJ_BACKUP_KEEP backups")

    def handle(self, *args, **options):
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        database, media = backup_names(stamp)
        quiet = {"stdout": self.stderr, "verbosity": 0}
        call_command("dbbackup", compress=True, output_filename=database, clean=options["clean"], **quiet)
        call_command("mediabackup", compress=True, output_filename=media, clean=options["clean"], **quiet)
        self.stdout.write(f"backed up {stamp}: {database}, {media}")
