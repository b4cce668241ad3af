from datetime import date

from django.db.models import Sum

from .models import EntryKind, LedgerEntry, PersonalAccount


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def account_continuous_deposit_months(*, account: PersonalAccount, today: date) -> int:
    """Consecutive months with a remittance (汇缴 or 补缴) ending at this month or the one before."""
    periods = set(
        LedgerEntry.objects.filter(
            account=account, kind__in=[EntryKind.REMITTANCE, EntryKind.SUPPLEMENTARY], amount__gt=0
        )
        .exclude(period="")
        .values_list("period", flat=True)
    )
    months = {int(p[:4]) * 12 + int(p[5:7]) - 1 for p in periods}
    current = _month_index(today)
    start = current if current in months else current - 1
    count = 0
    while start - count in months:
        count += 1
    return count


def account_recent_entries(*, account: PersonalAccount, limit: int = 10):
    return LedgerEntry.objects.for_account(account)[:limit]


def account_ledger_sum(*, account: PersonalAccount):
    return LedgerEntry.objects.filter(account=account).aggregate(total=Sum("amount"))["total"] or 0
