"""Statutory retirement month from 2025-01-01 (SPEC §10): base age plus a delay that grows with the
birth month, one month per `step` birth months after the start cohort, capped at `max`."""

from dataclasses import dataclass
from datetime import date

from gjj_portal.months import month_index, month_start


@dataclass(frozen=True)
class Cohort:
    base_age: int
    start_year: int
    step: int
    max_delay: int


MAN = Cohort(60, 1965, 4, 36)
WOMAN_CADRE = Cohort(55, 1970, 4, 36)  # 女职工（原法定退休年龄55周岁）
WOMAN_WORKER = Cohort(50, 1975, 2, 60)  # 女职工（原法定退休年龄50周岁）


def cohort_for(*, sex: str, job_category: str) -> Cohort:
    if sex == "male":
        return MAN
    return WOMAN_CADRE if job_category == "cadre" else WOMAN_WORKER


def delay_months(birth: date, cohort: Cohort) -> int:
    k = month_index(birth) - cohort.start_year * 12
    return 0 if k < 0 else min(cohort.max_delay, k // cohort.step + 1)


def retirement_month(birth: date, cohort: Cohort) -> date:
    """The first day of the month in which the person reaches statutory retirement."""
    return month_start(birth, cohort.base_age * 12 + delay_months(birth, cohort))


def sex_from_id_number(id_number: str) -> str:
    """GB 11643: the 17th digit is odd for men, even for women."""
    return "male" if int(id_number[16]) % 2 else "female"


def birth_from_id_number(id_number: str) -> date:
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
