from celery import shared_task
from django.utils import timezone

from . import prepayment, repricing, services


@shared_task(acks_late=True)
def instalments_collect_daily() -> str:
    run = services.instalments_collect(on=timezone.localdate())
    return f"collected {run.paid}, overdue {run.overdue}"


@shared_task(acks_late=True)
def loans_reprice_yearly() -> int:
    return repricing.loans_reprice(on=timezone.localdate())


@shared_task(acks_late=True)
def prepayments_settle() -> int:
    """提前还款 left debiting by a crash or a timeout: ask the bank by key and record its answer once."""
    return prepayment.prepayment_sweep()
