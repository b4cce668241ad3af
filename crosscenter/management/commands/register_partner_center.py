from django.core.management.base import BaseCommand, CommandError

from crosscenter.models import PartnerCenter
from crosscenter.signing import public_key_check


class Command(BaseCommand):
    help = "Register (or update) a partner center: its 6-digit code, name, base URL and Ed25519 public key."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("name")
        parser.add_argument("base_url")
        parser.add_argument("public_key", help="the partner's `manage.py center_key` output (Base64)")
        parser.add_argument("--inactive", action="store_true", help="registered but not used yet")

    def handle(self, *args, code, name, base_url, public_key, inactive, **options):
        if not (code.isdigit() and len(code) == 6):
            raise CommandError("中心代码应为6位数字。")
        if not base_url.startswith(("https://", "http://")):
            raise CommandError("接口地址应以 https:// 开头。")
        try:
            public_key_check(public_key)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        partner, created = PartnerCenter.objects.update_or_create(
            code=code, defaults={"name": name, "base_url": base_url, "public_key": public_key, "active": not inactive}
        )
        self.stdout.write(
            f"{'registered' if created else 'updated'} partner {partner.code} {partner.name} {partner.base_url}"
        )
