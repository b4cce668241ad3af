"""Middleware every request passes: no stored copy of a personal page, and no NUL byte in any parameter.
(The center policy's guard of business submissions is policy.middleware.)"""

from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    """Pages are personal (balances, ID numbers, applications): no browser or proxy keeps a copy.
    Static files never reach this (whitenoise answers them first, with their own long cache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, no_cache=True, private=True, max_age=0)
        return response


class RejectNulMiddleware:
    """No parameter may carry a NUL byte: PostgreSQL refuses it in text, and no person types one.
    Checked once here for every view (forms reject it too, but some views read parameters directly)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .views import bad_request

        for params in (request.GET, request.POST) if request.method == "POST" else (request.GET,):
            for key, values in params.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    return bad_request(request)
        return self.get_response(request)
