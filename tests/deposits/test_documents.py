"""Documents with QR codes (#15): 缴存证明, 结息对账单 and 贷款结清证明 carry a code whose QR opens the public
verification page; the page shows masked data only and is rate-limited."""

import os
import re
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from deposits.models import DepositCertificate, DocumentKind, EntryKind, LedgerEntry
from deposits.selectors import interest_statement
from deposits.services import account_interest_settle
from deposits.views import VERIFY_LOOKUPS_PER_HOUR
from policy.center import current_policy

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def qr_links(pdf_bytes: bytes, tmp_path) -> list[str]:
    """What a phone's camera reads off the PDF's pages (zbarimg, Debian's zbar-tools). The pages are
    kept in test-artifacts/ for a person to look at."""
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(pdf_bytes)
    ARTIFACTS.mkdir(exist_ok=True)
    prefix = ARTIFACTS / f"pdf-{os.environ.get('PYTEST_CURRENT_TEST', 'doc').split('::')[-1].split(' ')[0][:60]}"
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(pdf), str(prefix)], check=True)
    pages = sorted(str(p) for p in ARTIFACTS.glob(f"{prefix.name}-*.png"))
    seen = subprocess.run(["zbarimg", "--quiet", "--raw", *pages], capture_output=True, text=True, check=False)
    return seen.stdout.split()


def pdf_text(pdf_bytes: bytes, tmp_path) -> str:
    pdf = tmp_path / "text.pdf"
    pdf.write_bytes(pdf_bytes)
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _settle(account, today):
    settle_on = date(today.year if (today.month, today.day) >= (6, 30) else today.year - 1, 6, 30)
    interest = account_interest_settle(
        account_id=account.pk, settle_on=settle_on, rates=current_policy().interest_rates
    )
    return settle_on, interest


@pytest.fixture
def client_zw(client, depositor):
    client.force_login(depositor)
    return client


def test_the_certificates_qr_code_opens_the_verification_page_of_that_certificate(
    client_zw, client, depositor, tmp_path
):
    response = client_zw.post(reverse("deposits:certificate"))
    certificate = DepositCertificate.objects.get(account=depositor.account)
    [link] = qr_links(response.content, tmp_path)
    assert link == f"http://testserver{reverse('deposits:verify')}?code={certificate.code}"
    client.logout()
    page = client.get(link.removeprefix("http://testserver")).content.decode()
    assert "该缴存证明真实有效" in page and "张*" in page
    assert depositor.account.grzh not in page and depositor.account.id_number not in page


def test_the_interest_statement_explains_the_posted_interest_and_verifies(
    client_zw, client, depositor, today, tmp_path
):
    account = depositor.account
    assert "尚无年终结息记录" in client_zw.get(reverse("deposits:certificate")).content.decode()
    settle_on, interest = _settle(account, today)
    assert interest > 0
    statement = interest_statement(account=account, settle_on=settle_on, rates=current_policy().interest_rates)
    # The runs the statement shows give exactly the interest 结息 posted.
    assert statement["computed"] == statement["interest"] == interest
    assert statement["closing"] == statement["opening"] + sum(e.amount for e, _ in statement["entries"])
    assert statement["runs"][0].start == date(settle_on.year - 1, 7, 1) and statement["runs"][-1].end == settle_on
    assert statement["entries"][-1][1] == statement["closing"]

    page = client_zw.get(reverse("deposits:certificate")).content.decode()
    assert f"{settle_on.year - 1}—{settle_on.year}年度" in page and "下载结息对账单" in page
    response = client_zw.post(reverse("deposits:certificate"), {"year": str(settle_on.year)})
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    for expected in ("住房公积金结息对账单", "上年结转余额", "积数", f"{interest:,.2f}", account.grzh, "年利率"):
        assert expected in text
    document = DepositCertificate.objects.get(kind=DocumentKind.INTEREST_STATEMENT)
    [link] = qr_links(response.content, tmp_path)
    assert link.endswith(f"?code={document.code}")
    client.logout()
    page = client.get(link.removeprefix("http://testserver")).content.decode()
    assert "该结息对账单真实有效" in page and f"{interest:,.2f}" in page and account.grzh not in page


def test_a_year_without_interest_gets_a_chinese_message_and_issues_nothing(client_zw, depositor, today):
    response = client_zw.post(reverse("deposits:certificate"), {"year": "2019"})
    assert response.status_code == 400 and "该年度尚未结息" in response.content.decode()
    assert not DepositCertificate.objects.exists()


def test_the_statement_leaves_the_interest_entry_out_of_the_years_balances(depositor, today):
    account = depositor.account
    settle_on, interest = _settle(account, today)
    statement = interest_statement(account=account, settle_on=settle_on, rates=current_policy().interest_rates)
    posted = LedgerEntry.objects.get(account=account, kind=EntryKind.INTEREST)
    assert posted.occurred_on == settle_on and posted.amount == interest
    # The last run ends the year at the balance before the interest: the interest earns nothing yet.
    assert statement["runs"][-1].balance == statement["closing"] - interest


def test_a_settled_loans_certificate_carries_a_qr_code_that_verifies(client, policy, today, tmp_path):
    from loans.demo import seed_settled_loan
    from tests.factories import PersonalAccountFactory

    account = PersonalAccountFactory(name="李秀兰", user__full_name="李秀兰")
    seed_settled_loan(account)
    client.force_login(account.user)
    page = client.get(reverse("loans:info")).content.decode()
    assert "已结清" in page and "下载贷款结清证明" in page
    url = reverse("loans:settlement_certificate") + "?contract=JK2101202303150001"
    response = client.post(url)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "住房公积金贷款结清证明" in text and "JK2101202303150001" in text and "60,000.00" in text
    assert "2024年03月15日" in text  # settled on the last instalment's date, not the day it was recorded
    [link] = qr_links(response.content, tmp_path)
    client.logout()
    page = client.get(link.removeprefix("http://testserver")).content.decode()
    assert "该贷款结清证明真实有效" in page and "JK2101202303150001" in page and "李*" in page


def test_a_loan_not_yet_settled_gets_no_certificate(client, policy, today):
    from loans.demo import seed_loans
    from tests.factories import PersonalAccountFactory

    account = PersonalAccountFactory(name="刘强", user__full_name="刘强")
    seed_loans(account, today)
    client.force_login(account.user)
    response = client.post(reverse("loans:settlement_certificate") + "?contract=JK2101202406200001", follow=True)
    assert "尚未结清" in response.content.decode()
    assert not DepositCertificate.objects.exists()


def test_the_verification_page_is_rate_limited_per_address(client, depositor):
    for _ in range(VERIFY_LOOKUPS_PER_HOUR):
        assert client.get(reverse("deposits:verify"), {"code": "AAAA-BBBB-CCCC-DDDD"}).status_code == 200
    response = client.get(reverse("deposits:verify"), {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert response.status_code == 429 and "核验次数过多" in response.content.decode()


def test_codes_are_long_and_unpredictable():
    from gjj_portal.pdf import document_code

    codes = {document_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(re.fullmatch(r"[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}", c) for c in codes)
    # Every one of the 32 symbols turns up (16 of 32 per code: 80 bits), none of the look-alikes 0, O, 1, I.
    assert set("".join(codes).replace("-", "")) == set("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")


def test_a_closing_withdrawals_interest_is_not_a_statement_year(depositor, today):
    from deposits.selectors import interest_settled_years
    from deposits.services import ledger_post

    account = depositor.account
    ledger_post(
        account=account,
        kind=EntryKind.INTEREST,
        amount=Decimal("12.34"),
        reference="JXTQ2026111200000001",
        occurred_on=today,
        memo="销户结息",
    )
    assert interest_settled_years(account=account) == []
    settle_on, _ = _settle(account, today)
    assert interest_settled_years(account=account) == [settle_on]
