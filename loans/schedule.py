"""Repayment schedules (还款计划), pure functions over Decimal.

r = annual rate / 12, n months, P principal.
- 等额本息 (equal instalment): payment = P·r·(1+r)^n / ((1+r)^n − 1), rounded half-up to the cent.
- 等额本金 (equal principal): instalment k = P/n + (P − (k−1)·P/n)·r.
Each month's interest is the balance × r rounded half-up; the last instalment absorbs the rounding so
the principal repaid is exactly P.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from gjj_portal.months import add_months

CENT = Decimal("0.01")
EQUAL_INSTALMENT = "equal_instalment"
EQUAL_PRINCIPAL = "equal_principal"


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def monthly_rate(annual_rate: Decimal) -> Decimal:
    return Decimal(annual_rate) / 12


def annuity_payment(principal: Decimal, annual_rate: Decimal, months: int) -> Decimal:
    r = monthly_rate(annual_rate)
    if months <= 0:
        raise ValueError("months must be positive")
    if r == 0:
        return cents(principal / months)
    growth = (1 + r) ** months
    return cents(principal * r * growth / (growth - 1))


@dataclass(frozen=True)
class Instalment:
    period: int
    due_on: date
    principal: Decimal
    interest: Decimal
    payment: Decimal
    balance_after: Decimal


def build_schedule(
    *,
    principal: Decimal,
    annual_rate: Decimal,
    months: int,
    method: str,
    first_due_on: date,
    first_period: int = 1,
) -> list[Instalment]:
    r = monthly_rate(annual_rate)
    balance = Decimal(principal)
    rows = []
    payment = annuity_payment(balance, annual_rate, months) if method == EQUAL_INSTALMENT else Decimal(0)
    part = cents(balance / months) if method == EQUAL_PRINCIPAL else Decimal(0)
    for i in range(months):
        interest = cents(balance * r)
        last = i == months - 1
        if last:
            repaid = balance
        elif method == EQUAL_INSTALMENT:
            repaid = min(payment - interest, balance)
        else:
            repaid = min(part, balance)
        balance -= repaid
        rows.append(
            Instalment(
                period=first_period + i,
                due_on=add_months(first_due_on, i),
                principal=repaid,
                interest=interest,
                payment=repaid + interest,
                balance_after=balance,
            )
        )
    return rows


def months_to_repay(*, principal: Decimal, annual_rate: Decimal, payment: Decimal, method: str) -> int:
    """缩短期限: the fewest months that repay `principal` without paying more than `payment` a month
    (等额本息), or with at least the same principal part each month (等额本金: `payment` is that part)."""
    if method == EQUAL_PRINCIPAL:
        return max(1, int((principal / payment).to_integral_value(rounding=ROUND_CEILING)))
    months = 1
    while annuity_payment(principal, annual_rate, months) > payment:
        months += 1
    return months
