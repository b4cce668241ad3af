"""Small request helpers shared by every app's views."""


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
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(data, content_type="application/pdf")
    fallback = filename.encode("ascii", "ignore").decode() or "document.pdf"
    response["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return response
