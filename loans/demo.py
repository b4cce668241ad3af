"""刘强's loans for the demo world (SPEC §11), built through the real services."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from policy.center import current_policy, loan_rate_on

from .models import CommercialLoan, LoanContract, Method, ProgressNode
from .repricing import contract_reprice
from .schedule import add_months
from .services import instalments_collect, loan_contract_open, loan_disburse

DISBURSED_ON = date(2024, 6, 20)


def _contract(account, contract_no, amount, months, on, done_on):
    """done_on: the days its first nodes (受理, 审批, …) were done, in order; the rest are still ahead."""
    rate = loan_rate_on(current_policy().loan_rates, months, on)
    contract = loan_contract_open(
        contract_no=contract_no,
        borrower=account,
        amount=amount,
        term_months=months,
        annual_rate=rate,
        rate_effective_on=on,
        method=Method.EQUAL_INSTALMENT,
        repay_bank="建设银行",
        repay_card="6217000040004444",
        house_address="沈阳市浑南区示例小区3号楼2单元501",
    )
    for position, step in enumerate(ProgressNode.Step):
        done_at = None
        if position < len(done_on):
            done_at = timezone.make_aware(datetime.combine(done_on[position], time(10, 0)))
        ProgressNode.objects.create(contract=contract, step=step, position=position, done_at=done_at)
    return contract


def seed_loans(account, today: date) -> None:
    if LoanContract.objects.filter(borrower=account).exists():
        return
    steps = [DISBURSED_ON - timedelta(days=d) for d in (35, 27, 20, 9)]  # 受理, 审批, 签订合同, 抵押登记
    loan = _contract(account, "JK2101202406200001", Decimal("500000.00"), 240, DISBURSED_ON, steps)
    loan_disburse(contract_id=loan.pk, on=DISBURSED_ON)
    rates = current_policy().loan_rates
    due = add_months(DISBURSED_ON, 1)
    while due < today:
        january = date(due.year, 1, 1)
        if january > DISBURSED_ON:
            rate = loan_rate_on(rates, 240, january)
            if rate is not None:
                contract_reprice(contract_id=loan.pk, on=january, rate=rate)
        instalments_collect(on=due)
        due = add_months(due, 1)
    applied = date(2026, 10, 8)
    _contract(account, "JK2101202610080002", Decimal("200000.00"), 60, applied, [applied, applied + timedelta(days=6)])
    CommercialLoan.objects.create(
        material_no="SD2101202308150001",
        borrower=account,
        lender="建设银行",
        contract_no="JS2023081500123",
        amount=Decimal("800000.00"),
        term_months=360,
        start_on=date(2023, 8, 15),
        monthly_payment=Decimal("3820.41"),
        house_address="沈阳市和平区示例路88号1-2-301",
    )


SETTLED_DISBURSED_ON = date(2023, 3, 15)


def seed_settled_loan(account) -> None:
    """李秀兰's paid-off loan (a 12-month loan of 2023, every instalment collected): what the
    贷款结清证明 is issued for."""
    if LoanContract.objects.filter(borrower=account).exists():
        return
    on = SETTLED_DISBURSED_ON
    steps = [on - timedelta(days=d) for d in (30, 22, 15, 8)] + [on]
    loan = _contract(account, "JK2101202303150001", Decimal("60000.00"), 12, on, steps)
    loan_disburse(contract_id=loan.pk, on=on)
    for month in range(1, 13):
        instalments_collect(on=add_months(on, month))
