"""Pure deposit rules: the month's amount, and what an employer may declare (the policy's numbers)."""

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


def base_problem(base: Decimal, policy) -> str | None:
    if not policy.base_floor <= base <= policy.base_cap:
        return f"缴存基数须在{policy.base_floor:,.2f}元至{policy.base_cap:,.2f}元之间。"
    return None


def ratio_problem(ratio: Decimal, policy) -> str | None:
    """`ratio` is a fraction (0.12 for 12%)."""
    if not policy.ratio_min <= ratio <= policy.ratio_max:
        return f"缴存比例须在{policy.ratio_min * 100:.0f}%至{policy.ratio_max * 100:.0f}%之间。"
    return None


def base_ratio_problem(base: Decimal, ratio: Decimal, policy) -> str | None:
    """Why this 缴存基数 or 缴存比例 may not be used, or None."""
    return base_problem(base, policy) or ratio_problem(ratio, policy)


def supplementary_month_problem(index: int, current: int, policy) -> str | None:
    """补缴 reaches back at most the policy's months, and never this month or later (indexes of
    gjj_portal.months.month_index)."""
    if not current - policy.supplementary_max_months <= index < current:
        return f"只能补缴本月之前、{policy.supplementary_max_months}个月以内的月份。"
    return None
