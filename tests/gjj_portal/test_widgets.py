"""Dates and months from 年 / 月 / 日 lists in Chinese (gjj_portal/widgets.py): what a person picks is read back,
a plain value under the field's own name still reads, and anything else is a clear message, never a 500."""

import re
from datetime import date
from pathlib import Path

import pytest

from deposits.forms import StatementRangeForm
from deposits.unit_forms import SupplementaryForm
from gjj_portal.widgets import DateSelect

TODAY = date(2026, 12, 4)


def statement(data):
    form = StatementRangeForm(data, today=TODAY)
    return form, form.is_valid()


def test_the_lists_picked_are_read_back_and_a_plain_date_still_reads():
    form, ok = statement({"start_year": "2026", "start_month": "2", "start_day": "1",
                          "end_year": "2026", "end_month": "3", "end_day": "31"})  # fmt: skip
    assert ok and form.cleaned_data == {"start": date(2026, 2, 1), "end": date(2026, 3, 31)}
    form, ok = statement({"start": "2026-01-01", "end": "2026-06-30"})  # a link, the app channel
    assert ok and form.cleaned_data["end"] == date(2026, 6, 30)


@pytest.mark.parametrize(
    "start",
    [
        {"start_year": "2026", "start_month": "2", "start_day": "31"},  # no such day
        {"start_year": "2026", "start_month": "", "start_day": "1"},  # a list left empty
        {"start_year": "二〇二六", "start_month": "x", "start_day": "1"},
        {"start_year": "99999999999999999999", "start_month": "1", "start_day": "1"},
    ],
)
def test_a_date_that_is_not_one_is_a_chinese_message(start):
    form, ok = statement({**start, "end_year": "2026", "end_month": "3", "end_day": "1"})
    assert not ok and form.errors["start"] == ["请输入正确的日期。"]


def test_a_month_is_read_as_year_and_month_and_a_half_chosen_month_is_refused():
    def period(data):
        form = SupplementaryForm({"account": "", **data}, accounts=[])
        form.is_valid()
        return form

    assert period({"period_year": "2026", "period_month": "3"}).cleaned_data["period"] == "2026-03"
    assert period({"period": "2026-03"}).cleaned_data["period"] == "2026-03"  # an uploaded list's shape
    assert period({"period_year": "", "period_month": ""}).errors["period"] == ["请选择补缴年月。"]
    for half in ({"period_year": "2026", "period_month": ""}, {"period_year": "", "period_month": "3"}):
        assert period(half).errors["period"] == ["请按“年-月”选择补缴年月。"]
    assert period({"period_year": "2026", "period_month": "13"}).errors["period"] == ["请按“年-月”选择补缴年月。"]


def test_each_list_is_named_starts_empty_and_reads_in_chinese():
    html = SupplementaryForm(accounts=[])["period"].as_widget()
    assert 'aria-label="补缴年月：年"' in html and 'aria-label="补缴年月：月"' in html
    assert '<option value="" selected>年</option>' in html and ">3月</option>" in html and "年</option>" in html
    assert 'id="id_period_year"' in html and 'id="id_period_month"' in html and "_day" not in html
    widget = DateSelect(years_back=1)
    widget.label = "签订日期"
    two = widget.render("on", TODAY, attrs={"id": "sign-on"})
    assert 'id="sign-on_year"' in two and 'id="sign-on_day"' in two and 'aria-label="签订日期：日"' in two
    assert '<option value="4" selected>4日</option>' in two


BROWSER_LANGUAGE_CONTROLS = re.compile(
    r'type=["\'](date|month|week|time|datetime-local)["\']|"type": "(date|month|week|time|datetime-local)"'
)


def test_no_page_asks_for_a_date_in_the_browsers_language():
    """A date, month or time input shows mm/dd/yyyy and English month names in an English browser: every date
    on every page comes from these lists instead (a new one fails here)."""
    root = Path(__file__).resolve().parents[2]
    apps = ["accounts", "api", "crosscenter", "deposits", "gjj_portal", "hall", "loans", "messages_center", "policy",
            "withdrawals", "templates", "static/js"]  # fmt: skip
    found = [
        f"{path.relative_to(root)}:{number}"
        for app in apps
        for path in (root / app).rglob("*")
        if path.suffix in (".py", ".html", ".js") and "migrations" not in path.parts and path.name != "widgets.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if BROWSER_LANGUAGE_CONTROLS.search(line.split("#", 1)[0] if path.suffix == ".py" else line)
    ]
    assert not found, found
