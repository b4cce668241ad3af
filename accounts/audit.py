"""个人信息查询记录 (个人信息保护法): who, other than the person, saw whose personal data — when, what, from where.

`access_record` is the one recorder. Admin pages that show a person's data inherit `PersonDataAdmin`, which
records every object admin opens for a staff member (the change page, the workbenches: each calls
`get_object`); views that hand staff a person's file call `access_record` themselves; the partner API records
each answered read. Rows are append-only (a PostgreSQL trigger refuses UPDATE and DELETE), except that
`access_records_purge` may delete rows older than the policy's retention, inside its own flagged transaction."""

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from gjj_portal.http import client_ip
from policy.center import current_policy

from .models import AccessRecord, User

PURGE_FLAG = "gjj.access_purge"


def staff_office(user: User) -> str:
    """What the person is shown: the office (the staff member's groups — 初审, 复核 …), never a login name."""
    groups = sorted(user.groups.values_list("name", flat=True))
    return f"{current_policy().center_name} · {'、'.join(groups) if groups else '工作人员'}"


def access_record(
    *,
    id_numbers,
    what: str,
    channel: str,
    office: str,
    viewer: User | None = None,
    address: str | None = None,
) -> int:
    """One row per person whose data was seen (an empty or unknown ID is skipped). Returns rows written."""
    people = sorted({n for n in id_numbers if n})
    AccessRecord.objects.bulk_create(
        [
            AccessRecord(
                id_number=n, viewer=viewer, office=office[:100], channel=channel, what=what[:200], address=address
            )
            for n in people
        ]
    )
    return len(people)


def staff_access_record(request, *, id_numbers, what: str, channel: str = AccessRecord.Channel.ADMIN) -> int:
    return access_record(
        id_numbers=id_numbers,
        what=what,
        channel=channel,
        office=staff_office(request.user),
        viewer=request.user,
        address=client_ip(request),
    )


def material_seen(request, material) -> None:
    """Staff opened a person's uploaded file (a withdrawal's or a loan application's material)."""
    application = material.application
    staff_access_record(
        request,
        id_numbers=[application.account.id_number],
        what=f"{application.number} 材料 {material.original_name}",
        channel=AccessRecord.Channel.FILE,
    )


def access_records_for(*, id_number: str):
    """The person's own 个人信息查询记录, newest first."""
    return AccessRecord.objects.filter(id_number=id_number).order_by("-at", "-pk")


def access_records_purge(*, now=None) -> int:
    """Delete rows past the policy's retention (years). The trigger lets this transaction alone delete, and
    never a row younger than six months, whatever the policy says."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=365 * max(1, current_policy().access_record_years))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_FLAG])
        deleted, _ = AccessRecord.objects.filter(at__lt=cutoff).delete()
    return deleted


class PersonDataAdmin:
    """Mixin for a ModelAdmin whose objects carry a person's data: each object opened is recorded.
    Subclasses say whose data an object shows (`person_id_numbers`)."""

    def person_id_numbers(self, obj) -> list[str]:
        raise NotImplementedError

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.user.is_authenticated:
            opts = obj._meta
            staff_access_record(request, id_numbers=self.person_id_numbers(obj), what=f"{opts.verbose_name} {obj}")
        return obj
