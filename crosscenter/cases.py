"""What both kinds of case share: their numbers, their working-day deadlines and their change rows."""

from datetime import date

from django.utils import timezone

from deposits.models import PersonalAccount
from gjj_portal.cache import person_changed
from gjj_portal.states import moves_record
from policy.center import current_policy, working_day_after

from .models import DailySequence


def case_number_next(today: date | None = None) -> str:
    """联系函编号 / 受理编号: 6-digit center code + YYMMDD + the day's 4-digit sequence (row-locked counter)."""
    today = today or timezone.localdate()
    DailySequence.objects.get_or_create(day=today)
    counter = DailySequence.objects.select_for_update().get(day=today)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{current_policy().center_code}{today:%y%m%d}{counter.last:04d}"


def due_after(days: int, start: date | None = None) -> date:
    return working_day_after(start or timezone.localdate(), days)


def case_move(case, change_model, transitions: dict, labels, to: str, *, actor=None, reason: str = "", **fields):
    """Move a locked case, recording who, when, from, to and why; `fields` are saved with the status."""
    subject = f"业务{getattr(case, 'number', None) or case.letter_number}"
    moves = [({"case": case}, case.status, subject)]
    moves_record(change_model, transitions, labels, moves, to=to, reason=reason[:500], actor=actor)
    case.status = to
    for name, value in fields.items():
        setattr(case, name, value)
    case.save(update_fields=["status", *fields])
    case_people_changed(case)


def case_people_changed(case) -> None:
    """我发起的 lists the person's cases: their pages read again (a case for nobody here changes no page)."""
    if case.account_id is not None:
        person_changed(PersonalAccount.objects.filter(pk=case.account_id).values_list("user_id", flat=True).first())


def deadline_state(due_on: date | None, final: bool, today: date | None = None) -> str:
    """ "overdue", "today" or "" for the case board and the case page."""
    if final or due_on is None:
        return ""
    today = today or timezone.localdate()
    if due_on < today:
        return "overdue"
    return "today" if due_on == today else ""
