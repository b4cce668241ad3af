from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from .policy import current_policy


def center(request):
    try:
        return {"center_name": current_policy().center_name}
    except (ImproperlyConfigured, DatabaseError):
        return {"center_name": "住房公积金管理中心"}
