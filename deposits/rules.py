"""Pure deposit arithmetic."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
YUAN = Decimal("1")


def monthly_contribution(
    base: Decimal, employer_ratio: Decimal, employee_ratio: Decimal, rounding: str = "cent"
) -> Decimal:
    """月缴存额: each side (单位, 个人) rounded half-up by the policy's rule (to the cent or the yuan), then added."""
    unit = YUAN if rounding == "yuan" else CENT
    side = (base * employer_ratio).quantize(unit, ROUND_HALF_UP) + (base * employee_ratio).quantize(unit, ROUND_HALF_UP)
    return side.quantize(CENT)
