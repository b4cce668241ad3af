"""Small request helpers shared by every app's views."""

import ipaddress
from functools import cache


@cache
def _trusted_proxies(setting: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in setting if item.strip())


def _is_trusted(address: str, proxies: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def in_networks(address: str | None, networks) -> bool:
    """Whether the address is in one of these networks ("10.0.0.0/8", "::1/128", a bare address)."""
    return bool(address) and _is_trusted(address or "", _trusted_proxies(tuple(networks)))


def client_ip(request) -> str | None:
    """The client's address, for every per-address limit (login lockout, SMS and lookup budgets).

    REMOTE_ADDR, unless it is one of `GJJ_TRUSTED_PROXIES` (the center's TLS proxy): then the nearest
    address in X-Forwarded-For that is not itself a trusted proxy. A header sent by anyone else is
    ignored, so a client talking to gunicorn directly cannot choose the address it is counted under."""
    from django.conf import settings

    remote = request.META.get("REMOTE_ADDR")
    proxies = _trusted_proxies(tuple(settings.GJJ_TRUSTED_PROXIES))
    if not remote or not proxies or not _is_trusted(remote, proxies):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):  # the proxy appends what it saw; earlier entries are the client's to write
        if not _is_trusted(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote  # a garbled hop: count the proxy, never a made-up address
    return remote


def posted(request, *, files: bool = False):
    """Form data for a POST, None for a GET.

    `request.POST or None` leaves a form posted with no fields unbound: it shows no errors and has
    no `cleaned_data`, so a view reading it fails with a 500. A POST always binds, empty or not."""
    if request.method != "POST":
        return (None, None) if files else None
    return (request.POST, request.FILES) if files else request.POST


def hits_allowed(key: str, *, limit: int, seconds: int) -> bool:
    """Count one hit on `key` in the shared cache (Redis) and say whether it is within `limit` per
    `seconds`. The window starts at the first hit; every process sees the same count."""
    from django.core.cache import cache

    cache.add(key, 0, seconds)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        return True


def pdf_response(data: bytes, filename: str):
    """A PDF to download under `filename` (Chinese names too: RFC 5987, with an ASCII fallback)."""
    return download_response(data, filename, "application/pdf")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_response(data: bytes, filename: str, content_type: str):
    """A file to download under `filename` (Chinese names too: RFC 5987, with an ASCII fallback)."""
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(data, content_type=content_type)
    fallback = filename.encode("ascii", "ignore").decode() or "document"
    response["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return response


API_PREFIX = "/api/"


def is_api(request) -> bool:
    """A call of the JSON API (the app channel): refusals answer in its error shape, not as pages."""
    return (getattr(request, "path", "") or "").startswith(API_PREFIX)


def json_error(code: str, message: str, *, status: int, field: str | None = None, **extra):
    """The API's one error shape: a stable `code`, the Chinese `message` a page would show, the `field`."""
    from django.http import JsonResponse

    response = JsonResponse({"code": code, "message": message, "field": field, **extra}, status=status)
    return response


def json_body(request) -> dict:
    """A JSON request's object body ({} for anything else): for the guards that run before the view."""
    import json

    if not (request.content_type or "").startswith("application/json"):
        return {}
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return body if isinstance(body, dict) else {}
