from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from gjj_portal.checks import captcha_test_mode_check
from policy.center import Window, current_policy, is_working_day, window_is_open, window_next_opening
from policy.models import CalendarDay, CenterPolicy

TZ = ZoneInfo("Asia/Shanghai")
WORKDAYS = Window("workdays", time(7, 0), time(17, 0))
DAILY = Window("daily", time(8, 0), time(22, 0))


def at(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def test_liaoning_is_the_default_profile_with_its_banks_and_region(policy):
    assert policy.code == "liaoning" and policy.center_name == "辽宁省省直住房资金管理中心"
    assert policy.banks == ("建设银行", "工商银行", "盛京银行")
    assert policy.local_region == "沈阳市"


def test_every_seed_center_ships_a_profile(policy):
    assert set(CenterPolicy.objects.values_list("code", flat=True)) >= {"liaoning", "ningbo", "liuzhou", "taiyuan"}


def test_daily_window_closes_at_its_end_and_reopens_next_morning(db):
    assert window_is_open(DAILY, at(2026, 10, 1, 21, 59))
    assert not window_is_open(DAILY, at(2026, 10, 1, 22, 0))
    assert window_next_opening(DAILY, at(2026, 10, 1, 22, 30)) == at(2026, 10, 2, 8, 0)
    assert window_next_opening(DAILY, at(2026, 10, 2, 6, 0)) == at(2026, 10, 2, 8, 0)


def test_workday_window_follows_the_holiday_calendar(db):
    # 2026-10-01..07 is the National Day holiday; 2026-10-10 (Saturday) is a 调休 working day.
    assert not window_is_open(WORKDAYS, at(2026, 10, 5, 10))
    assert window_next_opening(WORKDAYS, at(2026, 10, 5, 10)) == at(2026, 10, 8, 7, 0)
    assert not window_is_open(WORKDAYS, at(2026, 11, 21, 10))  # an ordinary Saturday
    assert not window_is_open(WORKDAYS, at(2026, 11, 23, 17, 30))  # Monday after 17:00
    assert window_next_opening(WORKDAYS, at(2026, 11, 23, 17, 30)) == at(2026, 11, 24, 7, 0)


def test_a_tiaoxiu_weekend_day_is_a_working_day(db):
    import chinese_calendar

    tiaoxiu = [d for d in chinese_calendar.get_workdays(date(2026, 1, 1), date(2026, 12, 31)) if d.weekday() >= 5]
    assert tiaoxiu, "the package knows 2026's 调休 days"
    assert all(is_working_day(d) for d in tiaoxiu)


def test_staff_overrides_cover_years_the_package_does_not(db):
    CalendarDay.objects.create(date=date(2027, 1, 1), is_working_day=False, note="元旦")
    assert not is_working_day(date(2027, 1, 1))
    assert is_working_day(date(2027, 1, 4))  # a Monday, by the weekday fallback
    assert not is_working_day(date(2027, 1, 9))  # a Saturday


def test_an_admin_edit_takes_effect_without_a_deploy(client, policy, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x", role="staff")
    client.force_login(admin)
    p = CenterPolicy.objects.get(code="liaoning")
    url = reverse("admin:policy_centerpolicy_change", args=[p.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None and k not in ("id", "rental_regions", "loan_materials", "logo", "seal")
    }
    data["rental_regions"] = '["沈阳市", "大连市"]'
    data["loan_materials"] = '["身份证", "购房合同"]'
    data["rent_monthly_cap"] = "1800.00"
    inlines = {
        "banks": (p.banks.all(), ("name", "position")),
        "windows": (p.windows.all(), ("business", "days", "opens_at", "closes_at")),
        "interest_rates": (p.interest_rates.all(), ("effective_from", "annual_rate")),
        "loan_rates": (
            p.loan_rates.all(),
            (
                "effective_from",
                "up_to_five_years",
                "over_five_years",
                "second_up_to_five_years",
                "second_over_five_years",
            ),
        ),
    }
    for prefix, (rows, fields) in inlines.items():
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = str(len(rows))
        for i, obj in enumerate(rows):
            data[f"{prefix}-{i}-id"] = obj.pk
            data[f"{prefix}-{i}-policy"] = p.pk
            for field in fields:
                value = getattr(obj, field)
                data[f"{prefix}-{i}-{field}"] = value.strftime("%H:%M:%S") if isinstance(value, time) else value
    data["banks-2-DELETE"] = "on"  # drop 盛京银行
    assert current_policy().rent_monthly_cap == 1500  # cached
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    fresh = current_policy()
    assert str(fresh.rent_monthly_cap) == "1800.00" and "盛京银行" not in fresh.banks
    assert fresh.loan_materials == ("身份证", "购房合同")


def test_load_policies_is_safe_to_run_twice(policy, capsys):
    call_command("load_policies")
    call_command("load_policies")
    assert "policies created: 0" in capsys.readouterr().out


@pytest.mark.parametrize("debug, test_mode, warns", [(False, True, True), (True, True, False), (False, False, False)])
def test_a_system_check_warns_when_captcha_test_mode_is_on_in_production(settings, debug, test_mode, warns):
    settings.DEBUG = debug
    settings.CAPTCHA_TEST_MODE = test_mode
    assert bool(captcha_test_mode_check(None)) is warns


def test_deadlines_count_working_days_both_ways_in_one_query(db, django_assert_max_num_queries):
    from policy.center import working_day_after, working_days_between

    friday, monday = date(2026, 11, 20), date(2026, 11, 23)
    with django_assert_max_num_queries(1):
        assert working_day_after(friday, 1) == monday
    assert working_day_after(monday, -1) == friday
    assert working_day_after(date(2026, 9, 30), 1) == date(2026, 10, 8)  # across the National Day holiday
    assert working_days_between(friday, monday) == 1 and working_days_between(monday, friday) == -1


def test_the_calendar_of_a_range_agrees_with_stepping_day_by_day(db):
    """WorkingCalendar (one read, then lookups) against the plain definition, staff overrides included."""
    import random
    from datetime import timedelta

    from policy.center import WorkingCalendar, _staff_overrides, is_working_day
    from policy.models import CalendarDay

    CalendarDay.objects.create(date=date(2026, 11, 21), is_working_day=True, note="调休上班")
    CalendarDay.objects.create(date=date(2026, 11, 25), is_working_day=False, note="停电")
    overrides = _staff_overrides(date(2025, 1, 1), date(2027, 12, 31))

    def step(day, n):
        one, counted = timedelta(days=1 if n >= 0 else -1), 0
        while counted < abs(n):
            day += one
            counted += is_working_day(day, overrides)
        return day

    def count(a, b):
        sign = 1 if b >= a else -1
        a, b = min(a, b), max(a, b)
        return sign * sum(is_working_day(a + timedelta(days=i), overrides) for i in range(1, (b - a).days + 1))

    calendar = WorkingCalendar(date(2025, 1, 1), date(2027, 12, 31))
    rng = random.Random(5)
    for _ in range(300):
        day = date(2025, 3, 1) + timedelta(days=rng.randint(0, 600))
        n = rng.randint(-20, 20)
        assert calendar.after(day, n) == step(day, n), (day, n)
        other = day + timedelta(days=rng.randint(-60, 60))
        assert calendar.between(day, other) == count(day, other), (day, other)


def test_the_policy_is_read_once_a_request_and_at_every_call_outside_one(policy, monkeypatch):
    """A page asks for the policy several times (the header's center name, 月缴存额, the rules): within a
    request the cache is asked once; a worker or a command asks it every time, so an edit reaches them."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from policy import center as module

    asked = []
    real_get = module.cache.get
    monkeypatch.setattr(module.cache, "get", lambda key, *a, **kw: asked.append(key) or real_get(key, *a, **kw))
    current_policy(), current_policy()
    assert len(asked) == 2, "outside a request: every call"
    request_started.disconnect(close_old_connections)  # as Django's test client does: the test's transaction stays
    try:
        request_started.send(sender=None, environ={})
        first = current_policy()
        assert current_policy() is first and len(asked) == 3, "within a request: once"
        CenterPolicy.objects.filter(code=first.code).update(center_name="改过的中心")
        module.policy_cache_clear()  # what an admin edit calls
        assert current_policy().center_name == "改过的中心" and len(asked) == 4
        request_finished.disconnect(close_old_connections)
        request_finished.send(sender=None)
        request_finished.connect(close_old_connections)
    finally:
        request_started.connect(close_old_connections)
    current_policy()
    assert len(asked) == 5, "after the request: every call again"
