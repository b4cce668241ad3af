from django.db.models import Case, Count, Q, When
from django.shortcuts import get_object_or_404

from .models import Message


def message_get_for_user(*, user, public_id) -> Message:
    """The one lookup for a depositor's message: anyone else's answers 404."""
    return get_object_or_404(Message.objects.of_user(user), public_id=public_id)


def inbox_counts(*, user) -> dict:
    """The red numbers on every page (unread notices, open 待办) and 已阅, in one query."""
    return Message.objects.of_user(user).aggregate(
        unread=Count("pk", filter=Q(kind=Message.Kind.NOTICE, read_at__isnull=True)),
        todos=Count("pk", filter=Q(kind=Message.Kind.TODO, done_at__isnull=True)),
        read=Count("pk", filter=Q(kind=Message.Kind.NOTICE, read_at__isnull=False)),
    )


def messages_open_newest(*, user, latest: int = 3) -> list[Message]:
    """The newest open items, in one query: the open 待办 first (a 补件 request must not hide behind a
    number), then unread notices, newest first in each."""
    return list(
        Message.objects.of_user(user)
        .filter(Q(kind=Message.Kind.TODO, done_at__isnull=True) | Q(kind=Message.Kind.NOTICE, read_at__isnull=True))
        .order_by(Case(When(kind=Message.Kind.TODO, then=0), default=1), "-created_at", "-id")[:latest]
    )


TABS = {  # 消息 / 待办 / 已阅: the tab's title and its list (我发起的, the fourth tab, is the hall's)
    "notices": ("消息", lambda messages: messages.unread_notices()),
    "todos": ("待办", lambda messages: messages.open_todos()),
    "read": ("已阅", lambda messages: messages.read_notices()),
}


def inbox_list(*, user, tab: str):
    """One of 消息 / 待办 / 已阅, newest first."""
    return TABS[tab][1](Message.objects.of_user(user))
