"""Month arithmetic, in one place, on python-dateutil's `relativedelta` (a well-kept library that knows
month ends: January 31 plus one month is February 28 or 29)."""

from datetime import date

from dateutil.relativedelta import relativedelta


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's last day."""
    return day + relativedelta(months=months)


def month_start(day: date, shift: int = 0) -> date:
    """The first day of `day`'s month, `shift` months later (or earlier)."""
    return day.replace(day=1) + relativedelta(months=shift)


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    return day + relativedelta(day=31)


def whole_months(start: date, end: date) -> int:
    """Whole months from `start` to `end` (a month counts once its day is reached, month ends clamped)."""
    delta = relativedelta(end, start)
    return delta.years * 12 + delta.months


def month_index(day: date) -> int:
    """A month as one integer (year × 12 + month − 1), so consecutive months differ by one."""
    return day.year * 12 + day.month - 1


def period_index(period: str) -> int:
    """`month_index` of a “YYYY-MM” period (汇缴年月); ValueError when it is not one."""
    return month_index(date(int(period[:4]), int(period[5:7]), 1))
