"""年终结息: interest on daily balances (积数), rate / 360 a day, half-up to the cent once at the end.

The year runs from July 1 to June 30 (inclusive). An entry dated d changes the balance from day d on.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
DAYS_PER_YEAR = 360


def interest_reference(settle_on: date) -> str:
    """The yearly settlement's reference (业务流水): one per account and year, so posting twice is impossible."""
    return f"JX{settle_on:%Y%m%d}"


def interest_period(settle_on: date) -> tuple[date, date]:
    """The period that ends on the settlement date: July 1 of the year before to `settle_on`."""
    return date(settle_on.year - 1, 7, 1), settle_on


def rate_on(rates: tuple[tuple[date, Decimal], ...], day: date) -> Decimal:
    current = Decimal("0")
    for effective_from, rate in rates:
        if effective_from <= day:
            current = rate
        else:
            break
    return current


@dataclass(frozen=True)
class BalanceRun:
    """Days of equal balance and equal rate: what the 结息对账单 shows line by line."""

    start: date
    end: date
    balance: Decimal
    rate: Decimal

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def product(self) -> Decimal:
        """积数: balance × days (yuan-days)."""
        return self.balance * self.days


def interest_runs(
    *,
    opening_balance: Decimal,
    movements: Iterable[tuple[date, Decimal]],
    start: date,
    end: date,
    rates: tuple[tuple[date, Decimal], ...],
) -> list[BalanceRun]:
    by_day: dict[date, Decimal] = {}
    for day, amount in movements:
        if start <= day <= end:
            by_day[day] = by_day.get(day, Decimal("0")) + amount
    # A year is at most a few dozen runs: a new one starts on each day with entries or a new rate.
    change_days = sorted(set(by_day) | {f for f, _ in rates if start < f <= end} | {start})
    balance = opening_balance
    runs = []
    for i, run_start in enumerate(change_days):
        balance += by_day.get(run_start, Decimal("0"))
        run_end = change_days[i + 1] - timedelta(days=1) if i + 1 < len(change_days) else end
        runs.append(BalanceRun(run_start, run_end, balance, rate_on(rates, run_start)))
    return runs


def interest_of_runs(runs: Iterable[BalanceRun]) -> Decimal:
    """Σ (积数 × annual rate) / 360, rounded half-up to the cent once."""
    return (sum((run.product * run.rate for run in runs), Decimal("0")) / DAYS_PER_YEAR).quantize(CENT, ROUND_HALF_UP)


def interest_for_period(
    *,
    opening_balance: Decimal,
    movements: Iterable[tuple[date, Decimal]],
    start: date,
    end: date,
    rates: tuple[tuple[date, Decimal], ...],
) -> Decimal:
    """Σ (balance of each day × that day's annual rate / 360), rounded half-up to the cent."""
    return interest_of_runs(
        interest_runs(opening_balance=opening_balance, movements=movements, start=start, end=end, rates=rates)
    )


def day_weights(*, start: date, end: date, rates: tuple[tuple[date, Decimal], ...]) -> dict[date, Decimal]:
    """W(d) = Σ rate(x) for x from d to `end`: what one yuan that arrives on day d (and stays) earns,
    times 360. An account's Σ balance × rate over the period is then the opening balance × W(start)
    plus Σ amount × W(day) over its movements: one multiplication per entry, which SQL can do for
    every account at once (`interest_settle_all`), exactly as `interest_for_period` walks one."""
    weights, total, day = {}, Decimal("0"), end
    while day >= start:
        total += rate_on(rates, day)
        weights[day] = total
        day -= timedelta(days=1)
    return weights
