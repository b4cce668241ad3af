"""Guards every withdrawal submission before its view runs: the business-hour window and the bank
allow-list of the center policy. A refusal renders a page that explains; nothing is saved."""

from django.shortcuts import render
from django.utils import timezone

from gjj_portal.policy import current_policy, window_is_open, window_next_opening

from . import rules


def guarded(business: str):
    """Mark a view whose POSTs are business submissions subject to the policy's window and banks."""

    def mark(view):
        view.gjj_business = business
        return view

    return mark


class WithdrawalGuardMiddleware:
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
        now = timezone.now()
        if not window_is_open(window, now):
            opening = window_next_opening(window, now)
            return render(
                request,
                "withdrawals/closed.html",
                {"window": window.describe(), "next_opening": opening},
                status=403,
            )
        bank = request.POST.get("bank")
        if bank is not None and bank != "":
            problem = rules.bank_problem(bank, policy)
            if problem:
                return render(request, "withdrawals/refused.html", {"problem": problem}, status=400)
        return None
