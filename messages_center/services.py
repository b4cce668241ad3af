"""The messages center. Notices: unread → 已阅 (read_at) → 删除 (deleted_at, kept for audit).
待办: open → done (done_at) when the thing is done, closed by the service that does it."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from gjj_portal.cache import person_changed
from gjj_portal.db import copy_insert

from .models import Message


def message_send(
    *, recipient=None, recipient_id: int | None = None, business: str, title: str, body: str, link: str = ""
) -> Message:
    """One notice; `recipient_id` spares the caller reading the user row just to name it."""
    recipient_id = recipient.pk if recipient is not None else recipient_id
    if recipient_id is None:
        raise ValueError("message_send needs a recipient or a recipient_id")
    person_changed(recipient_id)
    return Message.objects.create(recipient_id=recipient_id, business=business, title=title, body=body, link=link)


@dataclass(frozen=True)
class Notice:
    recipient_id: int
    business: str
    title: str
    body: str
    link: str = ""


def message_send_many(*, notices: list[Notice]) -> int:
    """Many notices at once (an employer's list tells every employee): one COPY, not a row at a time."""
    person_changed(*{n.recipient_id for n in notices})
    return copy_insert(
        Message,
        [
            {"recipient_id": n.recipient_id, "business": n.business, "title": n.title, "body": n.body, "link": n.link}
            for n in notices
        ],
    )


@transaction.atomic
def todo_open(*, recipient, key: str, business: str, title: str, body: str, link: str = "") -> Message:
    person_changed(recipient.pk)
    todo, _ = Message.objects.get_or_create(
        recipient=recipient,
        key=key,
        kind=Message.Kind.TODO,
        done_at=None,
        defaults={"business": business, "title": title, "body": body, "link": link},
    )
    return todo


def todo_close(*, recipient, key: str) -> int:
    person_changed(recipient.pk)
    return Message.objects.open_todos().filter(recipient=recipient, key=key).update(done_at=timezone.now())


def message_mark_read(*, message: Message) -> None:
    person_changed(message.recipient_id)
    if message.read_at is None:
        Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())


def message_delete(*, message: Message) -> None:
    person_changed(message.recipient_id)
    Message.objects.filter(pk=message.pk).update(deleted_at=timezone.now())
