"""Who may open a view: depositors, employer users. Used by every app, so it lives in the leaf app."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404


def unit_required(view):
    """The view is for a logged-in employer user (单位用户); depositors and staff get 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url="accounts:unit_login")
        if not request.user.is_unit_user or request.user.employer_id is None:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def depositor_required(view):
    """The view is for a logged-in depositor; anyone else is sent to 个人登录 (or gets 404 if staff/unit)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_depositor:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
