from datetime import date
from decimal import Decimal

import pytest

from loans.models import Method, ProgressNode
from loans.services import loan_contract_open, loan_disburse


def make_contract(
    account,
    *,
    amount="300000.00",
    months=120,
    method=Method.EQUAL_INSTALMENT,
    rate="0.0285",
    card="6217000040004444",
    disbursed_on=date(2025, 1, 10),
    contract_no=None,
):
    contract = loan_contract_open(
        contract_no=contract_no or f"JK{account.grzh}{months}",
        borrower=account,
        amount=Decimal(amount),
        term_months=months,
        annual_rate=Decimal(rate),
        rate_effective_on=disbursed_on or date(2025, 1, 1),
        method=method,
        repay_bank="建设银行",
        repay_card=card,
    )
    for position, step in enumerate(ProgressNode.Step):
        ProgressNode.objects.create(contract=contract, step=step, position=position)
    if disbursed_on:
        loan_disburse(contract_id=contract.pk, on=disbursed_on)
        contract.refresh_from_db()
    return contract


@pytest.fixture
def borrower(depositor):
    return depositor


@pytest.fixture
def loan(borrower):
    return make_contract(borrower.account)
