"""年终结息 run late: the 09 entry is dated 06-30 but posted after July's entries. Every statement shows the
running balance in value-date order, so each row's 余额 is the row below plus its 发生额, and the newest is the
account's balance; `balance_after` keeps the posting order's figure for reconcile."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from deposits.models import EntryKind
from deposits.selectors import account_entries_between, account_recent_entries
from deposits.services import account_interest_settle, account_lock, ledger_post
from policy.center import current_policy
from tests.factories import PersonalAccountFactory

pytestmark = pytest.mark.django_db


def _post(account, day: date, amount: str, kind=EntryKind.REMITTANCE):
    locked = account_lock(account_id=account.pk)
    ledger_post(account=locked, kind=kind, amount=Decimal(amount), reference=f"T{day:%Y%m%d}{kind}",
                occurred_on=day, period=f"{day:%Y-%m}")  # fmt: skip


def _consistent(entries, opening: Decimal) -> None:
    running = opening
    for entry in reversed(entries):  # oldest value date first
        running += entry.amount
        assert entry.running_balance == running, (entry.occurred_on, entry.kind, entry.running_balance, running)


def test_interest_settled_after_july_leaves_every_running_balance_consistent(client, policy):
    account = PersonalAccountFactory()
    _post(account, date(2026, 6, 15), "1000.00")
    _post(account, date(2026, 7, 15), "1000.00")  # July's entries are posted first …
    interest = account_interest_settle(account_id=account.pk, settle_on=date(2026, 6, 30),
                                       rates=current_policy().interest_rates)  # fmt: skip
    assert interest and interest > 0  # … then 年终结息, dated 06-30
    account.refresh_from_db()

    entries = list(account_entries_between(account=account, start=date(2026, 6, 1), end=date(2026, 7, 31)))
    assert [e.kind for e in entries] == [EntryKind.REMITTANCE, EntryKind.INTEREST, EntryKind.REMITTANCE]
    _consistent(entries, Decimal("0"))
    assert entries[0].running_balance == account.balance == Decimal("2000.00") + interest
    settled = entries[1]
    assert settled.running_balance == Decimal("1000.00") + interest  # the balance on 06-30 …
    assert settled.balance_after == account.balance  # … while the posting order's figure is today's

    recent = list(account_recent_entries(account=account))
    _consistent(recent, Decimal("0"))
    july_only = list(account_entries_between(account=account, start=date(2026, 7, 1), end=date(2026, 7, 31)))
    assert july_only[0].running_balance == account.balance  # a range starts from the balance the day before

    client.force_login(account.user)
    page = client.get(reverse("deposits:statement"), {"start": "2026-06-01", "end": "2026-07-31"}).content.decode()
    shown = re.findall(r'<td class="text-end">([\d,]+\.\d\d)</td>', page)
    expected = [f"{e.running_balance:,.2f}" for e in entries]
    assert shown == expected, (shown, expected)
