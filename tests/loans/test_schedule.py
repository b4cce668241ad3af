from datetime import date
from decimal import Decimal

import numpy_financial as npf
import pytest

from loans.schedule import (
    EQUAL_INSTALMENT,
    EQUAL_PRINCIPAL,
    add_months,
    annuity_payment,
    build_schedule,
    cents,
    months_to_repay,
)

P, RATE, N = Decimal("600000"), Decimal("0.026"), 360


def test_spec_case_equal_instalment_is_2402_04_a_month():
    assert annuity_payment(P, RATE, N) == Decimal("2402.04")


def test_spec_case_equal_principal_starts_at_2966_67():
    rows = build_schedule(
        principal=P, annual_rate=RATE, months=N, method=EQUAL_PRINCIPAL, first_due_on=date(2026, 1, 20)
    )
    assert rows[0].payment == Decimal("2966.67")
    assert rows[1].payment < rows[0].payment  # it falls month by month


@pytest.mark.parametrize(
    "principal, rate, months",
    [
        ("600000", "0.026", 360),
        ("500000", "0.0285", 240),
        ("300000", "0.0235", 60),
        ("120000", "0.021", 12),
        ("1000000", "0.031", 300),
    ],
)
def test_annuity_agrees_with_numpy_financial(principal, rate, months):
    expected = -npf.pmt(float(rate) / 12, months, float(principal))
    assert annuity_payment(Decimal(principal), Decimal(rate), months) == cents(Decimal(str(expected)))


@pytest.mark.parametrize("method", [EQUAL_INSTALMENT, EQUAL_PRINCIPAL])
def test_the_schedule_repays_exactly_the_principal_and_ends_at_zero(method):
    rows = build_schedule(principal=P, annual_rate=RATE, months=N, method=method, first_due_on=date(2026, 1, 31))
    assert len(rows) == N
    assert sum(r.principal for r in rows) == P
    assert rows[-1].balance_after == 0
    assert all(r.payment == r.principal + r.interest for r in rows)


def test_equal_instalment_payments_are_level_but_the_last_absorbs_rounding():
    rows = build_schedule(
        principal=P, annual_rate=RATE, months=N, method=EQUAL_INSTALMENT, first_due_on=date(2026, 1, 20)
    )
    assert {r.payment for r in rows[:-1]} == {Decimal("2402.04")}
    assert abs(rows[-1].payment - Decimal("2402.04")) < 1


def test_interest_of_each_period_matches_numpy_financial_ipmt():
    rows = build_schedule(
        principal=P, annual_rate=RATE, months=N, method=EQUAL_INSTALMENT, first_due_on=date(2026, 1, 20)
    )
    for period in (1, 2, 120, 359):
        expected = -npf.ipmt(0.026 / 12, period, N, 600000)
        assert abs(rows[period - 1].interest - Decimal(str(expected))) < Decimal("0.05")


def test_due_dates_clamp_to_the_end_of_short_months():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 20), 2) == date(2027, 1, 20)


def test_shortening_keeps_the_payment_at_most_what_it_was():
    payment = annuity_payment(Decimal("400000"), RATE, 300)
    months = months_to_repay(principal=Decimal("300000"), annual_rate=RATE, payment=payment, method=EQUAL_INSTALMENT)
    assert (
        annuity_payment(Decimal("300000"), RATE, months)
        <= payment
        < annuity_payment(Decimal("300000"), RATE, months - 1)
    )
    assert months < 300


def test_shortening_equal_principal_keeps_the_principal_part():
    assert (
        months_to_repay(principal=Decimal("100000"), annual_rate=RATE, payment=Decimal("1000"), method=EQUAL_PRINCIPAL)
        == 100
    )
    assert (
        months_to_repay(principal=Decimal("100001"), annual_rate=RATE, payment=Decimal("1000"), method=EQUAL_PRINCIPAL)
        == 101
    )
