from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from .center import current_policy


def center(request):
    """The center's identity on every page (header and footer), from its policy profile."""
    try:
        policy = current_policy()
        return {"center_name": policy.center_name, "hotline": policy.hotline}
    except (ImproperlyConfigured, DatabaseError):
        return {"center_name": "住房公积金管理中心", "hotline": "12329"}
