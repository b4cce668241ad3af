"""Charts as inline SVG: drawn on the server, no script, no CDN."""

from calendar import monthrange
from datetime import date
from decimal import Decimal

WIDTH, HEIGHT, PAD_X, PAD_Y = 640, 240, 16, 34


def month_ends(start: date, end: date) -> list[date]:
    """The last day of each month from `start`'s to `end`'s, `end` itself for its own month (in integers:
    relativedelta took a quarter of a millisecond for the two years 缴存支取信息 can show)."""
    days, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        days.append(min(date(year, month, monthrange(year, month)[1]), end))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def balance_series(*, opening: Decimal, movements: list[tuple[date, Decimal]], start: date, end: date):
    """Month-end balances from an opening balance and the movements in [start, end] (ascending)."""
    series, balance, i = [], opening, 0
    for day in month_ends(start, end):
        while i < len(movements) and movements[i][0] <= day:
            balance += movements[i][1]
            i += 1
        series.append((day, balance))
    return series


def line_chart(series: list[tuple[date, Decimal]]) -> dict | None:
    if len(series) < 2:
        return None
    values = [float(v) for _, v in series]  # pixel positions only; money stays Decimal elsewhere
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD_X) / (len(series) - 1)
    points = [
        (PAD_X + i * step, HEIGHT - PAD_Y - (v - low) / span * (HEIGHT - 2 * PAD_Y)) for i, v in enumerate(values)
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
        "dots": [
            {"x": f"{x:.1f}", "y": f"{y:.1f}", "label": f"{d:%Y-%m} {v:,.2f}"}
            for (x, y), (d, v) in zip(points, series, strict=True)
        ],
        "low": f"{min(v for _, v in series):,.2f}",
        "high": f"{max(v for _, v in series):,.2f}",
        "first": f"{series[0][0]:%Y-%m}",
        "last": f"{series[-1][0]:%Y-%m}",
        "pad_x": PAD_X,
        "pad_y": PAD_Y,
        "bottom": HEIGHT - PAD_Y,
        "right": WIDTH - PAD_X,
    }


def stacked_bars(groups: list[tuple[str, Decimal, Decimal]]) -> dict | None:
    """One bar per label, split in two parts (e.g. principal and interest by year)."""
    if not groups:
        return None
    top = max(float(a + b) for _, a, b in groups) or 1.0
    inner_w, inner_h = WIDTH - 2 * PAD_X, HEIGHT - 2 * PAD_Y
    slot = inner_w / len(groups)
    bars = []
    for i, (label, a, b) in enumerate(groups):
        ha, hb = float(a) / top * inner_h, float(b) / top * inner_h
        x = PAD_X + i * slot + slot * 0.15
        bars.append(
            {
                "x": f"{x:.1f}",
                "w": f"{slot * 0.7:.1f}",
                "ya": f"{HEIGHT - PAD_Y - ha:.1f}",
                "ha": f"{ha:.1f}",
                "yb": f"{HEIGHT - PAD_Y - ha - hb:.1f}",
                "hb": f"{hb:.1f}",
                "label": label,
                "title": f"{label}：本金 {a:,.2f}，利息 {b:,.2f}",
            }
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "bars": bars,
        "first": groups[0][0],
        "last": groups[-1][0],
        "pad_x": PAD_X,
        "right": WIDTH - PAD_X,
        "bottom": HEIGHT - PAD_Y,
    }
