"""The withdrawal types beyond 租房提取: eligibility, amounts, and what approval does to the account."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from deposits.models import AccountStatus, EntryKind, LedgerEntry, PersonalAccount, SealReason
from deposits.selectors import account_ledger_sum
from gjj_portal.bank import SandboxBankGateway
from loans.models import CommercialLoan
from loans.services import instalments_collect
from tests.factories import DepositorUserFactory, PersonalAccountFactory, deposit_history
from tests.loans.conftest import make_contract
from withdrawals import payouts
from withdrawals.models import Status, WithdrawalApplication, WithdrawalKind
from withdrawals.review import payout_release, withdrawal_approve
from withdrawals.services import Payee, WithdrawalError, closing_withdrawal_create, loan_withdrawal_create

PAYEE = Payee("工商银行", "6222020200001234567")


def person(id_number, *, today, months=24, **account):
    user = DepositorUserFactory(id_number=id_number, username=id_number)
    acc = PersonalAccountFactory(user=user, id_number=id_number, **account)
    deposit_history(acc, months=months, today=today)
    acc.refresh_from_db()
    return acc


@pytest.fixture
def sealed_disabled(policy, today):
    acc = person("21010219860620204X", today=today)
    PersonalAccount.objects.filter(pk=acc.pk).update(
        status=AccountStatus.SEALED, seal_reason=SealReason.DISABILITY, sealed_on=today - timedelta(days=90)
    )
    acc.refresh_from_db()
    return acc


@pytest.fixture
def leaver(policy, today):
    acc = person("330203198805120011", today=today, household_region="宁波市")
    PersonalAccount.objects.filter(pk=acc.pk).update(
        status=AccountStatus.SEALED, seal_reason=SealReason.MOVED_AWAY, sealed_on=today - timedelta(days=250)
    )
    acc.refresh_from_db()
    return acc


def test_disability_needs_the_sealed_reason_and_materials(sealed_disabled, depositor):
    application = closing_withdrawal_create(
        user=sealed_disabled.user, account=sealed_disabled, kind=WithdrawalKind.DISABILITY, payee=PAYEE
    )
    assert application.status == Status.DRAFT and application.needs_materials
    assert application.amount >= sealed_disabled.balance  # balance plus interest to date
    with pytest.raises(WithdrawalError, match="封存原因为“完全丧失劳动能力”"):
        closing_withdrawal_create(
            user=depositor, account=depositor.account, kind=WithdrawalKind.DISABILITY, payee=PAYEE
        )


def test_a_second_closing_application_is_refused_while_one_is_in_progress(sealed_disabled):
    closing_withdrawal_create(
        user=sealed_disabled.user, account=sealed_disabled, kind=WithdrawalKind.DISABILITY, payee=PAYEE
    )
    with pytest.raises(WithdrawalError, match="正在办理"):
        closing_withdrawal_create(
            user=sealed_disabled.user, account=sealed_disabled, kind=WithdrawalKind.DISABILITY, payee=PAYEE
        )


def test_retirement_reached_needs_no_upload_and_not_reached_asks_for_proof(policy, today, depositor):
    retired = person("210103196503150029", today=today)  # 李秀兰, born 1965-03
    application = closing_withdrawal_create(
        user=retired.user, account=retired, kind=WithdrawalKind.RETIREMENT, payee=PAYEE
    )
    assert application.status == Status.SUBMITTED and not application.needs_materials
    young = closing_withdrawal_create(
        user=depositor, account=depositor.account, kind=WithdrawalKind.RETIREMENT, payee=PAYEE
    )
    assert young.status == Status.DRAFT and young.needs_materials  # 张伟, born 1990: proof required


def test_leaving_needs_six_months_sealed_and_a_household_elsewhere(leaver, today):
    application = closing_withdrawal_create(user=leaver.user, account=leaver, kind=WithdrawalKind.LEAVING, payee=PAYEE)
    assert application.status == Status.SUBMITTED
    PersonalAccount.objects.filter(pk=leaver.pk).update(sealed_on=today - timedelta(days=100))
    WithdrawalApplication.objects.all().delete()
    with pytest.raises(WithdrawalError, match="封存满6个月"):
        closing_withdrawal_create(user=leaver.user, account=leaver, kind=WithdrawalKind.LEAVING, payee=PAYEE)
    PersonalAccount.objects.filter(pk=leaver.pk).update(
        sealed_on=today - timedelta(days=250), household_region="沈阳市"
    )
    with pytest.raises(WithdrawalError, match="户籍在本市"):
        closing_withdrawal_create(user=leaver.user, account=leaver, kind=WithdrawalKind.LEAVING, payee=PAYEE)


def test_approving_a_closing_withdrawal_posts_interest_takes_everything_and_closes_the_account(
    leaver, reviewer, releaser, today
):
    application = closing_withdrawal_create(user=leaver.user, account=leaver, kind=WithdrawalKind.LEAVING, payee=PAYEE)
    withdrawal_approve(application_id=application.pk, reviewer=reviewer)
    leaver.refresh_from_db()
    application.refresh_from_db()
    assert leaver.balance == 0 and leaver.status == AccountStatus.WITHDRAWN and leaver.status_code == "05"
    closing = LedgerEntry.objects.get(account=leaver, kind=EntryKind.CLOSING_WITHDRAWAL)
    assert closing.kind_code == "12" and -closing.amount == application.amount
    interest = LedgerEntry.objects.filter(account=leaver, kind=EntryKind.INTEREST)
    assert sum(e.amount for e in interest) == application.amount - Decimal("46080.00")
    assert account_ledger_sum(account=leaver) == 0
    # A closed account accepts no further withdrawal of any kind.
    with pytest.raises(WithdrawalError, match="已销户"):
        closing_withdrawal_create(user=leaver.user, account=leaver, kind=WithdrawalKind.RETIREMENT, payee=PAYEE)
    # A payout the bank finally refuses puts the money back and reopens the account as it was.
    payout_release(application_id=application.pk, releaser=releaser)
    payouts.payout_execute(payout_id=application.payout.pk, gateway=SandboxBankGateway(failure_rate=1.0))
    leaver.refresh_from_db()
    assert leaver.status == AccountStatus.SEALED and leaver.balance == application.amount


def test_commercial_loan_withdrawal_for_the_main_borrower_up_to_a_years_repayments(depositor, other_depositor, today):
    loan = CommercialLoan.objects.create(
        material_no="SD1",
        borrower=depositor.account,
        lender="建设银行",
        contract_no="C1",
        amount=Decimal("800000"),
        term_months=360,
        start_on=today - timedelta(days=800),
        monthly_payment=Decimal("3000.00"),
        house_address="沈阳市",
    )
    with pytest.raises(WithdrawalError, match="不能超过本次可提取金额 36,000.00"):
        loan_withdrawal_create(
            user=depositor,
            account=depositor.account,
            kind=WithdrawalKind.COMMERCIAL_LOAN,
            loan=loan,
            payee=PAYEE,
            amount=Decimal("36000.01"),
        )
    application = loan_withdrawal_create(
        user=depositor,
        account=depositor.account,
        kind=WithdrawalKind.COMMERCIAL_LOAN,
        loan=loan,
        payee=PAYEE,
        amount=Decimal("36000.00"),
    )
    assert application.status == Status.SUBMITTED and application.commercial_loan == loan
    with pytest.raises(WithdrawalError, match="每年限1次"):
        loan_withdrawal_create(
            user=depositor,
            account=depositor.account,
            kind=WithdrawalKind.COMMERCIAL_LOAN,
            loan=loan,
            payee=PAYEE,
            amount=Decimal("100.00"),
        )
    with pytest.raises(WithdrawalError, match="主贷人"):
        loan_withdrawal_create(
            user=other_depositor,
            account=other_depositor.account,
            kind=WithdrawalKind.COMMERCIAL_LOAN,
            loan=loan,
            payee=PAYEE,
            amount=Decimal("1"),
        )


def test_hpf_loan_withdrawal_up_to_the_years_instalments_and_refused_when_overdue(depositor, today):
    loan = make_contract(depositor.account, disbursed_on=today - timedelta(days=200), contract_no="JKHPF")
    instalments_collect(on=today - timedelta(days=1), gateway=SandboxBankGateway(failure_rate=0.0))
    paid = sum(r.amount for r in loan.repayments.all())
    assert paid > 0
    with pytest.raises(WithdrawalError, match="不能超过"):
        loan_withdrawal_create(
            user=depositor,
            account=depositor.account,
            kind=WithdrawalKind.HPF_LOAN,
            loan=loan,
            payee=PAYEE,
            amount=paid + Decimal("0.01"),
        )
    overdue = make_contract(
        depositor.account, disbursed_on=today - timedelta(days=100), contract_no="JKLATE", card="6217000040000000"
    )
    instalments_collect(on=today - timedelta(days=1), gateway=SandboxBankGateway(failure_rate=0.0))
    with pytest.raises(WithdrawalError, match="逾期"):
        loan_withdrawal_create(
            user=depositor,
            account=depositor.account,
            kind=WithdrawalKind.HPF_LOAN,
            loan=overdue,
            payee=PAYEE,
            amount=Decimal("100.00"),
        )
    application = loan_withdrawal_create(
        user=depositor, account=depositor.account, kind=WithdrawalKind.HPF_LOAN, loan=loan, payee=PAYEE, amount=paid
    )
    assert application.status == Status.SUBMITTED and application.reason_code == "06"


def test_apply_pages_through_the_url(client, leaver, depositor):
    client.force_login(leaver.user)
    url = reverse("withdrawals:apply", args=["leaving"])
    page = client.get(url, {"compute": "1"}).content.decode()
    assert 'data-testid="computed"' in page and "提交申请" in page
    # A card that fails the Luhn check is caught on the form, kept as typed, and nothing is saved ...
    mistyped = {"bank": "工商银行", "card_number": "6222 0202 0000 1234 567", "pledge": "on"}
    response = client.post(url, mistyped)
    page = response.content.decode()
    assert response.status_code == 200 and "可能有一位输错了" in page and "6222 0202 0000 1234 567" in page
    assert 'name="card_confirmed"' in page and "12329" in page
    assert not WithdrawalApplication.objects.filter(account=leaver).exists()
    # ... until the person confirms the number (some real cards fail the check): then it goes in, marked.
    response = client.post(url, {**mistyped, "card_confirmed": "on"})
    application = WithdrawalApplication.objects.get(account=leaver)
    assert response.status_code == 302 and application.kind == WithdrawalKind.LEAVING
    assert application.card_number == "6222020200001234567" and not application.card_luhn_ok
    client.force_login(depositor)
    page = client.get(reverse("withdrawals:apply", args=["disability"])).content.decode()
    assert 'data-testid="ineligible"' in page and "封存原因" in page
    assert client.get(reverse("withdrawals:apply", args=["nonsense"])).status_code == 404


def test_hpf_lookup_of_someone_elses_contract_finds_nothing(client, depositor, other_depositor, today):
    make_contract(other_depositor.account, disbursed_on=today - timedelta(days=60), contract_no="JKOTHER")
    client.force_login(depositor)
    page = client.get(reverse("withdrawals:apply", args=["hpf_loan"]), {"material_no": "JKOTHER"}).content.decode()
    assert "未查询到" in page and "JKOTHER" not in page.split("未查询到")[1][:200]
    response = client.post(
        reverse("withdrawals:apply", args=["hpf_loan"]),
        {
            "material_no": "JKOTHER",
            "amount": "100",
            "bank": "工商银行",
            "card_number": "6222020200001234567",
            "pledge": "on",
        },
    )
    assert "请先点击“查询材料号”" in response.content.decode()
    assert not WithdrawalApplication.objects.exists()


def test_the_upload_page_asks_for_the_kinds_own_materials_and_shows_the_reviewers_request(
    client, sealed_disabled, reviewer
):
    from django.urls import reverse

    from withdrawals.review import withdrawal_request_materials

    application = closing_withdrawal_create(
        user=sealed_disabled.user, account=sealed_disabled, kind=WithdrawalKind.DISABILITY, payee=PAYEE
    )
    client.force_login(sealed_disabled.user)
    url = reverse("withdrawals:materials", args=[application.public_id])
    page = client.get(url).content.decode()
    assert "完全丧失劳动能力鉴定结论书" in page and "租房合同" not in page
    assert 'data-testid="materials-asked"' not in page

    Material = application.materials.model
    Material.objects.create(application=application, file="materials/x.png", original_name="x.png",
                            content_type="image/png", size=1)  # fmt: skip
    WithdrawalApplication.objects.filter(pk=application.pk).update(status=Status.SUBMITTED)
    withdrawal_request_materials(
        application_id=application.pk, reviewer=reviewer, reason="鉴定结论书不清晰，请重新拍摄"
    )
    page = client.get(url).content.decode()
    assert "中心要求补充材料：</strong>鉴定结论书不清晰，请重新拍摄" in page
