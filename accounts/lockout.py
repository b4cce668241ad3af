"""Failed-login counting for django-axes: a person, not a string.

A depositor may type a 身份证号 (either case of a final X), a 手机号 or a 个人账号: all of them are
one person, so failures are keyed by the resolved user (`depositor:<id>`); identifiers that match
no one are keyed by the address alone (`unknown`), so guessing IDs from one address still locks
that address. Every key is counted per address as well (person + address): an outsider elsewhere
cannot lock a depositor or a staff member out at will, and a success clears only that person's
counter from that address. The depositor and employer forms also ask for a captcha on every try."""

from django.conf import settings

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
