from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from .models import Message


def message_get_for_user(*, user, public_id) -> Message:
    """The one lookup for a depositor's message: anyone else's answers 404."""
    return get_object_or_404(Message.objects.of_user(user), public_id=public_id)


def inbox_counts(*, user) -> dict:
    """The two red numbers on every page, in one query."""
    return Message.objects.of_user(user).aggregate(
        unread=Count("pk", filter=Q(kind=Message.Kind.NOTICE, read_at__isnull=True)),
        todos=Count("pk", filter=Q(kind=Message.Kind.TODO, done_at__isnull=True)),
    )
