"""可贷额度 against hand-computed cases: each limit binding once, for two centers' profiles (辽宁省直: single
600,000 / couple 800,000, balance × 15, 6 months; 宁波: single 600,000 / couple 1,200,000, balance × 20,
12 months, 二套 down payment 25%); the rate picked by term and 首套 / 二套."""

from datetime import date
from decimal import Decimal

import pytest

from loans.lending import LoanAsk, PersonFacts, amount_problem, loan_quote, max_term_months
from loans.schedule import EQUAL_INSTALMENT, EQUAL_PRINCIPAL, annuity_payment
from policy.center import _load

TODAY = date(2026, 12, 3)
ZHANG = "210102199001011237"  # a man born 1990-01: retires at 63 (2053-01), +5 years → 360 months fit


def person(**overrides) -> PersonFacts:
    facts = {
        "name": "张伟",
        "id_number": ZHANG,
        "status": "normal",
        "status_label": "正常",
        "balance": Decimal("100000.00"),
        "base": Decimal("20000.00"),
        "continuous_months": 24,
        "open_loans": 0,
        "loans_ever": 0,
    }
    return PersonFacts(**{**facts, **overrides})


def ask(**overrides) -> LoanAsk:
    fields = {"house_price": Decimal("2000000"), "second_home": False, "term_months": 360, "method": EQUAL_INSTALMENT}
    return LoanAsk(**{**fields, **overrides})


@pytest.fixture(params=["liaoning", "ningbo"])
def center(request, policy):
    return _load(request.param)


def limit(quote, name):
    return next(x.amount for x in quote.limits if x.name == name)


def test_the_ceiling_binds_for_a_single_depositor_with_a_large_balance(center):
    quote = loan_quote(borrower=person(), co_borrower=None, ask=ask(), policy=center, today=TODAY)
    assert quote.ok and quote.binding == "中心最高额度"
    assert quote.amount == Decimal("600000")


def test_the_couple_ceiling_binds_when_the_spouse_deposits_here(center):
    spouse = person(name="李娜", id_number="210102199203031228", balance=Decimal("100000"))
    quote = loan_quote(
        borrower=person(), co_borrower=spouse, ask=ask(house_price=Decimal("5000000")), policy=center, today=TODAY
    )
    assert quote.binding == "中心最高额度"
    assert quote.amount == {"liaoning": Decimal("800000"), "ningbo": Decimal("1200000")}[center.code]


def test_the_balance_multiple_binds_and_counts_the_spouse(center):
    spouse = person(name="李娜", id_number="210102199203031228", balance=Decimal("10000"))
    quote = loan_quote(
        borrower=person(balance=Decimal("20000")), co_borrower=spouse, ask=ask(), policy=center, today=TODAY
    )
    # (20,000 + 10,000) × 15 = 450,000 (辽宁); × 20 = 600,000 (宁波)
    assert quote.binding == "账户余额倍数"
    assert quote.amount == {"liaoning": Decimal("450000"), "ningbo": Decimal("600000")}[center.code]


def test_the_house_price_binds_with_the_first_and_second_home_down_payment(center):
    first = loan_quote(
        borrower=person(), co_borrower=None, ask=ask(house_price=Decimal("250000")), policy=center, today=TODAY
    )
    second = loan_quote(
        borrower=person(),
        co_borrower=None,
        ask=ask(house_price=Decimal("250000"), second_home=True),
        policy=center,
        today=TODAY,
    )
    assert first.binding == second.binding == "房价与首付比例"
    assert first.amount == Decimal("200000")  # 250,000 × (1 − 20%)
    assert second.amount == {"liaoning": Decimal("175000"), "ningbo": Decimal("187500")}[center.code]  # 30% / 25%


def test_the_repayment_capacity_binds_for_a_low_income(center):
    # 4,000 × 50% − 500 = 1,500 a month. 等额本金 over 120 months at 2.60%: the first month is P/120 + P × 0.026/12,
    # so P = 1,500 / (1/120 + 0.0021666…) = 1,500 / 0.0105 = 142,857.14 → 142,857.
    low = person(base=Decimal("4000"))
    quote = loan_quote(
        borrower=low,
        co_borrower=None,
        ask=ask(term_months=120, method=EQUAL_PRINCIPAL, other_debts=Decimal("500")),
        policy=center,
        today=TODAY,
    )
    assert quote.binding == "还款能力"
    assert quote.amount == Decimal("142857")
    annuity = loan_quote(
        borrower=low, co_borrower=None, ask=ask(term_months=120, other_debts=Decimal("500")), policy=center, today=TODAY
    )
    # 等额本息: the largest whole-yuan principal whose payment fits 1,500 a month.
    assert annuity_payment(annuity.amount, quote.rate, 120) <= Decimal("1500.00")
    assert annuity_payment(annuity.amount + 2, quote.rate, 120) > Decimal("1500.00")


def test_a_declared_income_counts_for_a_spouse_who_deposits_elsewhere(center):
    quote = loan_quote(
        borrower=person(base=Decimal("4000")),
        co_borrower=None,
        ask=ask(term_months=120, method=EQUAL_PRINCIPAL, co_income=Decimal("2000")),
        policy=center,
        today=TODAY,
    )
    # (4,000 + 2,000) × 50% = 3,000 → 3,000 / 0.0105 = 285,714
    assert quote.amount == Decimal("285714")


@pytest.mark.parametrize(
    ("months", "second", "rate"),
    [(60, False, "0.0210"), (61, False, "0.0260"), (60, True, "0.02525"), (240, True, "0.03075")],
)
def test_the_rate_is_picked_by_term_and_first_or_second_home(policy, months, second, rate):
    quote = loan_quote(
        borrower=person(), co_borrower=None, ask=ask(term_months=months, second_home=second), policy=policy, today=TODAY
    )
    assert quote.rate == Decimal(rate)


def test_the_term_stops_five_years_after_the_statutory_retirement(policy):
    # A man born 1970-01 retires at 61 years 4 months (60 + 16 months' delay under the 2025 law: 2031-05);
    # + 5 years = 2036-05: from 2026-12 that is 113 months.
    older = "110101197001011238"
    assert max_term_months(id_number=older, job_category="", today=TODAY, policy=policy) == 113
    quote = loan_quote(
        borrower=person(id_number=older), co_borrower=None, ask=ask(term_months=120), policy=policy, today=TODAY
    )
    assert any("贷款期限须在 12 至 113 个月之间" in p for p in quote.problems)


@pytest.mark.parametrize(
    ("facts", "says"),
    [
        ({"status": "sealed", "status_label": "封存"}, "账户状态为“封存”"),
        ({"continuous_months": 5}, "连续足额缴存满 6 个月"),
        ({"open_loans": 1}, "未结清的住房公积金贷款"),
        ({"loans_ever": 2}, "最多可使用 2 次"),
        ({"open_application": "DK2026120300000001"}, "正在办理的贷款申请"),
    ],
)
def test_each_eligibility_rule_refuses_with_its_reason(policy, facts, says):
    quote = loan_quote(borrower=person(**facts), co_borrower=None, ask=ask(), policy=policy, today=TODAY)
    assert not quote.ok and any(says in p for p in quote.problems)


def test_an_amount_above_the_quote_is_refused_naming_the_binding_limit(policy):
    quote = loan_quote(borrower=person(), co_borrower=None, ask=ask(), policy=policy, today=TODAY)
    assert (
        amount_problem(amount=Decimal("600001"), quote=quote)
        == "贷款金额不能超过可贷额度 600,000 元（受“中心最高额度”限制）。"
    )
    assert amount_problem(amount=Decimal("600000"), quote=quote) is None
