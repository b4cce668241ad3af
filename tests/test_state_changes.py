"""Every move of a payout, a personal account, a loan contract and an instalment leaves a change row
(who, when, from, to, why), and a move its transition table does not allow is refused in Chinese and
changes nothing. (Applications and remittance lists have their own tests.)"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounts.models import Role, User
from deposits.models import AccountChange, AccountStatus, PersonalAccount
from deposits.services import AccountLinked, account_user_link
from gjj_portal.bank import SandboxBankGateway
from gjj_portal.errors import DomainError, InvalidTransition
from loans.models import Instalment, InstalmentChange, LoanContractChange, LoanStatus
from loans.prepayment import prepayment_confirm, prepayment_prepare
from loans.services import instalments_collect
from tests.factories import PersonalAccountFactory
from tests.loans.conftest import make_contract
from withdrawals import payouts
from withdrawals.models import Payout, PayoutChange, WithdrawalKind
from withdrawals.review import payout_release, withdrawal_approve
from withdrawals.services import Payee, closing_withdrawal_create

from .withdrawals.helpers import submitted_rent

OK = SandboxBankGateway(failure_rate=0.0, timeout_rate=0.0)
REFUSING = SandboxBankGateway(failure_rate=1.0, timeout_rate=0.0)
TIMING_OUT = SandboxBankGateway(failure_rate=0.0, timeout_rate=1.0)


def moves(rows) -> list[tuple[str, str]]:
    return [(r.from_status, r.to_status) for r in rows.order_by("at", "id")]


def test_a_payout_records_every_move_with_who_and_why(depositor, reviewer, releaser):
    application = submitted_rent(depositor)
    withdrawal_approve(application_id=application.pk, reviewer=reviewer)
    payout = payout_release(application_id=application.pk, releaser=releaser)
    with pytest.raises(payouts.PayoutRetry):
        payouts.payout_execute(payout_id=payout.pk, gateway=TIMING_OUT)
    payouts.payout_execute(payout_id=payout.pk, gateway=OK)

    rows = PayoutChange.objects.filter(payout=payout)
    assert moves(rows) == [
        ("", "held"),
        ("held", "pending"),
        ("pending", "sending"),
        ("sending", "pending"),
        ("pending", "sending"),
        ("sending", "paid"),
    ]
    assert rows.get(to_status="held").actor == reviewer
    assert rows.get(from_status="held").actor == releaser
    assert "超时" in rows.get(from_status="sending", to_status="pending").reason
    payout.refresh_from_db()
    assert payout.status == Payout.State.PAID == rows.order_by("at", "id").last().to_status


def test_a_payout_move_outside_its_table_is_refused_and_writes_nothing(depositor, reviewer):
    application = submitted_rent(depositor)
    withdrawal_approve(application_id=application.pk, reviewer=reviewer)
    payout = Payout.objects.get(application=application)
    with pytest.raises(InvalidTransition, match="待复核放款.*已到账"):
        payouts.payouts_record(moves=[(payout, payout.status)], to=Payout.State.PAID, reason="跳过复核")
    assert moves(PayoutChange.objects.filter(payout=payout)) == [("", "held")]


@pytest.fixture
def sealed_leaver(policy, today):
    """宁波 household, sealed 250 days ago: may close the account (离职提取)."""
    from tests.withdrawals.test_types import person

    account = person("330203198805120011", today=today, household_region="宁波市")
    PersonalAccount.objects.filter(pk=account.pk).update(
        status=AccountStatus.SEALED, seal_reason="moved_away", sealed_on=today - timedelta(days=250)
    )
    account.refresh_from_db()
    return account


def test_a_closing_withdrawal_closes_the_account_and_a_failed_payment_reopens_it(sealed_leaver, reviewer, releaser):
    application = closing_withdrawal_create(
        user=sealed_leaver.user,
        account=sealed_leaver,
        kind=WithdrawalKind.LEAVING,
        payee=Payee(bank="建设银行", card_number="6217000010001234"),
    )
    assert not application.needs_materials  # 离职提取 of a non-local household sealed over six months
    withdrawal_approve(application_id=application.pk, reviewer=reviewer)
    sealed_leaver.refresh_from_db()
    assert sealed_leaver.status == AccountStatus.WITHDRAWN
    payout = payout_release(application_id=application.pk, releaser=releaser)
    payouts.payout_execute(payout_id=payout.pk, gateway=REFUSING)

    sealed_leaver.refresh_from_db()
    assert sealed_leaver.status == AccountStatus.SEALED  # as it was before the closing
    rows = AccountChange.objects.filter(account=sealed_leaver)
    assert moves(rows) == [("sealed", "withdrawn"), ("withdrawn", "sealed")]
    assert rows.first().actor == reviewer and application.number in rows.first().reason
    assert "付款失败" in rows.last().reason


def test_linking_an_online_user_is_recorded_once(policy):
    account = PersonalAccountFactory(user=None, name="未注册", id_number="110101199003071234", phone="13900000009")
    first = User.objects.create(username="first-user", role=Role.DEPOSITOR)
    account_user_link(account_id=account.pk, user=first, how="网上注册")
    row = AccountChange.objects.get(account=account)
    assert row.reason == "开通网上服务（网上注册）" and row.from_status == row.to_status == AccountStatus.NORMAL
    other = User.objects.create(username="someone-else", role=Role.DEPOSITOR)
    with pytest.raises(AccountLinked, match="已开通网上服务"):
        account_user_link(account_id=account.pk, user=other, how="网上注册")
    account.refresh_from_db()
    assert account.user == first and AccountChange.objects.filter(account=account).count() == 1
    assert isinstance(AccountLinked("x"), DomainError)


@pytest.fixture
def loan(depositor):
    return make_contract(depositor.account, disbursed_on=date(2025, 1, 10))


def test_a_loan_and_its_instalments_record_every_move(loan, depositor):
    instalments_collect(on=date(2025, 2, 10), gateway=REFUSING)  # period 1 → overdue
    instalments_collect(on=date(2025, 3, 10), gateway=OK)  # periods 1 and 2 → paid
    first = InstalmentChange.objects.filter(contract=loan, period=1)
    assert moves(first) == [("due", "overdue"), ("overdue", "paid")]
    assert "扣款失败" in first.first().reason
    assert moves(InstalmentChange.objects.filter(contract=loan, period=2)) == [("due", "paid")]
    assert not InstalmentChange.objects.filter(contract=loan, period=3).exists()

    loan.refresh_from_db()
    request, _plan = prepayment_prepare(contract=loan, user=depositor, amount=loan.principal_balance, mode="shorten")
    prepayment_confirm(
        user=depositor, request_id=request.public_id, amount=loan.principal_balance, today=date(2025, 3, 20), gateway=OK
    )
    loan.refresh_from_db()
    assert loan.status == LoanStatus.SETTLED and loan.principal_balance == Decimal("0")
    assert moves(LoanContractChange.objects.filter(contract=loan)) == [
        ("", "applying"),
        ("applying", "disbursed"),
        ("disbursed", "settled"),
    ]
    assert not Instalment.objects.filter(contract=loan, status__in=["due", "overdue"]).exists()
