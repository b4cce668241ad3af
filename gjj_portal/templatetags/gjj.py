from decimal import Decimal, InvalidOperation

from django import template

from gjj_portal import identity as validators

register = template.Library()
register.filter("mask_card", validators.mask_card)
register.filter("mask_id", validators.mask_id_number)
register.filter("mask_phone", validators.mask_phone)
register.filter("mask_name", validators.mask_name)
register.filter("mask_account", validators.mask_account)


@register.filter
def money(value):
    """46080 → 46,080.00 (grouped by thousands, two decimals), whatever the locale's grouping."""
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return value


@register.filter
def percent2(value):
    """0.026 → 2.60%"""
    try:
        return f"{Decimal(value) * 100:.2f}%"
    except (InvalidOperation, TypeError, ValueError):
        return value


@register.filter
def percent(value):
    try:
        return f"{Decimal(value) * 100:.0f}%"
    except (InvalidOperation, TypeError, ValueError):
        return value


@register.filter
def rate_percent(value):
    """A loan rate: 0.026 → 2.60%, 0.02525 → 2.525% (二套 rates have a third decimal)."""
    try:
        text = f"{Decimal(value) * 100:.3f}"
    except (InvalidOperation, TypeError, ValueError):
        return value
    return (text[:-1] if text.endswith("0") else text) + "%"
