"""Guards every business submission (withdrawals, early repayment) before its view runs: the
business-hour window and the bank allow-list of the center policy. A refusal renders a page that
explains when to come back, or what to change; nothing is saved."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control

from .models import Business
from .policy import current_policy, window_is_open, window_next_opening


def business_now():
    """The moment a submission is judged against the window (one seam for tests that set the clock)."""
    return timezone.now()


def guarded(business: str):
    """Mark a view whose POSTs are business submissions subject to the policy's window and banks."""

    def mark(view):
        view.gjj_business = business
        return view

    return mark


class BusinessGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        business = getattr(view_func, "gjj_business", None)
        if business is None or request.method != "POST":
            return None
        policy = current_policy()
        window = policy.windows.get(business)
        now = business_now()
        if not window_is_open(window, now):
            opening = window_next_opening(window, now)
            return render(
                request,
                "closed.html",
                {"window": window.describe(), "next_opening": opening, "business": Business(business).label},
                status=403,
            )
        bank = request.POST.get("bank")
        if bank is not None and bank != "":
            problem = policy.bank_problem(bank)
            if problem:
                return render(request, "refused.html", {"problem": problem}, status=400)
        return None


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
