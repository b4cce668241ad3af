"""Django's Redis cache, keeping one client per connection pool; and the cache of a person's pages.

Django's backend builds a new `redis.Redis` for every operation (each fills a table of some 170 reply
handlers), and every page makes two or three: the session and the center's policy. The clients share
the pool either way and are safe to share between threads; only their construction is saved."""

import hashlib
import secrets
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends import redis as django_redis
from django.db import transaction


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


# --- A person's pages --------------------------------------------------------------------------------
# What a depositor's pages read (entries, messages, applications, loans, cases) is kept per person under a
# version: the services that write those rows call `person_changed` (or `everyone_changed` for a batch over
# many accounts, e.g. 结息 or an employer's list), and the next page reads the database again. A page's
# reads and its version come back in one round trip (`person_reads`). Kept values carry the versions they
# were read under; a version is a random token, so a value read before a change can never match after it.
PERSON_VERSION = "gjj:pv:{}"
EVERYONE_VERSION = "gjj:pv"
PERSON_READ_SECONDS = 600


def _release() -> str:
    """What the kept values were made by: a new release of the code (another shape of a page's reads, another
    partial template) never reads what an older one kept. GJJ_RELEASE names it (the image's build), else a
    fingerprint of the code and templates on disk, taken once per process."""
    if settings.GJJ_RELEASE:
        return settings.GJJ_RELEASE
    digest = hashlib.sha1(usedforsecurity=False)
    base = Path(settings.BASE_DIR)
    folders = [d for d in base.iterdir() if (d / "__init__.py").exists() or d.name == "templates"]
    for path in sorted(p for folder in folders for p in folder.rglob("*") if p.suffix in (".py", ".html")):
        stat = path.stat()
        digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


PERSON_READ = "gjj:pr:" + _release() + ":{}:{}"


def person_reads(user_id: int, **reads: Callable[[], Any]) -> dict[str, Any]:
    """{name: read()} for one person, each from the cache if kept under the person's current versions.
    A name is one kind of value across all of the person's pages (the same name on two pages must read the
    same thing: "inbox" is the header's counts everywhere) and holds what the read depends on (a date range,
    a page number)."""
    if not settings.GJJ_PERSON_CACHE:
        return {name: read() for name, read in reads.items()}
    names = {name: PERSON_READ.format(user_id, name) for name in reads}
    mine = PERSON_VERSION.format(user_id)
    found = cache.get_many([EVERYONE_VERSION, mine, *names.values()])
    versions = (found.get(EVERYONE_VERSION), found.get(mine))
    answers, missing = {}, []
    for name, key in names.items():
        kept = found.get(key)
        if None not in versions and kept is not None and kept[0] == versions:
            answers[name] = kept[1]
        else:
            missing.append(name)
    if missing:
        # The versions are settled before the database is read: a change committed after this point
        # replaces them, so what is read below is never kept as newer than it is.
        versions = (_version(EVERYONE_VERSION, versions[0]), _version(mine, versions[1]))
        fresh = {name: reads[name]() for name in missing}
        cache.set_many({names[name]: (versions, value) for name, value in fresh.items()}, PERSON_READ_SECONDS)
        answers.update(fresh)
    return answers


def _version(key: str, known: str | None) -> str:
    if known is not None:
        return known
    token = secrets.token_hex(8)
    if cache.add(key, token, None):  # ours; else another process set it a moment ago: read theirs
        return token
    return cache.get(key) or ""


def person_changed(*user_ids: int | None) -> None:
    """These people's pages read the database again: now (within the transaction, so the writer's own next
    page sees it) and once more after commit (a page read between the two kept what was there before)."""
    keys = [PERSON_VERSION.format(user_id) for user_id in user_ids if user_id is not None]
    if keys:
        forget(keys)
        transaction.on_commit(partial(forget, keys))


def everyone_changed() -> None:
    """Every person's pages read the database again (a batch over many accounts)."""
    forget([EVERYONE_VERSION])
    transaction.on_commit(partial(forget, [EVERYONE_VERSION]))


def forget(keys: list[str]) -> None:
    """Drop these versions (what `person_changed` and `everyone_changed` run now and after commit)."""
    cache.delete_many(keys)
