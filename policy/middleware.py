"""Guards every business submission (withdrawals, early repayment) before its view runs: the
business-hour window and the bank allow-list of the center policy. A refusal renders a page that
explains when to come back, or what to change; nothing is saved."""

from django.shortcuts import render
from django.utils import timezone

from gjj_portal.http import is_api, json_body, json_error

from .center import current_policy, window_is_open, window_next_opening
from .models import Business


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
        if is_api(request) and not request.META.get("HTTP_AUTHORIZATION"):
            return None  # no one logged in: the API answers 401 first (its view authenticates)
        return self._closed(request, business) or self._bank_refused(request)

    @staticmethod
    def _closed(request, business):
        window = current_policy().windows.get(business)
        now = business_now()
        if window_is_open(window, now):
            return None
        opening = window_next_opening(window, now)
        if is_api(request):
            when = f"请于{opening:%Y年%m月%d日 %H:%M}后再办理。" if opening else ""
            message = f"现在不在{Business(business).label}的办理时间（{window.describe()}）。{when}"
            return json_error("closed", message, status=403, next_opening=opening.isoformat() if opening else None)
        context = {"window": window.describe(), "next_opening": opening, "business": Business(business).label}
        return render(request, "closed.html", context, status=403)

    @staticmethod
    def _bank_refused(request):
        bank = json_body(request).get("bank") if is_api(request) else request.POST.get("bank")
        if bank is None or bank == "" or not (problem := current_policy().bank_problem(str(bank))):
            return None
        if is_api(request):
            return json_error("bank_not_allowed", problem, status=400, field="bank")
        return render(request, "refused.html", {"problem": problem}, status=400)
