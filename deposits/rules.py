"""Pure deposit arithmetic."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def monthly_contribution(base: Decimal, employer_ratio: Decimal, employee_ratio: Decimal) -> Decimal:
    """月缴存额: each side rounded to the cent, then added (the usual center practice)."""
    return (base * employer_ratio).quantize(CENT, ROUND_HALF_UP) + (base * employee_ratio).quantize(CENT, ROUND_HALF_UP)
