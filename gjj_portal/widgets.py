"""Dates and months chosen from lists in Chinese, whatever the browser's language.

A date input (`type="date"`) or a month input speaks the browser's language: in an English browser it shows
mm/dd/yyyy and "December 2026". These widgets are Django's SelectDateWidget with Chinese options (2026年,
3月, 5日), an empty first choice even when the field is required (nothing is chosen for the person), and
each list named for a screen reader ("开始日期：月"). A plain value under the field's own name (a link's
`start=2026-01-01`, the app channel, a test) still reads: SelectDateWidget falls back to it."""

import re
from datetime import date, datetime

from django import forms
from django.utils import timezone

PART_NAMES = {"year": "年", "month": "月", "day": "日"}
MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


class DateSelect(forms.SelectDateWidget):
    """年 / 月 / 日. `years_back` and `years_ahead` count from today's year when the page is drawn."""

    template_name = "gjj_portal/widgets/parts_select.html"
    parts: tuple[str, ...] = ("year", "month", "day")

    def __init__(self, attrs=None, years_back=10, years_ahead=0):
        super().__init__(attrs=attrs, months={m: f"{m}月" for m in range(1, 13)}, empty_label=("年", "月", "日"))
        self.years_back, self.years_ahead = years_back, years_ahead
        self.label = ""  # the field's label: PortalForm sets it

    def get_context(self, name, value, attrs):
        this_year = timezone.localdate().year
        self.years = range(this_year + self.years_ahead, this_year - self.years_back - 1, -1)  # the newest first
        # The empty choice first even when the field is required: nothing is chosen for the person.
        required, self.is_required = self.is_required, False
        try:
            context = super().get_context(name, value, attrs)
        finally:
            self.is_required = required
        subwidgets = [sub for sub in context["widget"]["subwidgets"] if sub["name"].rsplit("_", 1)[1] in self.parts]
        base_id = (attrs or {}).get("id")
        for sub in subwidgets:
            part = sub["name"].rsplit("_", 1)[1]
            if base_id:  # Django names them id_<name>_year whatever id was asked for: two forms, two ids
                sub["attrs"]["id"] = f"{base_id}_{part}"
            sub["attrs"]["class"] = "form-select"
            sub["attrs"]["aria-label"] = f"{self.label}：{PART_NAMES[part]}" if self.label else PART_NAMES[part]
            for _group, options, _index in sub["optgroups"]:
                for option in options:
                    if option["value"] != "" and part in ("year", "day"):
                        option["label"] = f"{option['label']}{PART_NAMES[part]}"
        context["widget"]["subwidgets"] = subwidgets
        return context


class MonthSelect(DateSelect):
    """年 / 月: the value is "YYYY-MM", as a month input's was."""

    parts = ("year", "month")

    def format_value(self, value):
        if isinstance(value, date):
            return {"year": value.year, "month": value.month, "day": None}
        match = MONTH_RE.match(value) if isinstance(value, str) else None
        if match:
            return {"year": int(match.group(1)), "month": int(match.group(2)), "day": None}
        return {"year": None, "month": None, "day": None}

    def value_from_datadict(self, data, files, name):
        year, month = data.get(f"{name}_year"), data.get(f"{name}_month")
        if year is None and month is None:
            return data.get(name)
        if not year and not month:
            return ""
        month = month or ""
        return f"{year or ''}-{month.zfill(2) if month.isdigit() else month}"

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_year" not in data and f"{name}_month" not in data


class DateTimeSelect(DateSelect):
    """年 / 月 / 日 / 时 / 分 (a notice's 发布时间): the value is "YYYY-MM-DD HH:MM" in the center's time."""

    PARTS = {"hour": ("时", range(24)), "minute": ("分", range(60))}
    TYPED = re.compile(r"^\s*(\d{1,4})-(\d{0,2})-(\d{0,2})[ T](\d{0,2}):(\d{0,2})")

    def format_value(self, value):
        if isinstance(value, datetime):
            return {"year": value.year, "month": value.month, "day": value.day, "hour": value.hour,
                    "minute": value.minute}  # fmt: skip
        match = self.TYPED.match(value) if isinstance(value, str) else None  # as sent, kept on an error
        if match:
            parts = ("year", "month", "day", "hour", "minute")
            return dict(zip(parts, (int(g) if g else "" for g in match.groups()), strict=True))
        return {**super().format_value(value), "hour": None, "minute": None}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        base_id = (attrs or {}).get("id") or f"id_{name}"
        chosen = context["widget"]["value"]
        for part, (unit, numbers) in self.PARTS.items():
            choices = [("", unit)] + [(n, f"{n:02d}{unit}") for n in numbers]
            sub_attrs = {**context["widget"]["attrs"], "id": f"{base_id}_{part}", "class": "form-select"}
            sub_attrs["aria-label"] = f"{self.label}：{unit}" if self.label else unit
            select = forms.Select(choices=choices).get_context(f"{name}_{part}", chosen.get(part), sub_attrs)
            context["widget"]["subwidgets"].append(select["widget"])
        return context

    def value_from_datadict(self, data, files, name):
        if f"{name}_year" not in data:
            return data.get(name)
        day = "-".join(str(data.get(f"{name}_{part}", "")) for part in ("year", "month", "day"))
        hour, minute = (str(data.get(f"{name}_{part}", "")) for part in ("hour", "minute"))
        if day == "--" and not hour and not minute:
            return ""
        return f"{day} {hour}:{minute}"
