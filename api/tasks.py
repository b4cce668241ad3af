from celery import shared_task

from .services import api_records_purge


@shared_task
def records_purge() -> tuple[int, int]:
    """Stored idempotent answers and old device logins (api.services.api_records_purge)."""
    return api_records_purge()
