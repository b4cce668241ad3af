"""Failed-login counting for django-axes: a person, not a string.

A depositor may type a 身份证号 (either case of a final X), a 手机号 or a 个人账号: all of them are
one person, so failures are keyed by the resolved user (`depositor:<id>`); identifiers that match
no one are keyed by the address alone (`unknown`), so guessing IDs from one address still locks
that address. Every key is counted per address as well (person + address): an outsider elsewhere
cannot lock a depositor or a staff member out at will, and a success clears only that person's
counter from that address. The depositor and employer forms also ask for a captcha on every try.

Across people: failures from one address are also counted together (GJJ_LOGIN_ADDRESS_FAILURES an hour);
past that budget the address may try only once every GJJ_LOGIN_ADDRESS_DELAY seconds, whoever it names —
password spraying over many people slows to a crawl, while an office behind one address is delayed, never
locked out."""

import time

from django.conf import settings
from django.core.cache import cache

from gjj_portal.http import client_ip

from .models import Role, User


def depositor_for(identifier: str, request=None) -> User | None:
    """The one depositor an identifier names, by three exact, indexed lookups (never an OR scan).
    With the request, the answer is kept on it: the lockout key and the login both ask."""
    value = (identifier or "").strip().upper()
    if not value or len(value) > 30:
        return None
    known = getattr(request, "_gjj_depositors", None) if request is not None else None
    if known is not None and value in known:
        return known[value]
    found = _depositor_lookup(value)
    if request is not None:
        request._gjj_depositors = {**(known or {}), value: found}
    return found


def _depositor_lookup(value: str) -> User | None:
    depositors = User.objects.filter(role=Role.DEPOSITOR)
    for lookup in ({"id_number": value}, {"phone": value}, {"account__grzh": value}):
        found = list(depositors.filter(**lookup)[:2])
        if found:
            return found[0] if len(found) == 1 else None  # a phone two people share names no one
    return None


def lockout_key(request, credentials) -> str:
    """AXES_USERNAME_CALLABLE: what the failure counter is keyed by."""
    typed = ((credentials or {}).get("username") or "").strip()
    path = getattr(request, "path", "") or ""
    if path.startswith("/" + settings.ADMIN_URL):
        return f"staff:{typed}"
    if path.startswith("/accounts/unit/"):
        return f"unit:{typed}"
    user = depositor_for(typed, request)
    return f"depositor:{user.pk}" if user else "unknown"


def lockout_parameters(request_or_attempt, credentials=None):
    """AXES_LOCKOUT_PARAMETERS: the person (or `unknown`) together with the address."""
    return [["username", "ip_address"]]


ADDRESS_WINDOW_SECONDS = 3600


def _address_keys(request) -> tuple[str, str]:
    address = client_ip(request)
    return f"login-failures:{address}", f"login-last-try:{address}"


def address_wait_seconds(request) -> int:
    """Seconds this address must still wait before its next try (0: go ahead); a try is noted as taken."""
    failures_key, last_key = _address_keys(request)
    if (cache.get(failures_key) or 0) < settings.GJJ_LOGIN_ADDRESS_FAILURES:
        return 0
    now = time.time()
    last = cache.get(last_key)
    if last is not None and now - last < settings.GJJ_LOGIN_ADDRESS_DELAY:
        return int(settings.GJJ_LOGIN_ADDRESS_DELAY - (now - last)) + 1
    cache.set(last_key, now, ADDRESS_WINDOW_SECONDS)
    return 0


def address_failed(request) -> None:
    """One more failed password from this address, whoever it named (the window starts at the first)."""
    failures_key, _last = _address_keys(request)
    cache.add(failures_key, 0, ADDRESS_WINDOW_SECONDS)
    try:
        cache.incr(failures_key)
    except ValueError:  # expired between the two calls
        cache.set(failures_key, 1, ADDRESS_WINDOW_SECONDS)
