"""A randomized run of many applications, approvals, rejections, releases, bank refusals, timeouts,
duplicate deliveries and sweeps; after every step the books must balance and nothing be paid twice."""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from hypothesis import HealthCheck, note
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from deposits.models import EntryKind, PersonalAccount
from deposits.selectors import accounts_out_of_balance
from deposits.services import account_lock, ledger_post
from gjj_portal.bank import SandboxBankGateway
from gjj_portal.models import SandboxTransfer
from loans.models import CommercialLoan
from tests.factories import PersonalAccountFactory, StaffUserFactory, deposit_history
from withdrawals import payouts
from withdrawals.models import Payout, Status, WithdrawalApplication, WithdrawalKind
from withdrawals.review import payout_release, withdrawal_approve, withdrawal_reject
from withdrawals.services import Payee, WithdrawalError, loan_withdrawal_create, rent_withdrawal_create

from .helpers import rent_request

GATEWAYS = {
    "ok": SandboxBankGateway(failure_rate=0.0, timeout_rate=0.0),
    "refuse": SandboxBankGateway(failure_rate=1.0, timeout_rate=0.0),
    "timeout": SandboxBankGateway(failure_rate=0.0, timeout_rate=1.0),
}
amounts = st.decimals(min_value=Decimal("1.00"), max_value=Decimal("4000.00"), places=2)


def exists(**filters):
    return lambda self: hasattr(self, "accounts") and WithdrawalApplication.objects.filter(**filters).exists()


class Withdrawals(RuleBasedStateMachine):
    @initialize()
    def world(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()  # each example runs in a savepoint that teardown rolls back
        today = timezone.localdate()
        self.accounts = []
        for _ in range(2):
            account = PersonalAccountFactory()
            deposit_history(account, months=4, today=today)
            CommercialLoan.objects.create(
                material_no=f"SD{account.pk}",
                borrower=account,
                lender="建设银行",
                contract_no=f"C{account.pk}",
                amount=Decimal("500000"),
                term_months=360,
                start_on=today - timedelta(days=400),
                monthly_payment=Decimal("2000.00"),
                house_address="沈阳市",
            )
            self.accounts.append(account)
        self.reviewer, self.releaser = StaffUserFactory(), StaffUserFactory()
        self.deposited = {a.pk: a.balance for a in self.accounts}

    def teardown(self):
        if hasattr(self, "atomic"):
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

    def _pick(self, index, **filters):
        rows = list(WithdrawalApplication.objects.filter(**filters).order_by("pk").values_list("pk", flat=True))
        return rows[index % len(rows)] if rows else None

    @rule(who=st.integers(0, 1), months=st.integers(1, 6), amount=amounts)
    def apply_rent(self, who, months, amount):
        account = self.accounts[who]
        try:
            rent_withdrawal_create(
                user=account.user,
                account=account,
                request=rent_request(end_month=months, amount=min(amount, Decimal("1200") * months)),
            )
        except WithdrawalError as exc:
            note(f"rent refused: {exc}")

    @rule(who=st.integers(0, 1), amount=amounts)
    def apply_commercial(self, who, amount):
        account = self.accounts[who]
        loan = CommercialLoan.objects.get(borrower=account)
        try:
            loan_withdrawal_create(
                user=account.user,
                account=account,
                kind=WithdrawalKind.COMMERCIAL_LOAN,
                loan=loan,
                payee=Payee("建设银行", "6217000010001234"),
                amount=amount,
            )
        except WithdrawalError as exc:
            note(f"commercial refused: {exc}")

    @rule(who=st.integers(0, 1), amount=amounts)
    def deposit(self, who, amount):
        with transaction.atomic():
            account = account_lock(account_id=self.accounts[who].pk)
            ledger_post(
                account=account,
                kind=EntryKind.SUPPLEMENTARY,
                amount=amount,
                reference=f"BJ{timezone.now().timestamp()}",
                occurred_on=timezone.localdate(),
            )
        self.deposited[account.pk] += amount

    @precondition(exists(status=Status.SUBMITTED))
    @rule(i=st.integers(0, 50))
    def approve(self, i):
        if (pk := self._pick(i, status=Status.SUBMITTED)) is not None:
            try:
                withdrawal_approve(application_id=pk, reviewer=self.reviewer)
            except WithdrawalError as exc:
                note(f"approve refused: {exc}")

    @precondition(exists(status=Status.APPROVED))
    @rule(i=st.integers(0, 50))
    def approve_twice(self, i):
        if (pk := self._pick(i, status=Status.APPROVED)) is not None:
            with pytest.raises(WithdrawalError):
                withdrawal_approve(application_id=pk, reviewer=self.reviewer)

    @precondition(exists(status=Status.SUBMITTED))
    @rule(i=st.integers(0, 50))
    def reject(self, i):
        if (pk := self._pick(i, status=Status.SUBMITTED)) is not None:
            withdrawal_reject(application_id=pk, reviewer=self.reviewer, opinion="材料不符")

    @precondition(exists(payout__status=Payout.State.HELD))
    @rule(i=st.integers(0, 50), same_person=st.booleans())
    def release(self, i, same_person):
        if (pk := self._pick(i, payout__status=Payout.State.HELD)) is not None:
            with mock.patch("withdrawals.tasks.payout_send.delay"):
                if same_person:
                    with pytest.raises(WithdrawalError):
                        payout_release(application_id=pk, releaser=self.reviewer)
                else:
                    payout_release(application_id=pk, releaser=self.releaser)

    @precondition(exists(payout__status__in=[Payout.State.PENDING, Payout.State.PAID]))
    @rule(i=st.integers(0, 50), bank=st.sampled_from(sorted(GATEWAYS)))
    def pay(self, i, bank):
        payout = Payout.objects.filter(status__in=[Payout.State.PENDING, Payout.State.PAID]).order_by("pk")
        if payout.exists():
            target = payout[i % payout.count()]
            try:
                payouts.payout_execute(payout_id=target.pk, gateway=GATEWAYS[bank])
            except payouts.PayoutRetry:
                note("bank timed out")

    @precondition(exists(payout__status=Payout.State.PENDING))
    @rule()
    def worker_dies_after_claiming(self):
        # A worker claimed a payout and vanished: it stays `sending` until the sweeper's time comes.
        first = Payout.objects.filter(status=Payout.State.PENDING).order_by("pk").values_list("pk", flat=True)[:1]
        Payout.objects.filter(pk__in=list(first)).update(status=Payout.State.SENDING, claimed_at=timezone.now())

    @rule()
    def sweep(self):
        later = timezone.now() + timedelta(seconds=settings.GJJ_PAYOUT_STALE_SECONDS + 1)
        with mock.patch("withdrawals.tasks.payout_send.delay") as delay:
            payouts.payout_sweep(now=later)
        for (payout_id,), _ in delay.call_args_list:
            try:
                payouts.payout_execute(payout_id=payout_id, gateway=GATEWAYS["ok"])
            except payouts.PayoutRetry:
                pass

    @invariant()
    def books_balance(self):
        if hasattr(self, "accounts"):
            assert not accounts_out_of_balance().exists()
            assert not PersonalAccount.objects.filter(balance__lt=0).exists()

    @invariant()
    def nothing_is_paid_twice_and_nothing_lost(self):
        if not hasattr(self, "accounts"):
            return
        assert not SandboxTransfer.objects.values("idempotency_key").annotate(n=Count("id")).filter(n__gt=1).exists()
        for payout in Payout.objects.all():
            accepted = SandboxTransfer.objects.filter(idempotency_key=str(payout.idempotency_key), accepted=True)
            if payout.status == Payout.State.PAID:
                assert accepted.count() == 1
            if payout.status == Payout.State.FAILED:
                assert not accepted.exists()
        # Whatever keys were used: the bank never accepted more money than the payouts that are not failed.
        sent = sum(SandboxTransfer.objects.filter(accepted=True).values_list("amount", flat=True), Decimal("0"))
        owed = sum(Payout.objects.exclude(status=Payout.State.FAILED).values_list("amount", flat=True), Decimal("0"))
        assert sent <= owed
        for account in self.accounts:
            taken = sum(
                WithdrawalApplication.objects.filter(account=account)
                .filter(Q(status__in=[Status.APPROVED, Status.PAYING, Status.PAID]))
                .values_list("amount", flat=True),
                Decimal("0"),
            )
            assert PersonalAccount.objects.get(pk=account.pk).balance == self.deposited[account.pk] - taken


Withdrawals.TestCase.settings = hsettings(
    max_examples=40,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
def test_randomized_withdrawals_keep_the_books(policy):
    Withdrawals.TestCase().runTest()
