from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from .policy import current_policy

ELDER_COOKIE = "gjj_elder"  # accounts.views sets it for a person not yet logged in


def center(request):
    """The center's identity on every page (header and footer), from its policy profile."""
    try:
        policy = current_policy()
        return {"center_name": policy.center_name, "hotline": policy.hotline}
    except (ImproperlyConfigured, DatabaseError):
        return {"center_name": "住房公积金管理中心", "hotline": "12329"}


def display(request):
    """长辈版 and the message sound: the person's choice once logged in, the browser's before."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return {"elder": user.elder_mode, "sound_on": user.sound_on}
    return {"elder": request.COOKIES.get(ELDER_COOKIE) == "1", "sound_on": False}
