"""通知公告: the published notices, newest first (pinned ones on top), read by the login page, the home page
and 通知公告. Kept in the cache for a minute at most (a notice dated ahead appears within the minute); staff's
saves in admin drop it at once (`notices_changed`)."""

from django.core.cache import cache
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import Notice

CACHE_KEY = "gjj:notices"
CACHE_SECONDS = 60
KEPT = 20


def notices_published():
    return Notice.objects.filter(withdrawn=False, published_at__lte=timezone.now())


def notices_current(*, limit: int = KEPT) -> list[Notice]:
    kept = cache.get(CACHE_KEY)
    if kept is None:
        kept = list(notices_published().only("public_id", "title", "published_at", "pinned")[:KEPT])
        cache.set(CACHE_KEY, kept, CACHE_SECONDS)
    return kept[:limit]


def notice_get(*, public_id) -> Notice:
    return get_object_or_404(notices_published(), public_id=public_id)


def notices_changed() -> None:
    cache.delete(CACHE_KEY)


def notice_save(*, notice: Notice, author) -> Notice:
    """Staff's 发布 / 修改 / 撤下 in admin; admin's change log records who and what."""
    if notice.author_id is None:
        notice.author = author
    notice.save()
    notices_changed()
    return notice
