from django.shortcuts import get_object_or_404

from .models import Message


def message_get_for_user(*, user, public_id) -> Message:
    """The one lookup for a depositor's message: anyone else's answers 404."""
    return get_object_or_404(Message.objects.of_user(user), public_id=public_id)


def inbox_counts(*, user) -> dict:
    mine = Message.objects.of_user(user)
    return {"unread": mine.unread_notices().count(), "todos": mine.open_todos().count()}
