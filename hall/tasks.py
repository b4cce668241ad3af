from celery import shared_task

from .ops import beat_heartbeat


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Scheduled by beat every 30 s: /healthz/ and /metrics report beat stopped when the stamp grows old."""
    beat_heartbeat()
