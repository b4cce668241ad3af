from django.shortcuts import redirect
from django.urls import reverse

ALLOWED = ("accounts:password_change", "accounts:logout", "accounts:logout_all")


class PasswordChangeRequiredMiddleware:
    """An account the center created with an initial password must set its own before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if not (user and user.is_authenticated and getattr(user, "must_change_password", False)):
            return None
        match = request.resolver_match
        if match and (match.view_name in ALLOWED or match.app_name in ("admin", "captcha")):
            return None
        return redirect(reverse("accounts:password_change"))
