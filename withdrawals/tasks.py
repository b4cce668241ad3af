from celery import shared_task

from . import payouts


@shared_task(bind=True, acks_late=True, max_retries=10)
def payout_send(self, payout_id: int) -> str:
    try:
        return payouts.payout_execute(payout_id=payout_id).status
    except payouts.PayoutRetry as exc:
        raise self.retry(exc=exc, countdown=min(2**self.request.retries, 300)) from exc


@shared_task(bind=True, acks_late=True, max_retries=10)
def payout_send_many(self, payout_ids: list[int]) -> dict:
    """A batch of released payouts (a bulk release, the sweep): those the bank did not answer are
    retried together, later, with the same keys."""
    run = payouts.payouts_execute(payout_ids=payout_ids)
    if run.retry:
        raise self.retry(args=(run.retry,), countdown=min(2**self.request.retries, 300))
    return {"paid": len(run.paid), "failed": len(run.failed)}


@shared_task
def payout_sweep() -> int:
    return len(payouts.payout_sweep())


@shared_task
def standing_withdrawals_run() -> dict:
    """委托提取: beat runs it daily; from the policy's day on, each active instruction is paid once a month."""
    from .standing import standing_withdrawals_run as run

    result = run()
    return {"paid": result.paid, "skipped": result.skipped, "already": result.already}
