from django.utils.functional import SimpleLazyObject

from gjj_portal.cache import person_reads
from messages_center.selectors import inbox_counts


def inbox(request):
    """The header's red numbers (unread notices, open 待办) on every depositor page, from the person's cache,
    read when the page first shows them; a view that read them with its own reads passes its own `inbox`,
    and this one is never read."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_depositor", False):
        return {}
    return {"inbox": SimpleLazyObject(lambda: person_reads(user.pk, inbox=lambda: inbox_counts(user=user))["inbox"])}
