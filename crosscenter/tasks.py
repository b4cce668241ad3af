from celery import shared_task

from . import messaging


@shared_task(bind=True, acks_late=True, max_retries=12)
def outbox_deliver(self, partner_id: int) -> dict:
    """Send a partner's pending messages in order; while it does not answer, try again after the back-off
    (after its retries, or should this task itself be lost, the beat sweep finds the partner)."""
    flush = messaging.outbox_flush(partner_id=partner_id)
    if flush.retry_in is not None and not self.request.is_eager:  # the demo without a broker: resend_message
        raise self.retry(countdown=flush.retry_in)
    return {"delivered": flush.delivered, "refused": flush.refused}


@shared_task
def payloads_purge() -> list[int]:
    return list(messaging.payloads_purge())


@shared_task
def outbox_sweep() -> int:
    partners = messaging.outbox_due_partners()
    for partner_id in partners:
        outbox_deliver.delay(partner_id)
    return len(partners)
