from django.core.management.base import BaseCommand

from crosscenter.selectors import stuck_cases


class Command(BaseCommand):
    help = "List 跨省通办 cases past their step's working-day deadline and messages a partner has not taken."

    def handle(self, *args, **options):
        joint, transfers, messages = stuck_cases()
        for case in joint:
            self.stdout.write(
                f"两地联办 {case.number} {case.get_role_display()} {case.partner.name} "
                f"{case.get_status_display()} 时限 {case.due_on}"
            )
        for case in transfers:
            self.stdout.write(
                f"转移接续 {case.letter_number} {case.get_direction_display()} {case.partner.name} "
                f"{case.get_status_display()} 时限 {case.due_on}"
            )
        for m in messages:
            self.stdout.write(
                f"报文 {m.message_id} {m.kind} {m.case_number} → {m.partner.code} {m.get_status_display()} "
                f"attempts {m.attempts} {m.last_error}"
            )
        self.stdout.write(
            f"{len(joint)} joint cases, {len(transfers)} transfer cases overdue; {len(messages)} messages stuck"
        )
