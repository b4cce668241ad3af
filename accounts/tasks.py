from celery import shared_task

from .audit import access_records_purge


@shared_task
def access_records_old_purge() -> int:
    """个人信息查询记录 past the policy's retention (accounts.audit.access_records_purge)."""
    return access_records_purge()
