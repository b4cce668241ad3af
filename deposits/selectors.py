from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from gjj_portal.months import month_index, period_index

from .models import EntryKind, LedgerEntry, PersonalAccount

DEPOSIT_KINDS = [EntryKind.REMITTANCE, EntryKind.SUPPLEMENTARY]


def account_deposit_periods(*, account: PersonalAccount) -> set[str]:
    """The months (YYYY-MM) for which money was paid in (汇缴 or 补缴)."""
    return {period for _id, period in accounts_deposit_periods(account_ids=[account.pk])}


def accounts_deposit_periods(*, account_ids) -> set[tuple[int, str]]:
    """(account id, month) pairs paid in, for many accounts in one read (an employer's list)."""
    return set(
        LedgerEntry.objects.filter(account_id__in=list(account_ids), kind__in=DEPOSIT_KINDS, amount__gt=0)
        .exclude(period="")
        .values_list("account_id", "period")
    )


def account_or_404(user) -> PersonalAccount:
    """The signed-in person's own account (read with the person: accounts.backends); 404 for anyone without one."""
    account = getattr(user, "account", None)
    if account is None:
        raise Http404
    return account


def account_continuous_deposit_months(*, account: PersonalAccount, today: date) -> int:
    """Consecutive months with a remittance (汇缴 or 补缴) ending at this month or the one before."""
    months = {period_index(p) for p in account_deposit_periods(account=account)}
    current = month_index(today)
    start = current if current in months else current - 1
    count = 0
    while start - count in months:
        count += 1
    return count


def account_recent_entries(*, account: PersonalAccount, limit: int = 10):
    return LedgerEntry.objects.for_account(account)[:limit]


def account_entries_between(*, account: PersonalAccount, start: date, end: date, opening: Decimal | None = None):
    """The entries dated start..end with their running balances (`opening`: the balance the day before
    `start`, read here when the caller has not read it already)."""
    if opening is None:
        opening = account_balance_on(account=account, day=start - timedelta(days=1))
    return LedgerEntry.objects.for_account_between(account, start, end, opening=Decimal(opening))


def account_balance_on(*, account: PersonalAccount, day: date):
    return LedgerEntry.objects.filter(account=account, occurred_on__lte=day).aggregate(s=Sum("amount"))["s"] or 0


def account_ledger_sum(*, account: PersonalAccount):
    return LedgerEntry.objects.filter(account=account).aggregate(total=Sum("amount"))["total"] or 0


def accounts_out_of_balance():
    """Accounts whose balance is not the sum of their entries, or not the last entry's balance_after."""
    money = DecimalField(max_digits=14, decimal_places=2)
    last_after = LedgerEntry.objects.filter(account=OuterRef("pk")).order_by("-id").values("balance_after")[:1]
    return (
        PersonalAccount.objects.annotate(
            ledger_sum=Coalesce(Sum("entries__amount"), Value(0), output_field=money),
            last_balance_after=Coalesce(Subquery(last_after), Value(0), output_field=money),
        )
        .filter(~Q(balance=F("ledger_sum")) | ~Q(balance=F("last_balance_after")))
        .order_by("grzh")
    )


@dataclass(frozen=True)
class Mismatch:
    grzh: str
    name: str
    balance: Decimal
    ledger_sum: Decimal
    last_balance_after: Decimal


def ledger_mismatches() -> list[Mismatch]:
    """Every account whose balance is not the sum of its entries, or not its last entry's balance_after,
    in one pass over the ledger grouped by account (`manage.py reconcile`); `accounts_out_of_balance`
    is the same question as a queryset, for a few accounts."""
    if connection.vendor != "postgresql":
        return [
            Mismatch(a.grzh, a.name, a.balance, a.ledger_sum, a.last_balance_after) for a in accounts_out_of_balance()
        ]
    with connection.cursor() as cursor:
        # The last entry's balance rides along in the same aggregate: the largest (id, balance in cents) pair.
        cursor.execute(
            """
            SELECT a.grzh, a.name, a.balance, coalesce(s.total, 0), coalesce(s.last[2], 0)::numeric / 100
            FROM deposits_personalaccount a
            LEFT JOIN (SELECT account_id, sum(amount) AS total, max(ARRAY[id, (balance_after * 100)::bigint]) AS last
                       FROM deposits_ledgerentry GROUP BY account_id) s ON s.account_id = a.id
            WHERE a.balance <> coalesce(s.total, 0) OR a.balance * 100 <> coalesce(s.last[2], 0)
            ORDER BY a.grzh
            """
        )
        return [Mismatch(*row) for row in cursor.fetchall()]


# Checks other apps add to `manage.py reconcile` (each returns its problems as Chinese lines): crosscenter's
# 转移接续 against the ledger. Registered in their AppConfig.ready, so this app imports none of them.
LEDGER_CHECKS: list = []


def account_interest_to_date(*, account: PersonalAccount, today: date, rates) -> Decimal:
    """Interest earned since the last settlement (July 1) up to yesterday, for closing withdrawals."""
    from datetime import timedelta

    from .interest import interest_for_period

    start = date(today.year if today.month >= 7 else today.year - 1, 7, 1)
    end = today - timedelta(days=1)
    if end < start:
        return Decimal("0.00")
    opening = LedgerEntry.objects.filter(account=account, occurred_on__lt=start).aggregate(s=Sum("amount"))["s"]
    movements = LedgerEntry.objects.filter(account=account, occurred_on__range=(start, end)).values_list(
        "occurred_on", "amount"
    )
    return interest_for_period(
        opening_balance=opening or Decimal("0"), movements=movements, start=start, end=end, rates=rates
    )


def account_ids(**lookup) -> list[int]:
    """The ids of the accounts an exact, indexed lookup finds (admin searches resolve them first, so
    the list's own query filters one table by an index instead of joining)."""
    return list(PersonalAccount.objects.filter(**lookup).values_list("pk", flat=True)[:1000])


def interest_settled_years(*, account: PersonalAccount) -> list[date]:
    """The settlement dates of the years whose 结息 has been posted to this account, newest first."""
    # Only the yearly settlement (reference JX + its date, on June 30): a closing withdrawal's 销户结息 is
    # an interest entry too, on its own day, and has no year of its own.
    return list(
        LedgerEntry.objects.filter(
            account=account,
            kind=EntryKind.INTEREST,
            occurred_on__month=6,
            occurred_on__day=30,
            reference__regex=r"^JX\d{8}$",
        )
        .order_by("-occurred_on")
        .values_list("occurred_on", flat=True)
    )


def interest_statement(*, account: PersonalAccount, settle_on: date, rates) -> dict | None:
    """结息对账单 of the year ending `settle_on`: the opening balance, every entry, the runs the interest
    was computed on (the same function 结息 uses) and the closing balance. None if that year's interest
    was not posted to this account."""
    from .interest import interest_of_runs, interest_period, interest_reference, interest_runs

    reference = interest_reference(settle_on)
    posted = LedgerEntry.objects.filter(account=account, kind=EntryKind.INTEREST, reference=reference).first()
    if posted is None:
        return None
    start, end = interest_period(settle_on)
    opening = LedgerEntry.objects.filter(account=account, occurred_on__lt=start).aggregate(s=Sum("amount"))["s"]
    opening = opening or Decimal("0.00")
    entries = list(
        LedgerEntry.objects.filter(account=account, occurred_on__range=(start, end)).order_by("occurred_on", "id")
    )
    # The interest entry itself is dated on the last day; it earns nothing in the year it closes.
    movements = [(e.occurred_on, e.amount) for e in entries if e.pk != posted.pk]
    runs = interest_runs(opening_balance=opening, movements=movements, start=start, end=end, rates=rates)
    # Each row's balance is the year's own running balance (opening + entries by date): an entry posted
    # late with an earlier date (a backdated 结息) carries the balance of its posting day in the ledger.
    running, rows = opening, []
    for entry in entries:
        running += entry.amount
        rows.append((entry, running))
    return {
        "start": start,
        "end": end,
        "opening": opening,
        "entries": rows,
        "runs": runs,
        "computed": interest_of_runs(runs),
        "interest": posted.amount,
        "closing": running,
    }
