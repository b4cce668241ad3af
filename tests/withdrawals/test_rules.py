from datetime import date, time
from decimal import Decimal

import pytest

from policy.center import PolicySnapshot, Window
from withdrawals import rules

POLICY = PolicySnapshot(
    code="t",
    center_name="测试中心",
    local_region="沈阳市",
    rental_regions=("沈阳市", "大连市"),
    banks=("建设银行", "工商银行", "盛京银行"),
    windows={"withdrawal": Window("daily", time(8), time(22))},
    rent_monthly_cap=Decimal("1500.00"),
    rent_min_deposit_months=3,
    rent_withdrawals_per_year=1,
    min_balance_after_withdrawal=Decimal("10.00"),
    review_sla_days=3,
    interest_rates=(),
)
OK = rules.RentFacts(
    account_status="normal",
    owns_house=False,
    continuous_months=24,
    balance=Decimal("46080.00"),
    rent_withdrawals_this_year=0,
)


def facts(**changes):
    return rules.RentFacts(**{**OK.__dict__, **changes})


def test_normal_account_with_history_is_eligible():
    assert rules.rent_eligibility_problem(OK, POLICY) is None


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"account_status": "sealed"}, "正常缴存"),
        ({"owns_house": True}, "自有住房"),
        ({"continuous_months": 2}, "连续足额缴存满3个月"),
        ({"rent_withdrawals_this_year": 1}, "本年度您已办理租房提取"),
        ({"balance": Decimal("10.00")}, "余额不足"),
    ],
)
def test_each_ineligibility_has_its_own_chinese_reason(changes, words):
    assert words in rules.rent_eligibility_problem(facts(**changes), POLICY)


def test_withdrawable_is_the_smallest_of_rent_cap_and_balance():
    # 3 months at 2,000 rent: rent 6,000, cap 4,500, balance − 10 = 46,070 → 4,500
    assert rules.rent_withdrawable(
        monthly_rent=Decimal("2000"), start_month=1, end_month=3, balance=Decimal("46080.00"), policy=POLICY
    ) == Decimal("4500.00")
    # rent below the cap: rent × months
    assert rules.rent_withdrawable(
        monthly_rent=Decimal("1200"), start_month=1, end_month=12, balance=Decimal("46080.00"), policy=POLICY
    ) == Decimal("14400.00")
    # small balance: balance − policy minimum
    assert rules.rent_withdrawable(
        monthly_rent=Decimal("1200"), start_month=1, end_month=12, balance=Decimal("1000.00"), policy=POLICY
    ) == Decimal("990.00")


def test_amount_above_the_limit_is_refused_and_equal_is_allowed():
    assert rules.amount_problem(amount=Decimal("4500.00"), limit=Decimal("4500.00")) is None
    assert "不能超过" in rules.amount_problem(amount=Decimal("4500.01"), limit=Decimal("4500.00"))


def test_months_must_be_in_this_year_and_ordered():
    today = date(2026, 11, 23)
    assert rules.rent_period_problem(year=2026, start_month=1, end_month=11, today=today) is None
    assert "本年度" in rules.rent_period_problem(year=2025, start_month=1, end_month=3, today=today)
    assert "不能晚于" in rules.rent_period_problem(year=2026, start_month=5, end_month=3, today=today)


def test_materials_needed_only_outside_the_local_region_or_the_employers_region():
    assert not rules.rent_needs_materials(rent_region="沈阳市", employer_region="沈阳市", policy=POLICY)
    assert rules.rent_needs_materials(rent_region="大连市", employer_region="沈阳市", policy=POLICY)
    assert rules.rent_needs_materials(rent_region="沈阳市", employer_region="大连市", policy=POLICY)


def test_bank_must_be_on_the_policy_list():
    assert rules.bank_problem("建设银行", POLICY) is None
    assert "建设银行、工商银行、盛京银行" in rules.bank_problem("招商银行", POLICY)


@pytest.mark.parametrize(
    "card, ok",
    [
        ("6217000010001234", True),
        ("621700001000123", False),
        ("62170000100012345678", False),
        ("6217abcd10001234", False),
    ],
)
def test_card_must_be_16_to_19_digits(card, ok):
    assert (rules.card_number_problem(card) is None) is ok


def test_luhn_is_computed():
    assert rules.luhn_ok("4111111111111111")
    assert not rules.luhn_ok("4111111111111112")


def test_the_closing_rules_are_one_pure_function_per_question():
    retired = rules.AccountFacts(
        status="normal",
        seal_reason="",
        sealed_on=None,
        household_region="沈阳市",
        balance=Decimal("1000"),
        retirement_month=date(2025, 3, 1),
        today=date(2026, 11, 23),
    )
    assert rules.closing_problem(kind="retirement", facts=retired, policy=POLICY, in_progress=False) is None
    assert "正在办理" in rules.closing_problem(kind="retirement", facts=retired, policy=POLICY, in_progress=True)
    assert "封存" in rules.closing_problem(kind="leaving", facts=retired, policy=POLICY, in_progress=False)
    assert rules.closing_needs_materials(kind="disability", facts=retired)
    assert not rules.closing_needs_materials(kind="retirement", facts=retired)
    assert not rules.closing_needs_materials(kind="leaving", facts=retired)
    with pytest.raises(ValueError):
        rules.closing_problem(kind="rent", facts=retired, policy=POLICY, in_progress=False)
    assert "建设银行" in rules.payee_problem(bank="招商银行", card_number="6217000010001234", policy=POLICY)
    assert "16至19位" in rules.payee_problem(bank="建设银行", card_number="1234", policy=POLICY)
