from django.conf import settings
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils.module_loading import import_string

from gjj_portal.sql import Combined, Read, models, read_all

from .models import Message


def message_get_for_user(*, user, public_id) -> Message:
    """The one lookup for a depositor's message: anyone else's answers 404."""
    return get_object_or_404(Message.objects.of_user(user), public_id=public_id)


def initiated_by_read(*, user) -> Read:
    """我发起的: what this person has applied for, newest first. The applications belong to another app;
    settings.GJJ_INITIATED_BY names its read (gjj_portal/sql.py), so this app imports none (it is a leaf)."""
    return import_string(settings.GJJ_INITIATED_BY)(user=user)


def inbox_counts(*, user) -> dict:
    """The red numbers on every page (unread notices, open 待办) and 已阅, in one query, counted once per
    request: the person object is the request's own (the page and the header both ask), and a page reads
    them with its own reads in one round trip (`inbox_counts_read`, settings.GJJ_LAYOUT_READS).

    Every page runs it, so it is written as SQL once instead of compiled by the ORM each time (about a
    third of a millisecond a page); tests compare it with the ORM's aggregate (`inbox_counts_orm`)."""
    counts = getattr(user, "_gjj_inbox_counts", None)
    if counts is None:
        counts = read_all(_counts_read(user))[0]
    return counts


def inbox_counts_read(*, user) -> Read | None:
    """The header's counts as a read to send with a page's own (settings.GJJ_LAYOUT_READS), or None when
    there is nothing to read: not a depositor, or read already in this request."""
    if not getattr(user, "is_depositor", False) or getattr(user, "_gjj_inbox_counts", None) is not None:
        return None
    return _counts_read(user)


def _counts_read(user) -> Read:
    def keep(rows, names):
        unread, todos, read = rows[0]
        counts = user._gjj_inbox_counts = {"unread": unread, "todos": todos, "read": read}
        return counts

    return Read(_COUNTS_SQL, [Message.Kind.NOTICE, Message.Kind.TODO, Message.Kind.NOTICE, user.pk], keep)


_COUNTS_SQL = (
    "SELECT count(*) FILTER (WHERE kind = %s AND read_at IS NULL),"
    " count(*) FILTER (WHERE kind = %s AND done_at IS NULL),"
    " count(*) FILTER (WHERE kind = %s AND read_at IS NOT NULL)"
    " FROM messages_center_message WHERE recipient_id = %s AND deleted_at IS NULL"
)


def inbox_counts_orm(*, user) -> dict:
    """The same counts through the ORM: what `inbox_counts` must equal."""
    return Message.objects.of_user(user).aggregate(
        unread=Count("pk", filter=Q(kind=Message.Kind.NOTICE, read_at__isnull=True)),
        todos=Count("pk", filter=Q(kind=Message.Kind.TODO, done_at__isnull=True)),
        read=Count("pk", filter=Q(kind=Message.Kind.NOTICE, read_at__isnull=False)),
    )


# The open 待办 first, then unread notices, newest first in each; SQL written once (gjj_portal/sql.py), as
# Message.objects.of_user(user).filter(open).order_by(Case(When(kind=todo, then=0), default=1), "-created_at", "-id").
_NEWEST_OPEN_SQL = (
    "SELECT * FROM messages_center_message WHERE recipient_id = %s AND deleted_at IS NULL"
    " AND ((kind = %s AND done_at IS NULL) OR (kind = %s AND read_at IS NULL))"
    " ORDER BY kind = %s DESC, created_at DESC, id DESC LIMIT %s"
)


def home_tasks_read(*, user, latest: int = 3) -> Combined:
    """个人任务管理 on the home page (seed 004 §1.3): the four lists' counts and the newest open items (待办
    first: a 补件 request must not hide behind a number), as reads the home page sends with its others."""

    def tasks(counts, mine, newest):
        return {
            "counts": {**counts, "mine": mine},
            "todos": [m for m in newest if m.kind == Message.Kind.TODO],
            "notices": [m for m in newest if m.kind == Message.Kind.NOTICE],
        }

    newest = models(
        Message, _NEWEST_OPEN_SQL, [user.pk, Message.Kind.TODO, Message.Kind.NOTICE, Message.Kind.TODO, latest]
    )
    return Combined(_counts_read(user), import_string(settings.GJJ_INITIATED_COUNT)(user=user), newest, combine=tasks)


class InboxList:
    """One of 消息 / 待办 / 已阅 for Django's paginator: its length is the count the header already made
    (inbox_counts, one query for all three), and a page is read as SQL written once (gjj_portal/sql.py),
    newest first as Message's ordering; a test holds both equal to the ORM's list."""

    WHERE = {  # tab → its condition, as MessageQuerySet.unread_notices / open_todos / read_notices
        "notices": ("kind = %s AND read_at IS NULL", Message.Kind.NOTICE, "unread"),
        "todos": ("kind = %s AND done_at IS NULL", Message.Kind.TODO, "todos"),
        "read": ("kind = %s AND read_at IS NOT NULL", Message.Kind.NOTICE, "read"),
    }

    def __init__(self, *, user, tab: str):
        self.user = user
        self.where, self.kind, self.counted = self.WHERE[tab]
        self._read: tuple[int, int, list[Message]] | None = None  # (start, limit, rows) read ahead

    def count(self) -> int:
        return inbox_counts(user=self.user)[self.counted]

    def __len__(self) -> int:
        return self.count()

    def read(self, *, start: int, limit: int) -> Read:
        """The rows from `start` on, at most `limit`, as a read to send with the page's others; a slice the
        paginator then takes within them is not read again."""

        sql = (
            "SELECT * FROM messages_center_message WHERE recipient_id = %s AND deleted_at IS NULL AND "  # noqa: S608 — WHERE is this class's own text
            + self.where
            + " ORDER BY created_at DESC, id DESC LIMIT %s OFFSET %s"
        )
        read = models(Message, sql, [self.user.pk, self.kind, limit, start])
        build = read.build

        def keep(rows, names):
            self._read = (start, limit, build(rows, names))
            return self._read[2]

        read.build = keep
        return read

    def __getitem__(self, part: slice) -> list[Message]:
        start, stop = part.start or 0, part.stop
        if self._read and self._read[0] == start and stop - start <= self._read[1]:
            return self._read[2][: stop - start]
        return read_all(self.read(start=start, limit=stop - start))[0]
