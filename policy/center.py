"""Read access to the center policy in force, as a plain immutable snapshot that rules can take.

The snapshot is cached; admin edits call `policy_cache_clear()` so they take effect at once.
"""

import threading
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished, request_started
from django.utils import timezone

CACHE_KEY = "gjj:policy:{code}"
CACHE_SECONDS = 300


@dataclass(frozen=True)
class Window:
    days: str  # "daily" | "workdays"
    opens_at: time
    closes_at: time

    def describe(self) -> str:
        days = "每天" if self.days == "daily" else "工作日"
        return f"{days} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


@dataclass(frozen=True)
class PolicySnapshot:
    code: str
    center_name: str
    local_region: str
    rental_regions: tuple[str, ...]
    banks: tuple[str, ...]
    windows: dict  # business -> Window
    rent_monthly_cap: Decimal
    rent_min_deposit_months: int
    rent_withdrawals_per_year: int
    min_balance_after_withdrawal: Decimal
    review_sla_days: int
    interest_rates: tuple[tuple[date, Decimal], ...]  # (effective_from, annual rate), ascending
    # (effective_from, ≤5y, >5y, 二套 ≤5y, 二套 >5y), ascending
    loan_rates: tuple[tuple[date, Decimal, Decimal, Decimal, Decimal], ...] = ()
    prepay_min_amount: Decimal = Decimal("0")
    closing_min_sealed_months: int = 6
    base_floor: Decimal = Decimal("0")
    base_cap: Decimal = Decimal("999999")
    contribution_rounding: str = "cent"
    password_min_length: int = 6
    password_max_length: int = 18
    login_requires_sms: bool = False
    login_requires_enrollment: bool = False
    loan_withdrawals_per_year: int = 1
    hotline: str = "12329"
    loan_max_amount: Decimal = Decimal("1000000")
    loan_max_years: int = 30
    ratio_min: Decimal = Decimal("0.05")
    ratio_max: Decimal = Decimal("0.12")
    supplementary_max_months: int = 24
    card_cooling_hours: int = 24
    standing_day: int = 5
    center_code: str = "000000"
    collection_bank: str = ""
    collection_account_name: str = ""
    collection_account_no: str = ""
    logo_name: str = ""  # the uploaded 中心标志's stored name ("" = the generic one); its address carries it
    cross_send_days: int = 5
    transfer_step_days: int = 5
    cross_send_attempts: int = 10
    cross_payload_days: int = 30
    access_record_years: int = 3
    seal_name: str = ""
    loan_max_amount_couple: Decimal = Decimal("1200000")
    loan_min_deposit_months: int = 6
    loan_max_count: int = 2
    loan_balance_multiple: Decimal = Decimal("15")
    loan_income_share: Decimal = Decimal("0.50")
    loan_retirement_extra_years: int = 5
    loan_down_payment_first: Decimal = Decimal("0.20")
    loan_down_payment_second: Decimal = Decimal("0.30")
    loan_materials: tuple[str, ...] = ()
    loan_signing_days: int = 10
    loan_signing_capacity: int = 20
    loan_step_days: int = 5

    def bank_problem(self, bank: str) -> str | None:
        """Why money may not go to (or come from) this bank: the center's allow-list (收款银行)."""
        if bank not in self.banks:
            return f"收款银行须为{'、'.join(self.banks)}之一，请更换本人名下一类卡。"
        return None


def _load(code: str) -> PolicySnapshot:
    from .models import CenterPolicy

    try:
        p = CenterPolicy.objects.prefetch_related("banks", "windows", "interest_rates", "loan_rates").get(code=code)
    except CenterPolicy.DoesNotExist as exc:
        raise ImproperlyConfigured(f"GJJ_CENTER={code!r}: no such center policy; run migrate.") from exc
    return PolicySnapshot(
        code=p.code,
        center_name=p.center_name,
        local_region=p.local_region,
        rental_regions=tuple(p.rental_regions),
        banks=tuple(b.name for b in p.banks.all()),
        windows={w.business: Window(w.days, w.opens_at, w.closes_at) for w in p.windows.all()},
        rent_monthly_cap=p.rent_monthly_cap,
        rent_min_deposit_months=p.rent_min_deposit_months,
        rent_withdrawals_per_year=p.rent_withdrawals_per_year,
        min_balance_after_withdrawal=p.min_balance_after_withdrawal,
        review_sla_days=p.review_sla_days,
        interest_rates=tuple((r.effective_from, r.annual_rate) for r in p.interest_rates.all()),
        loan_rates=tuple(
            (
                r.effective_from,
                r.up_to_five_years,
                r.over_five_years,
                r.second_up_to_five_years,
                r.second_over_five_years,
            )
            for r in p.loan_rates.all()
        ),
        prepay_min_amount=p.prepay_min_amount,
        closing_min_sealed_months=p.closing_min_sealed_months,
        base_floor=p.base_floor,
        base_cap=p.base_cap,
        contribution_rounding=p.contribution_rounding,
        password_min_length=p.password_min_length,
        password_max_length=p.password_max_length,
        login_requires_sms=p.login_requires_sms,
        login_requires_enrollment=p.login_requires_enrollment,
        loan_withdrawals_per_year=p.loan_withdrawals_per_year,
        hotline=p.hotline,
        loan_max_amount=p.loan_max_amount,
        loan_max_years=p.loan_max_years,
        ratio_min=p.ratio_min,
        ratio_max=p.ratio_max,
        supplementary_max_months=p.supplementary_max_months,
        card_cooling_hours=p.card_cooling_hours,
        standing_day=p.standing_day,
        center_code=p.center_code,
        collection_bank=p.collection_bank,
        collection_account_name=p.collection_account_name or p.center_name,
        collection_account_no=p.collection_account_no,
        cross_send_days=p.cross_send_days,
        transfer_step_days=p.transfer_step_days,
        cross_send_attempts=p.cross_send_attempts,
        cross_payload_days=p.cross_payload_days,
        access_record_years=p.access_record_years,
        seal_name=(p.seal.name or "") if p.seal else "",
        loan_max_amount_couple=p.loan_max_amount_couple,
        loan_min_deposit_months=p.loan_min_deposit_months,
        loan_max_count=p.loan_max_count,
        loan_balance_multiple=p.loan_balance_multiple,
        loan_income_share=p.loan_income_share,
        loan_retirement_extra_years=p.loan_retirement_extra_years,
        loan_down_payment_first=p.loan_down_payment_first,
        loan_down_payment_second=p.loan_down_payment_second,
        loan_materials=tuple(p.loan_materials),
        loan_signing_days=p.loan_signing_days,
        loan_signing_capacity=p.loan_signing_capacity,
        loan_step_days=p.loan_step_days,
        logo_name=(p.logo.name or "") if p.logo else "",
    )


def current_policy() -> PolicySnapshot:
    """The policy in force: from the cache (Redis), and within one request read from it once (a page asks
    for it several times: the header's center name, 月缴存额, the rules); outside requests (workers,
    commands) every call asks the cache, so an edit reaches them at once."""
    code = settings.GJJ_CENTER
    if getattr(_request, "open", False):
        kept = _request.policy
        if kept is None or kept.code != code:
            kept = _request.policy = _cached(code)
        return kept
    return _cached(code)


def _cached(code: str) -> PolicySnapshot:
    key = CACHE_KEY.format(code=code)
    snapshot = cache.get(key)
    if snapshot is None:
        snapshot = _load(code)
        cache.set(key, snapshot, CACHE_SECONDS)
    return snapshot


_request = threading.local()  # the policy read during this thread's request (one request at a time per thread)


def _request_opens(**kwargs) -> None:
    _request.open, _request.policy = True, None


def _request_closes(**kwargs) -> None:
    _request.open, _request.policy = False, None


request_started.connect(_request_opens, dispatch_uid="gjj_policy_request_started")
request_finished.connect(_request_closes, dispatch_uid="gjj_policy_request_finished")


def center_seal_png() -> bytes | None:
    """The 电子印章 image uploaded in the policy, for the issued documents' signature (None: the drawn one)."""
    from gjj_portal.uploads import uploads_storage

    name = current_policy().seal_name
    if not name:
        return None
    try:
        with uploads_storage().open(name, "rb") as image:
            return image.read()
    except OSError:
        return None


def policy_cache_clear() -> None:
    from .models import CenterPolicy

    _request.policy = None
    cache.delete_many([CACHE_KEY.format(code=c) for c in CenterPolicy.objects.values_list("code", flat=True)])


def loan_rate_on(rates: tuple[tuple, ...], months: int, day: date, *, second_home: bool = False) -> Decimal | None:
    """The loan rate in force on `day` for a term of `months`, 首套 (default) or 二套."""
    found = None
    for effective_from, short, long, second_short, second_long in rates:
        if effective_from <= day:
            if second_home:
                found = second_short if months <= 60 else second_long
            else:
                found = short if months <= 60 else long
    return found


def _staff_overrides(start: date, end: date) -> dict[date, bool]:
    """Staff's 工作日历调整 between two dates, read in one query."""
    from .models import CalendarDay

    return dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_working_day"))


def is_working_day(day: date, overrides: dict[date, bool] | None = None) -> bool:
    """Official Chinese working days (holidays and 调休), with staff overrides taking precedence.
    `overrides`, when given, holds the staff days of a range already read (`_staff_overrides`)."""
    override = (_staff_overrides(day, day) if overrides is None else overrides).get(day)
    if override is not None:
        return override
    try:
        import chinese_calendar

        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # Years the package does not cover yet: weekdays, until staff enter the year's calendar.
        return day.weekday() < 5


def _open_on(window: Window, day: date) -> bool:
    return window.days == "daily" or is_working_day(day)


def window_is_open(window: Window | None, at: datetime | None = None) -> bool:
    if window is None:
        return True
    at = timezone.localtime(at)
    return _open_on(window, at.date()) and window.opens_at <= at.time() < window.closes_at


def window_next_opening(window: Window, at: datetime | None = None) -> datetime | None:
    """The next moment the window opens after `at` (None if not within 60 days)."""
    at = timezone.localtime(at)
    tz = timezone.get_current_timezone()
    for offset in range(0, 61):
        day = at.date() + timedelta(days=offset)
        opening = datetime.combine(day, window.opens_at, tzinfo=tz)
        if opening > at and _open_on(window, day):
            return opening
    return None


class WorkingCalendar:
    """The working days of a range of dates, read once (staff's overrides in one query, the official
    calendar day by day); counting and stepping are then lookups, so a list of a hundred deadlines
    costs one query and one pass over the range, not a hundred."""

    def __init__(self, start: date, end: date):
        overrides = _staff_overrides(start, end)
        self.start, self.end = start, end
        self._upto = [0]  # _upto[i]: working days in [start, start + i)
        for i in range((end - start).days + 1):
            self._upto.append(self._upto[-1] + is_working_day(start + timedelta(days=i), overrides))

    def _through(self, day: date) -> int:
        if not self.start - timedelta(days=1) <= day <= self.end:
            raise ValueError(f"{day} is outside the calendar {self.start}–{self.end}")
        return self._upto[(day - self.start).days + 1]

    def _nth(self, k: int) -> date:
        i = bisect_left(self._upto, k)
        if k < 1 or i >= len(self._upto):
            raise ValueError(f"working day {k} is outside the calendar {self.start}–{self.end}")
        return self.start + timedelta(days=i - 1)

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
        return self._through(end) - self._through(start)

    def after(self, day: date, days: int) -> date:
        """The date `days` working days after `day` (negative: before it)."""
        if days >= 0:
            return self._nth(self._through(day) + days) if days else day
        return self._nth(self._through(day - timedelta(days=1)) + days + 1)

    @classmethod
    def around(cls, first: date, last: date, days: int) -> "WorkingCalendar":
        """A calendar wide enough to step `days` working days from any day in first..last
        (holidays fit in three times the days plus a month)."""
        margin = timedelta(days=abs(days) * 3 + 30)
        return cls(first - margin, last + margin)


def working_day_after(day: date, days: int) -> date:
    """The date `days` working days after `day` (negative: before it), on the official calendar."""
    return WorkingCalendar.around(day, day, days).after(day, days)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when `end` is earlier)."""
    return WorkingCalendar(min(start, end), max(start, end)).between(start, end)
