"""Writes to personal accounts. A balance moves only through `ledger_post`, on a row locked by the caller's
transaction; the account's `balance` is the running sum of its entries (`manage.py reconcile` proves it)."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from .models import EntryKind, LedgerEntry, PersonalAccount


class InsufficientBalance(Exception):
    """The debit would take the balance below zero."""


def account_lock(*, account_id: int) -> PersonalAccount:
    """Lock one account row for the rest of the current transaction."""
    return PersonalAccount.objects.select_for_update().get(pk=account_id)


@transaction.atomic
def ledger_post(
    *,
    account: PersonalAccount,
    kind: EntryKind,
    amount: Decimal,
    reference: str,
    occurred_on: date,
    period: str = "",
    memo: str = "",
) -> LedgerEntry:
    """Append one entry and move the balance. `account` must have been locked with `account_lock`."""
    amount = Decimal(amount)
    new_balance = account.balance + amount
    if new_balance < 0:
        raise InsufficientBalance(f"账户余额不足：余额 {account.balance} 元，需支取 {-amount} 元。")
    entry = LedgerEntry.objects.create(
        account=account,
        kind=kind,
        amount=amount,
        balance_after=new_balance,
        occurred_on=occurred_on,
        period=period,
        reference=reference,
        memo=memo,
    )
    PersonalAccount.objects.filter(pk=account.pk).update(balance=new_balance)
    account.balance = new_balance
    return entry
