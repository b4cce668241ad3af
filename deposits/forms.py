from datetime import date

from django import forms

from gjj_portal.forms import PortalForm
from gjj_portal.months import month_start

MAX_RANGE_DAYS = 731  # two years


def default_range(today: date) -> tuple[date, date]:
    """The last 12 calendar months, this one included."""
    return month_start(today, -11), today


DATE_ATTRS = {"type": "date", "class": "form-control"}


class StatementRangeForm(PortalForm):
    # A date input only takes YYYY-MM-DD; the Chinese locale's format (2025/12/01) left it empty on screen.
    start = forms.DateField(label="开始日期", widget=forms.DateInput(format="%Y-%m-%d", attrs=DATE_ATTRS))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(format="%Y-%m-%d", attrs=DATE_ATTRS))

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        for field in self.fields.values():
            field.error_messages.update({"required": f"请选择{field.label}。", "invalid": "请输入正确的日期。"})

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError("开始日期不能晚于结束日期。")
            if end > self.today:
                self.add_error("end", "结束日期不能晚于今天。")
            if (end - start).days > MAX_RANGE_DAYS:
                raise forms.ValidationError("查询区间最长为两年，请缩短查询区间。")
        return cleaned
