from django.core.management.base import BaseCommand

from hall.services import STAFF_GROUPS, staff_groups_ensure


class Command(BaseCommand):
    help = "Create or update the staff groups 初审 and 复核/财务 with their permissions (safe to rerun)."

    def handle(self, *args, **options):
        groups = staff_groups_ensure()
        for name, group in groups.items():
            self.stdout.write(f"{name}: {group.permissions.count()} permissions ({', '.join(STAFF_GROUPS[name])})")
