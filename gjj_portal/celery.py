import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gjj_portal.settings")

app = Celery("gjj_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _refuse_unsafe_start(**kwargs):
    """The worker stops before it takes a task (a receiver's exception would only be logged: SystemExit is not)."""
    from gjj_portal.checks import unsafe_start_refusal

    if reason := unsafe_start_refusal():
        raise SystemExit(f"ImproperlyConfigured: {reason}")
