from celery import shared_task

from . import payouts


@shared_task(bind=True, acks_late=True, max_retries=10)
def payout_send(self, payout_id: int) -> str:
    try:
        return payouts.payout_execute(payout_id=payout_id).state
    except payouts.PayoutRetry as exc:
        raise self.retry(exc=exc, countdown=min(2**self.request.retries, 300)) from exc


@shared_task
def payout_sweep() -> int:
    return len(payouts.payout_sweep())
