"""委托提取 (#15 item 2): a monthly standing instruction pays each month once, through the same rules and
payout path as a one-off application, keeps the reserve balance, and tells the depositor."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from deposits.models import EntryKind, LedgerEntry, PersonalAccount
from gjj_portal.months import month_start
from loans.demo import seed_loans
from loans.models import CommercialLoan, LoanContract
from messages_center.models import Message
from tests.factories import PersonalAccountFactory, deposit_history
from withdrawals.models import Payout, StandingInstruction, StandingRun, Status, WithdrawalApplication, WithdrawalKind
from withdrawals.services import WithdrawalError
from withdrawals.standing import StandingTerms, standing_cancel, standing_sign, standing_withdrawals_run

CARD = "6217000010001234"


@pytest.fixture
def borrower(policy, today):
    """Like 刘强: 24 months of deposits, an HPF loan in repayment and a commercial loan."""
    account = PersonalAccountFactory(name="刘强", user__full_name="刘强")
    deposit_history(account, months=24, today=today)
    seed_loans(account, today)
    account.refresh_from_db()
    return account


def run_day(today):
    """A day on or after the policy's day (5th) in this month."""
    return date(today.year, today.month, 10)


def sign_hpf(account):
    contract = LoanContract.objects.get(contract_no="JK2101202406200001")
    terms = StandingTerms(kind=WithdrawalKind.HPF_LOAN, bank="建设银行", card_number=CARD, loan=contract)
    return standing_sign(user=account.user, account=account, terms=terms), contract


def test_a_month_pays_the_months_instalment_once_and_a_second_run_pays_nothing(borrower, today):
    instruction, contract = sign_hpf(borrower)
    day = run_day(today)
    month = month_start(day)
    due = contract.schedule.get(due_on__gte=month, due_on__lt=month_start(day, 1)).payment
    balance = borrower.balance

    first = standing_withdrawals_run(today=day)
    second = standing_withdrawals_run(today=day)
    call_command("run_standing_withdrawals", "--date", day.isoformat(), stdout=open("/dev/null", "w"))

    assert (first.paid, first.skipped) == (1, 0) and (second.paid, second.skipped, second.already) == (0, 0, 0)
    run = StandingRun.objects.get(instruction=instruction)
    application = run.application
    assert run.month == month and run.amount == due == application.amount
    assert application.kind == WithdrawalKind.HPF_LOAN and application.loan_contract == contract
    assert application.status == Status.APPROVED and application.review_opinion == "按委托提取协议自动审核"
    payout = Payout.objects.get(application=application)
    assert payout.status == Payout.State.PENDING and payout.card_number == CARD and payout.released_by is None
    entry = LedgerEntry.objects.get(account=borrower, kind=EntryKind.PARTIAL_WITHDRAWAL, reference=application.number)
    assert entry.amount == -due
    assert PersonalAccount.objects.get(pk=borrower.pk).balance == balance - due
    assert Message.objects.filter(recipient=borrower.user, title__contains="委托提取").count() == 2  # signed, paid


def test_nothing_runs_before_the_policys_day(borrower, today):
    sign_hpf(borrower)
    assert standing_withdrawals_run(today=date(today.year, today.month, 4)).paid == 0
    assert not StandingRun.objects.exists()


def test_the_reserve_balance_is_kept_and_a_skipped_month_says_why(borrower, today, policy):
    sign_hpf(borrower)
    from policy.center import current_policy

    reserve = current_policy().min_balance_after_withdrawal
    PersonalAccount.objects.filter(pk=borrower.pk).update(balance=reserve)  # nothing above the reserve
    result = standing_withdrawals_run(today=run_day(today))
    run = StandingRun.objects.get()
    assert result.skipped == 1 and run.outcome == "skipped" and "最低留存" in run.reason
    assert not WithdrawalApplication.objects.exists()
    assert Message.objects.filter(recipient=borrower.user, title__endswith="未执行", body=run.reason).exists()


def test_a_partial_month_takes_what_is_above_the_reserve(borrower, today):
    from policy.center import current_policy

    sign_hpf(borrower)
    reserve = current_policy().min_balance_after_withdrawal
    # The ledger stays the truth: take the balance down with a real withdrawal entry first.
    from deposits.services import ledger_post

    ledger_post(
        account=borrower,
        kind=EntryKind.PARTIAL_WITHDRAWAL,
        amount=-(borrower.balance - reserve - Decimal("100.00")),
        reference="TQTEST",
        occurred_on=today,
        memo="测试",
    )
    standing_withdrawals_run(today=run_day(today))
    assert StandingRun.objects.get().amount == Decimal("100.00")
    assert PersonalAccount.objects.get(pk=borrower.pk).balance == reserve


def test_a_cancelled_instruction_pays_no_later_month(borrower, today):
    instruction, _ = sign_hpf(borrower)
    standing_cancel(instruction_id=instruction.pk, user=borrower.user)
    assert standing_withdrawals_run(today=run_day(today)).paid == 0
    instruction.refresh_from_db()
    assert instruction.status == "cancelled" and instruction.changes.count() == 2
    with pytest.raises(Exception, match="不能"):
        standing_cancel(instruction_id=instruction.pk, user=borrower.user)


def test_one_live_instruction_per_kind(borrower):
    sign_hpf(borrower)
    with pytest.raises(WithdrawalError, match="已签订此类委托提取协议"):
        sign_hpf(borrower)


def test_the_months_do_not_count_against_the_years_one_off_limit(borrower, today, client):
    sign_hpf(borrower)
    standing_withdrawals_run(today=run_day(today))
    from withdrawals.selectors import withdrawals_this_year

    assert withdrawals_this_year(account=borrower, kind=WithdrawalKind.HPF_LOAN, today=today) == 0


def test_a_commercial_loan_instruction_pays_its_monthly_payment(borrower, today):
    loan = CommercialLoan.objects.get(borrower=borrower)
    terms = StandingTerms(kind=WithdrawalKind.COMMERCIAL_LOAN, bank="建设银行", card_number=CARD, loan=loan)
    standing_sign(user=borrower.user, account=borrower, terms=terms)
    standing_withdrawals_run(today=run_day(today))
    assert StandingRun.objects.get().amount == loan.monthly_payment


def test_a_rent_instruction_pays_the_months_rent_within_the_cap_and_blocks_one_offs(depositor, today):
    from withdrawals.services import RentRequest, rent_withdrawal_create

    account = depositor.account
    terms = StandingTerms(
        kind=WithdrawalKind.RENT,
        bank="建设银行",
        card_number=CARD,
        monthly_rent=Decimal("5000.00"),
        region="沈阳市",
        address="沈阳市和平区南京北街1号",
    )
    standing_sign(user=depositor, account=account, terms=terms)
    standing_withdrawals_run(today=run_day(today))
    from policy.center import current_policy

    run = StandingRun.objects.get()
    assert run.amount == min(Decimal("5000.00"), current_policy().rent_monthly_cap)
    assert run.application.rental.start_month == run.application.rental.end_month == today.month
    with pytest.raises(WithdrawalError, match="按月租房委托提取"):
        rent_withdrawal_create(
            user=depositor,
            account=account,
            request=RentRequest("沈阳市", "x", today.year, 1, 1, Decimal("100"), "建设银行", CARD, Decimal("100")),
        )


def test_a_card_in_its_cooling_off_skips_the_month(borrower, today):
    sign_hpf(borrower)
    PersonalAccount.objects.filter(pk=borrower.pk).update(
        payee_bank="建设银行", payee_card=CARD, payee_card_since=timezone.now() - timedelta(hours=1)
    )
    standing_withdrawals_run(today=run_day(today))
    assert "须满24小时" in StandingRun.objects.get().reason


def test_the_page_signs_lists_and_cancels(client, borrower, today):
    client.force_login(borrower.user)
    url = reverse("withdrawals:standing")
    page = client.get(url).content.decode()
    assert "偿还公积金贷款（合同 JK2101202406200001" in page and "偿还商业贷款" in page
    refused = client.post(url, {"purpose": "hpf:JK2101202406200001", "bank": "建设银行", "card_number": CARD})
    assert "请阅读并勾选授权承诺" in refused.content.decode() and not StandingInstruction.objects.exists()
    data = {"purpose": "hpf:JK2101202406200001", "bank": "建设银行", "card_number": CARD, "pledge": "on"}
    page = client.post(url, data, follow=True).content.decode()
    instruction = StandingInstruction.objects.get()
    assert f"委托提取协议 {instruction.number} 已签订" in page and "生效中" in page
    rent_missing = client.post(url, {"purpose": "rent", "bank": "建设银行", "card_number": CARD, "pledge": "on"})
    assert "按月租房提取请填写月租金" in rent_missing.content.decode()
    other = PersonalAccountFactory()
    client.force_login(other.user)
    assert client.post(reverse("withdrawals:standing_cancel", args=[instruction.public_id])).status_code == 404
    client.force_login(borrower.user)
    page = client.post(reverse("withdrawals:standing_cancel", args=[instruction.public_id]), follow=True)
    assert "已撤销" in page.content.decode()
