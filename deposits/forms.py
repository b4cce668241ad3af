from datetime import date

from django import forms

from gjj_portal.forms import PortalForm
from gjj_portal.months import month_start
from gjj_portal.widgets import DateSelect

MAX_RANGE_DAYS = 731  # two years


def default_range(today: date) -> tuple[date, date]:
    """The last 12 calendar months, this one included."""
    return month_start(today, -11), today


class StatementRangeForm(PortalForm):
    # 年 / 月 / 日 lists in Chinese (a date input showed mm/dd/yyyy in an English browser); the app channel's and
    # the links' start=YYYY-MM-DD still read.
    start = forms.DateField(label="开始日期", widget=DateSelect(years_back=30))
    end = forms.DateField(label="结束日期", widget=DateSelect(years_back=30))

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
