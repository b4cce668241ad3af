"""Hand-worked 年终结息 cases for the year 2025-07-01 .. 2026-06-30 (365 days) at 1.50% / 360."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from deposits.interest import interest_for_period, interest_period
from deposits.models import AccountStatus, EntryKind, LedgerEntry, PersonalAccount
from deposits.services import account_lock, interest_settle_all, interest_settle_each, ledger_post
from tests.factories import PersonalAccountFactory

RATES = ((date(2016, 2, 21), Decimal("0.0150")),)
START, END = interest_period(date(2026, 6, 30))


def test_the_period_runs_from_july_first_to_june_thirtieth():
    assert (START, END) == (date(2025, 7, 1), date(2026, 6, 30))


def test_a_constant_balance_earns_balance_times_days_times_rate_over_360():
    # 10,000 × 365 × 1.5% / 360 = 152.0833…
    assert interest_for_period(
        opening_balance=Decimal("10000"), movements=[], start=START, end=END, rates=RATES
    ) == Decimal("152.08")


def test_a_deposit_mid_year_earns_from_its_day():
    # 10,000 × 184 days (Jul–Dec) + 13,600 × 181 days (Jan–Jun) = 4,301,600 → × 1.5% / 360 = 179.2333…
    movements = [(date(2026, 1, 1), Decimal("3600"))]
    assert interest_for_period(
        opening_balance=Decimal("10000"), movements=movements, start=START, end=END, rates=RATES
    ) == Decimal("179.23")


def test_a_withdrawal_stops_earning_from_its_day():
    # 20,000 × 92 days (Jul–Sep) + 15,000 × 273 days = 5,935,000 → × 1.5% / 360 = 247.2916…
    movements = [(date(2025, 10, 1), Decimal("-5000"))]
    assert interest_for_period(
        opening_balance=Decimal("20000"), movements=movements, start=START, end=END, rates=RATES
    ) == Decimal("247.29")


def test_a_rate_change_applies_from_its_date():
    rates = RATES + ((date(2026, 1, 1), Decimal("0.0120")),)
    # 10,000 × (184 × 1.5% + 181 × 1.2%) / 360 = 49,320 / 360 = 137.00
    assert interest_for_period(
        opening_balance=Decimal("10000"), movements=[], start=START, end=END, rates=rates
    ) == Decimal("137.00")


def test_rounding_is_half_up_to_the_cent():
    # 120 × 365 × 1.5% / 360 = 1.825 exactly → 1.83 (banker's rounding would give 1.82)
    assert interest_for_period(
        opening_balance=Decimal("120"), movements=[], start=START, end=END, rates=RATES
    ) == Decimal("1.83")


def test_movements_outside_the_period_are_ignored():
    movements = [(date(2026, 7, 1), Decimal("5000"))]
    assert interest_for_period(
        opening_balance=Decimal("10000"), movements=movements, start=START, end=END, rates=RATES
    ) == Decimal("152.08")


def account_with(entries, status=AccountStatus.NORMAL, opened=date(2020, 1, 1)):
    account = PersonalAccountFactory(status=status, opened_on=opened)
    locked = account_lock(account_id=account.pk)
    for i, (day, amount) in enumerate(entries):
        kind = EntryKind.REMITTANCE if Decimal(amount) > 0 else EntryKind.PARTIAL_WITHDRAWAL
        ledger_post(account=locked, kind=kind, amount=Decimal(amount), reference=f"R{i}", occurred_on=day)
    return account


@pytest.fixture
def accounts(policy):
    return {
        "mid_year": account_with([(date(2024, 1, 1), "10000"), (date(2026, 1, 1), "3600")]),
        "withdrawal": account_with([(date(2024, 1, 1), "20000"), (date(2025, 10, 1), "-5000")]),
        "sealed": account_with([(date(2024, 1, 1), "10000")], status=AccountStatus.SEALED),
        "closed": account_with([(date(2024, 1, 1), "10000")], status=AccountStatus.WITHDRAWN),
    }


def interest_of(account):
    return LedgerEntry.objects.filter(account=account, kind=EntryKind.INTEREST).values_list("amount", flat=True)


def test_settle_interest_posts_one_09_entry_per_active_account(accounts, capsys):
    call_command("settle_interest", "--date", "2026-06-30")
    assert list(interest_of(accounts["mid_year"])) == [Decimal("179.23")]
    assert list(interest_of(accounts["withdrawal"])) == [Decimal("247.29")]
    assert list(interest_of(accounts["sealed"])) == [Decimal("152.08")]  # sealed accounts still earn
    assert list(interest_of(accounts["closed"])) == []
    entry = LedgerEntry.objects.get(account=accounts["mid_year"], kind=EntryKind.INTEREST)
    assert entry.kind_code == "09" and entry.occurred_on == date(2026, 6, 30)
    assert PersonalAccount.objects.get(pk=accounts["mid_year"].pk).balance == Decimal("13779.23")
    assert "posted interest for 3 accounts, total 578.60" in capsys.readouterr().out


def test_running_it_twice_posts_nothing_new(accounts, capsys):
    call_command("settle_interest", "--date", "2026-06-30")
    call_command("settle_interest", "--date", "2026-06-30")
    assert LedgerEntry.objects.filter(kind=EntryKind.INTEREST).count() == 3
    assert "already settled 3" in capsys.readouterr().out


def test_dry_run_posts_nothing(accounts, capsys):
    call_command("settle_interest", "--date", "2026-06-30", "--dry-run")
    assert not LedgerEntry.objects.filter(kind=EntryKind.INTEREST).exists()
    assert "would post interest for 3 accounts, total 578.60" in capsys.readouterr().out


def test_a_date_other_than_june_30_is_refused(accounts):
    with pytest.raises(CommandError, match="6月30日"):
        call_command("settle_interest", "--date", "2026-06-29")


def test_reconcile_passes_after_settlement_and_catches_a_tampered_entry(accounts, capsys):
    call_command("settle_interest", "--date", "2026-06-30")
    call_command("reconcile")
    assert "no mismatch" in capsys.readouterr().out
    victim = LedgerEntry.objects.filter(account=accounts["sealed"]).first()
    with connection.cursor() as cursor:  # only a superuser with the trigger off can do this
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE deposits_ledgerentry DISABLE TRIGGER deposits_ledger_append_only")
        cursor.execute("UPDATE deposits_ledgerentry SET amount = amount + 1 WHERE id = %s", [victim.pk])
        cursor.execute("ALTER TABLE deposits_ledgerentry ENABLE TRIGGER deposits_ledger_append_only")
    with pytest.raises(CommandError, match="1 of 4 accounts out of balance"):
        call_command("reconcile")
    assert f"MISMATCH {accounts['sealed'].grzh}" in capsys.readouterr().out


def random_accounts(rng, n):
    """Accounts with the shapes a year throws up: deposits before and inside the period, on its first
    and last day and after it, withdrawals, an account opened mid-year, some sealed or closed, none empty."""
    statuses = [AccountStatus.NORMAL] * 6 + [AccountStatus.SEALED, AccountStatus.WITHDRAWN]
    accounts = []
    for _ in range(n):
        days = [date(2024, 1, 1) + timedelta(days=rng.randrange(0, 1000)) for _ in range(rng.randrange(0, 9))]
        days += rng.sample([START, END, END + timedelta(days=1), START - timedelta(days=1)], k=2)
        entries, balance = [], Decimal("0")
        for day in sorted(days):
            amount = Decimal(rng.randrange(1, 900_000)) / 100
            if balance > 100 and rng.random() < 0.3:
                amount = -(balance * Decimal(rng.randrange(1, 90)) / 100).quantize(Decimal("0.01"))
            balance += amount
            entries.append((day, str(amount)))
        opened = rng.choice([date(2020, 1, 1), date(2026, 3, 1), date(2026, 7, 1)])
        accounts.append(account_with(entries, status=rng.choice(statuses), opened=opened))
    return accounts


def expected_interest(account, rates):
    """The reference: the per-account function over the account's entries."""
    entries = LedgerEntry.objects.filter(account=account).exclude(kind=EntryKind.INTEREST)
    opening = sum((e.amount for e in entries if e.occurred_on < START), Decimal("0"))
    return interest_for_period(
        opening_balance=opening,
        movements=[(e.occurred_on, e.amount) for e in entries],
        start=START,
        end=END,
        rates=rates,
    )


def test_set_based_settlement_matches_the_per_account_function_on_random_accounts(policy):
    from policy.center import current_policy, policy_cache_clear
    from policy.models import CenterPolicy, InterestRate

    center = CenterPolicy.objects.get(code=policy.code)
    InterestRate.objects.create(policy=center, effective_from=date(2026, 2, 17), annual_rate=Decimal("0.0175"))
    policy_cache_clear()
    rates = current_policy().interest_rates
    assert len(rates) >= 2
    rng = random.Random(20260630)
    accounts = random_accounts(rng, 40)
    balances = {a.pk: PersonalAccount.objects.get(pk=a.pk).balance for a in accounts}

    run = interest_settle_all(settle_on=END, chunk=7)  # six chunks
    for account in accounts:
        posted = list(interest_of(account))
        earns = account.status not in ("withdrawn",) and account.opened_on <= END
        expected = expected_interest(account, rates) if earns else Decimal("0")
        assert posted == ([expected] if expected > 0 else []), account.grzh
        entry_balance = balances[account.pk] + (expected if expected > 0 else 0)
        assert PersonalAccount.objects.get(pk=account.pk).balance == entry_balance
    assert run.total == sum(LedgerEntry.objects.filter(kind=EntryKind.INTEREST).values_list("amount", flat=True))
    call_command("reconcile")

    again = interest_settle_all(settle_on=END, chunk=7)
    assert (again.settled, again.total) == (0, 0) and again.already == run.settled + run.zero


def test_a_settlement_stopped_midway_resumes_and_posts_each_once(policy):
    rng = random.Random(7)
    accounts = random_accounts(rng, 12)
    seen = []

    def crash_after_two(chunks):
        for chunk in chunks:
            if len(seen) == 2:
                raise KeyboardInterrupt  # the operator's Ctrl-C, or a lost connection
            seen.append(chunk)
            yield chunk

    with pytest.raises(KeyboardInterrupt):
        interest_settle_all(settle_on=END, chunk=3, progress=crash_after_two)
    first = LedgerEntry.objects.filter(kind=EntryKind.INTEREST).count()
    assert 0 < first
    interest_settle_all(settle_on=END, chunk=3)
    for account in accounts:
        assert LedgerEntry.objects.filter(account=account, kind=EntryKind.INTEREST).count() <= 1
    rest = interest_settle_each(settle_on=END, rates=current_policy_rates(), dry_run=True)
    assert rest.settled == 0 and rest.zero == 0, "the reference finds nothing left to post"
    call_command("reconcile")


def current_policy_rates():
    from policy.center import current_policy

    return current_policy().interest_rates


def test_reconcile_catches_a_wrong_last_balance_and_a_balance_without_entries(accounts, capsys):
    empty = PersonalAccountFactory()  # no entries, balance 0: in balance
    call_command("reconcile")
    last = LedgerEntry.objects.filter(account=accounts["mid_year"]).order_by("-id").first()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE deposits_ledgerentry DISABLE TRIGGER deposits_ledger_append_only")
        cursor.execute("UPDATE deposits_ledgerentry SET balance_after = balance_after - 1 WHERE id = %s", [last.pk])
        cursor.execute("ALTER TABLE deposits_ledgerentry ENABLE TRIGGER deposits_ledger_append_only")
    PersonalAccount.objects.filter(pk=empty.pk).update(balance=Decimal("5.00"))
    with pytest.raises(CommandError, match="2 of 5 accounts out of balance"):
        call_command("reconcile")
    out = capsys.readouterr().out
    assert f"MISMATCH {accounts['mid_year'].grzh}" in out and "last entry balance 13599.00" in out
    assert f"MISMATCH {empty.grzh} {empty.name}: balance 5.00, sum of entries 0, last entry balance 0" in out
