from django.core.management.base import BaseCommand

from policy.center import policy_cache_clear
from policy.models import BusinessWindow, CenterPolicy, InterestRate, LoanRate, PolicyBank
from policy.profiles import load_profiles


class Command(BaseCommand):
    help = "Load the seed centers' policy profiles (missing ones only; --reset restores the shipped values)."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="overwrite edited profiles with the shipped values")

    def handle(self, *args, reset=False, **options):
        created = load_profiles(CenterPolicy, PolicyBank, BusinessWindow, InterestRate, LoanRate, overwrite=reset)
        policy_cache_clear()
        self.stdout.write(f"policies created: {created}, total: {CenterPolicy.objects.count()}")
