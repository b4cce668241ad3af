import secrets
import string

from django.core.management.base import BaseCommand, CommandError

from accounts.services import IdentityError
from deposits.models import PersonalAccount
from deposits.onboarding import online_access_open


class Command(BaseCommand):
    help = "面签开通: open web access for a depositor with a random initial password, changed at first login."

    def add_arguments(self, parser):
        parser.add_argument("id_number")

    def handle(self, *args, id_number, **options):
        account = PersonalAccount.objects.filter(id_number=id_number.upper()).first()
        if account is None:
            raise CommandError("未查询到该身份证号的公积金账户。")
        alphabet = string.ascii_letters + string.digits
        password = "".join(secrets.choice(alphabet) for _ in range(8)) + str(secrets.randbelow(10))
        try:
            online_access_open(account=account, initial_password=password)
        except IdentityError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"opened for {account.name} ({account.grzh}); initial password: {password}")
