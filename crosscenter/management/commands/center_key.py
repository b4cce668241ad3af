from django.core.management.base import BaseCommand

from crosscenter.signing import key_pair_new, private_key, public_key_text
from policy.center import current_policy


class Command(BaseCommand):
    help = "Print this center's code and public key (for partners), or --generate a new key pair for .env."

    def add_arguments(self, parser):
        parser.add_argument("--generate", action="store_true")

    def handle(self, *args, generate, **options):
        if generate:
            private, public = key_pair_new()
            self.stdout.write(f"GJJ_CENTER_SIGNING_KEY={private}")
            self.stdout.write(f"public key (give it to partners): {public}")
            return
        code = current_policy().center_code
        self.stdout.write(f"{code} {public_key_text(private_key(code))}")
