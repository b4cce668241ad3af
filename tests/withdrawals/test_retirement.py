from datetime import date

import pytest

from gjj_portal.retirement import (
    MAN,
    WOMAN_CADRE,
    WOMAN_WORKER,
    birth_from_id_number,
    delay_months,
    retirement_month,
    sex_from_id_number,
)


@pytest.mark.parametrize(
    "birth, cohort, expected",
    [
        (date(1965, 1, 10), MAN, date(2025, 2, 1)),  # SPEC §10: a man born 1965-01 retires 2025-02
        (date(1971, 4, 2), WOMAN_CADRE, date(2026, 8, 1)),  # SPEC §10: a 55-category woman born 1971-04
        (date(1964, 12, 31), MAN, date(2024, 12, 1)),  # before the first cohort: no delay
        (date(1965, 5, 1), MAN, date(2025, 7, 1)),  # k = 4 → 2 months
        (date(1976, 12, 1), MAN, date(2039, 12, 1)),  # capped at 36 months: 63 years
        (date(1975, 1, 1), WOMAN_WORKER, date(2025, 2, 1)),  # +1 month for the first cohort
        (date(1975, 3, 1), WOMAN_WORKER, date(2025, 5, 1)),  # k = 2 → 2 months
        (date(1984, 12, 1), WOMAN_WORKER, date(2039, 12, 1)),  # capped at 60 months: 55 years
        (date(1965, 3, 15), WOMAN_CADRE, date(2020, 3, 1)),  # 李秀兰: before the reform's cohorts
    ],
)
def test_published_cases(birth, cohort, expected):
    assert retirement_month(birth, cohort) == expected


def test_delays_never_exceed_their_caps():
    assert max(delay_months(date(y, m, 1), MAN) for y in range(1960, 2000) for m in range(1, 13)) == 36
    assert max(delay_months(date(y, m, 1), WOMAN_WORKER) for y in range(1970, 2000) for m in range(1, 13)) == 60


def test_sex_and_birth_come_from_the_id_number():
    assert sex_from_id_number("210204197108083010") == "male"  # 刘强 (17th digit 1)
    assert sex_from_id_number("210103196503150029") == "female"  # 李秀兰 (17th digit 2)
    assert birth_from_id_number("210103196503150029") == date(1965, 3, 15)
