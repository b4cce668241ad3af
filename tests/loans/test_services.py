from datetime import date
from decimal import Decimal

import pytest

from gjj_portal.bank import SandboxBankGateway
from gjj_portal.models import SandboxTransfer
from loans import rules
from loans.models import Instalment, LoanStatus, Method, Repayment
from loans.prepayment import prepayment_confirm, prepayment_plan, prepayment_prepare
from loans.repricing import contract_reprice, loans_reprice
from loans.services import LoanError, instalments_collect, loan_disburse

from .conftest import make_contract

OK = SandboxBankGateway(failure_rate=0.0, timeout_rate=0.0)
REFUSING = SandboxBankGateway(failure_rate=1.0, timeout_rate=0.0)


def prepayment_make(*, contract_id, amount, mode, token, today, gateway):
    """The two steps a depositor takes: the confirmation page (prepare), then 提交 (confirm)."""
    from loans.models import LoanContract

    contract = LoanContract.objects.get(pk=contract_id)
    request, _plan = prepayment_prepare(contract=contract, user=contract.borrower.user, amount=amount, mode=mode)
    return prepayment_confirm(user=contract.borrower.user, request_id=request.public_id, amount=amount, today=today,
                              gateway=gateway)  # fmt: skip


def test_disbursement_builds_the_schedule_and_sets_the_balance(loan):
    assert loan.status == LoanStatus.DISBURSED and loan.principal_balance == Decimal("300000.00")
    assert loan.schedule.count() == 120 and loan.first_due_on == date(2025, 2, 10)
    assert sum(r.principal for r in loan.schedule.all()) == Decimal("300000.00")
    assert not loan.progress.filter(done_at__isnull=True).exists()
    with pytest.raises(LoanError, match="不能重复放款"):
        loan_disburse(contract_id=loan.pk, on=date(2025, 1, 10))


def test_collection_pays_what_is_due_and_is_idempotent(loan):
    run = instalments_collect(on=date(2025, 4, 10), gateway=OK)
    assert run.paid == 3
    loan.refresh_from_db()
    paid = loan.schedule.filter(status=Instalment.State.PAID)
    assert paid.count() == 3
    assert loan.principal_balance == Decimal("300000.00") - sum(r.principal for r in paid)
    assert instalments_collect(on=date(2025, 4, 10), gateway=OK).paid == 0  # rerun: nothing more
    assert SandboxTransfer.objects.filter(kind="debit").count() == 3
    assert Repayment.objects.filter(contract=loan, kind=Repayment.Kind.INSTALMENT).count() == 3


def test_a_crash_after_the_bank_debited_is_healed_by_the_rerun_without_a_second_debit(loan, monkeypatch):
    from loans import services

    monkeypatch.setattr(services, "instalments_mark_paid", lambda **kw: (_ for _ in ()).throw(RuntimeError("crash")))
    with pytest.raises(RuntimeError):
        instalments_collect(on=date(2025, 2, 10), gateway=OK)
    monkeypatch.undo()
    assert instalments_collect(on=date(2025, 2, 10), gateway=OK).paid == 1
    transfer = SandboxTransfer.objects.get(kind="debit")
    assert transfer.times_requested == 2  # asked twice, debited once
    assert Repayment.objects.filter(contract=loan).count() == 1


def test_a_refused_debit_makes_the_instalment_overdue_and_a_later_success_pays_it(loan):
    run = instalments_collect(on=date(2025, 2, 10), gateway=REFUSING)
    assert run.overdue == 1 and "余额不足" in run.refusals[0]
    from messages_center.models import Message

    assert "已逾期" in Message.objects.get(recipient=loan.borrower.user, title="贷款扣款失败").body
    assert loan.schedule.get(period=1).status == Instalment.State.OVERDUE
    assert instalments_collect(on=date(2025, 2, 11), gateway=OK).paid == 1
    assert loan.schedule.get(period=1).status == Instalment.State.PAID


def test_prepayment_that_shortens_the_term_keeps_the_payment(loan):
    instalments_collect(on=date(2025, 3, 10), gateway=OK)
    loan.refresh_from_db()
    before = loan.schedule.exclude(status="paid").first().payment
    prepayment_make(
        contract_id=loan.pk,
        amount=Decimal("50000.00"),
        mode=rules.SHORTEN,
        token="t1",
        today=date(2025, 3, 15),
        gateway=OK,
    )
    loan.refresh_from_db()
    unpaid = list(loan.schedule.exclude(status="paid"))
    assert len(unpaid) < 118
    assert unpaid[0].payment <= before and unpaid[0].period == 3
    assert loan.principal_balance == sum(r.principal for r in unpaid)
    repayment = Repayment.objects.get(kind=Repayment.Kind.PREPAYMENT)
    assert repayment.amount == Decimal("50000.00") and repayment.balance_after == loan.principal_balance


def test_prepayment_that_reduces_the_payment_keeps_the_term(loan):
    prepayment_make(
        contract_id=loan.pk,
        amount=Decimal("50000.00"),
        mode=rules.REDUCE,
        token="t2",
        today=date(2025, 1, 20),
        gateway=OK,
    )
    loan.refresh_from_db()
    unpaid = list(loan.schedule.exclude(status="paid"))
    assert len(unpaid) == 120
    assert unpaid[0].payment == Decimal("2396.75")  # 250,000 at 2.85% over 120 months (was 2,876.10 on 300,000)
    assert sum(r.principal for r in unpaid) == Decimal("250000.00")


def test_equal_principal_prepayment_both_ways(borrower):
    loan = make_contract(borrower.account, method=Method.EQUAL_PRINCIPAL, contract_no="JKEP")
    shorten = prepayment_plan(contract=loan, amount=Decimal("60000.00"), mode=rules.SHORTEN)
    reduce = prepayment_plan(contract=loan, amount=Decimal("60000.00"), mode=rules.REDUCE)
    assert shorten.months_after == 96 and shorten.rows[0].principal == Decimal("2500.00")  # 240,000 / 2,500
    assert reduce.months_after == 120 and reduce.rows[0].principal == Decimal("2000.00")
    assert shorten.interest_saved > reduce.interest_saved > 0


def test_the_same_confirmation_twice_debits_once(loan):
    user = loan.borrower.user
    request, _ = prepayment_prepare(contract=loan, user=user, amount=Decimal("20000.00"), mode=rules.REDUCE)
    prepayment_confirm(user=user, request_id=request.public_id, amount=None, today=date(2025, 1, 20), gateway=OK)
    with pytest.raises(LoanError, match="已经扣款成功"):
        prepayment_confirm(user=user, request_id=request.public_id, amount=None, today=date(2025, 1, 20), gateway=OK)
    assert Repayment.objects.filter(kind=Repayment.Kind.PREPAYMENT).count() == 1
    assert SandboxTransfer.objects.filter(kind="debit").count() == 1


@pytest.mark.parametrize(
    "amount, words", [("9999.99", "不能低于 10,000.00"), ("300000.01", "不能超过贷款余额"), ("0", "须大于0")]
)
def test_prepayment_rules(loan, amount, words):
    with pytest.raises(LoanError, match=words):
        prepayment_make(
            contract_id=loan.pk,
            amount=Decimal(amount),
            mode=rules.REDUCE,
            token="x",
            today=date(2025, 1, 20),
            gateway=OK,
        )


def test_paying_off_the_whole_balance_settles_the_loan(loan):
    prepayment_make(
        contract_id=loan.pk,
        amount=Decimal("300000.00"),
        mode=rules.REDUCE,
        token="all",
        today=date(2025, 1, 20),
        gateway=OK,
    )
    loan.refresh_from_db()
    assert loan.status == LoanStatus.SETTLED and loan.principal_balance == 0 and not loan.schedule.exists()


def test_an_overdue_loan_cannot_prepay(loan):
    instalments_collect(on=date(2025, 2, 10), gateway=REFUSING)
    with pytest.raises(LoanError, match="逾期"):
        prepayment_make(
            contract_id=loan.pk,
            amount=Decimal("20000.00"),
            mode=rules.REDUCE,
            token="o",
            today=date(2025, 2, 15),
            gateway=OK,
        )


def test_a_refused_debit_changes_nothing(loan):
    with pytest.raises(LoanError, match="扣款失败"):
        prepayment_make(
            contract_id=loan.pk,
            amount=Decimal("20000.00"),
            mode=rules.REDUCE,
            token="r",
            today=date(2025, 1, 20),
            gateway=REFUSING,
        )
    loan.refresh_from_db()
    assert loan.principal_balance == Decimal("300000.00") and not Repayment.objects.exists()


def test_january_first_repricing_keeps_the_term_and_paid_rows(loan, policy):
    instalments_collect(on=date(2025, 12, 10), gateway=OK)
    assert loans_reprice(on=date(2026, 1, 1)) == 1  # 2.85% → 2.60% (from 2025-05-08, applied on Jan 1)
    loan.refresh_from_db()
    assert loan.annual_rate == Decimal("0.0260")
    paid = loan.schedule.filter(status="paid")
    assert paid.count() == 11 and {r.annual_rate for r in paid} == {Decimal("0.0285")}
    ahead = loan.schedule.exclude(status="paid")
    assert ahead.count() == 109 and {r.annual_rate for r in ahead} == {Decimal("0.0260")}
    assert sum(r.principal for r in ahead) == loan.principal_balance
    assert loans_reprice(on=date(2026, 1, 1)) == 0  # idempotent
    with pytest.raises(ValueError):
        loans_reprice(on=date(2026, 1, 2))


def test_repricing_keeps_overdue_instalments_before_january(loan):
    instalments_collect(on=date(2025, 11, 10), gateway=OK)
    instalments_collect(on=date(2025, 12, 10), gateway=REFUSING)
    contract_reprice(contract_id=loan.pk, on=date(2026, 1, 1), rate=Decimal("0.0260"))
    loan.refresh_from_db()
    overdue = loan.schedule.get(status="overdue")
    assert overdue.period == 11 and overdue.annual_rate == Decimal("0.0285")
    assert sum(r.principal for r in loan.schedule.exclude(status="paid")) == loan.principal_balance


def test_collection_in_chunks_records_each_contract_once_and_refuses_per_card(policy, django_assert_max_num_queries):
    from tests.factories import PersonalAccountFactory

    loans = [make_contract(PersonalAccountFactory(), months=12) for _ in range(4)]
    refused = make_contract(PersonalAccountFactory(), months=12, card="6217000040000000")  # the bank refuses it
    # Three instalments due for each contract; chunks of two contracts: three transactions of records.
    with django_assert_max_num_queries(66):  # + one look-up of the borrowers per chunk (person cache)
        run = instalments_collect(on=date(2025, 4, 10), gateway=OK, chunk=2)
    assert (run.paid, run.overdue, run.retry) == (12, 3, 0)
    for loan in loans:
        loan.refresh_from_db()
        repayments = list(loan.repayments.order_by("instalment__period"))
        assert [r.instalment.period for r in repayments] == [1, 2, 3]
        assert [r.balance_after for r in repayments] == [r.instalment.balance_after for r in repayments]
        assert loan.principal_balance == repayments[-1].balance_after
    assert not refused.repayments.exists()
    assert set(refused.schedule.filter(period__lte=3).values_list("status", flat=True)) == {Instalment.State.OVERDUE}
    again = instalments_collect(on=date(2025, 4, 10), gateway=OK, chunk=3)  # a rerun the same day
    assert (again.paid, again.overdue) == (0, 3)  # the bank answers the refused keys as before; nothing paid twice
    assert SandboxTransfer.objects.filter(kind="debit", times_requested=1).count() == 12
    assert SandboxTransfer.objects.filter(kind="debit", times_requested=2).count() == 3
    assert Repayment.objects.count() == 12


def test_repricing_in_chunks_writes_what_the_per_contract_repricing_writes(policy):
    """Twin loans (same terms, same history): one repriced by the per-contract function, the other by
    the chunked run; their schedules must be identical, overdue rows and all."""
    from tests.factories import PersonalAccountFactory

    shapes = [
        dict(months=120),
        dict(months=60, method=Method.EQUAL_PRINCIPAL, amount="180000.00"),
        dict(months=240, amount="500000.00"),
        dict(months=36, amount="50000.00", card="6217000040000000"),  # every debit refused: overdue rows
    ]
    twins = [
        (make_contract(PersonalAccountFactory(), **shape), make_contract(PersonalAccountFactory(), **shape))
        for shape in shapes
    ]
    instalments_collect(on=date(2025, 12, 10), gateway=OK)
    on = date(2026, 1, 1)
    from policy.center import current_policy, loan_rate_on

    for reference, _twin in twins:
        contract_reprice(
            contract_id=reference.pk, on=on, rate=loan_rate_on(current_policy().loan_rates, reference.term_months, on)
        )
    assert loans_reprice(on=on, chunk=3) == len(twins)  # the references already carry the new rate
    fields = ("period", "due_on", "principal", "interest", "payment", "balance_after", "annual_rate", "status")
    for reference, twin in twins:
        reference.refresh_from_db()
        twin.refresh_from_db()
        assert (twin.annual_rate, twin.rate_effective_on) == (reference.annual_rate, reference.rate_effective_on)
        assert list(twin.schedule.order_by("period").values_list(*fields)) == list(
            reference.schedule.order_by("period").values_list(*fields)
        )
    assert loans_reprice(on=on, chunk=3) == 0


def test_the_same_preview_is_one_request_and_previews_are_capped_per_day(loan):
    from loans.models import PrepaymentRequest
    from loans.prepayment import PREVIEWS_PER_DAY

    user = loan.borrower.user
    first, _ = prepayment_prepare(contract=loan, user=user, amount=Decimal("20000.00"), mode=rules.REDUCE)
    again, _ = prepayment_prepare(contract=loan, user=user, amount=Decimal("20000.00"), mode=rules.REDUCE)
    assert again.pk == first.pk and PrepaymentRequest.objects.count() == 1
    for n in range(1, PREVIEWS_PER_DAY):
        prepayment_prepare(contract=loan, user=user, amount=Decimal(20000 + n), mode=rules.REDUCE)
    with pytest.raises(LoanError, match=f"24小时内提前还款试算已达{PREVIEWS_PER_DAY}次"):
        prepayment_prepare(contract=loan, user=user, amount=Decimal("30000.00"), mode=rules.REDUCE)
    assert PrepaymentRequest.objects.count() == PREVIEWS_PER_DAY
