from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.urls import reverse

from .center import current_policy


def center(request):
    """The center's identity on every page (header and footer), from its policy profile."""
    try:
        policy = current_policy()
        logo = f"{reverse('hall:logo')}?v={quote(policy.logo_name)}" if policy.logo_name else ""
        return {"center_name": policy.center_name, "hotline": policy.hotline, "center_logo": logo}
    except (ImproperlyConfigured, DatabaseError):
        return {"center_name": "住房公积金管理中心", "hotline": "12329"}
