import re

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from deposits.models import ProfileChange
from deposits.profile import ProfileError, phone_change


class Command(BaseCommand):
    help = (
        "变更手机号 at the counter, for a depositor whose old phone is lost: the clerk has checked the ID card in "
        "person. Recorded with the clerk as the actor and the counter as the channel; the depositor is told."
    )

    def add_arguments(self, parser):
        parser.add_argument("id_number")
        parser.add_argument("new_phone")
        parser.add_argument("--clerk", required=True, help="the staff user name of the clerk at the counter")

    def handle(self, *args, id_number, new_phone, clerk, **options):
        if not re.fullmatch(r"1\d{10}", new_phone):
            raise CommandError("请输入11位手机号。")
        user = User.objects.filter(id_number=id_number.upper(), account__isnull=False).first()
        if user is None:
            raise CommandError("未查询到该身份证号的网厅用户。")
        staff = User.objects.filter(username=clerk, is_staff=True).first()
        if staff is None:
            raise CommandError(f"没有名为 {clerk} 的工作人员。")
        try:
            change = phone_change(user=user, new_phone=new_phone, channel=ProfileChange.Channel.COUNTER, actor=staff)
        except ProfileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{user.full_name}: {change.old_masked} → {change.new_masked}（柜台办理，{staff.username}）")
