from celery import shared_task
from django.utils import timezone

from . import remittance
from .services import interest_settle_all


@shared_task(acks_late=True)
def interest_settle_yearly() -> str:
    """Beat runs this on June 30 (after the day's business); rerunning posts nothing twice."""
    run = interest_settle_all(settle_on=timezone.localdate())
    return f"{run.settled} accounts, {run.total}"


@shared_task(acks_late=True)
def remittance_notify_task(batch_id: int) -> int:
    return remittance.remittance_notify(batch_id=batch_id)


@shared_task
def remittance_notify_sweep() -> int:
    return len(remittance.remittance_notify_sweep())


@shared_task(acks_late=True)
def refund_execute_task(refund_id: int) -> str:
    from .refunds import refund_execute

    return refund_execute(refund_id=refund_id).status


@shared_task(acks_late=True)
def refunds_settle() -> int:
    from .refunds import refunds_settle as settle

    return settle()
