from celery import shared_task
from django.utils import timezone

from . import applications, prepayment, repricing, services


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


@shared_task(acks_late=True)
def loan_disburse_send(application_id: int) -> str:
    """放款, released by staff: paid once through the bank adapter with the application's key."""
    return applications.loan_disburse_execute(application_id=application_id).status


@shared_task(acks_late=True)
def disbursements_settle() -> int:
    """放款 left claimed by a dead worker or never picked up: ask the bank again by key, record once."""
    return applications.loan_disburse_sweep()
