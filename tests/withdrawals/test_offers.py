"""我现在能办什么: for each demo person, each figure on the home page is what the form would allow — the
figure passes the form, one fen more is refused — and each "暂不可办" is the form's own refusal."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from deposits.models import PersonalAccount
from policy.center import current_policy
from withdrawals.forms import ClosingWithdrawalForm, LoanWithdrawalForm, RentWithdrawalForm
from withdrawals.models import WithdrawalKind
from withdrawals.offers import withdrawal_offers
from withdrawals.selectors import commercial_loans_of, hpf_loans_repaying
from withdrawals.services import closing_amount

DEMO = ["210102199001011237", "210103196503150029", "21010219860620204X", "210204197108083010", "330203198805120011"]
FEN = Decimal("0.01")


def payee(account):
    if account.payee_card:
        return {"bank": account.payee_bank, "card_number": account.payee_card, "pledge": "on"}
    return {"bank": "建设银行", "card_number": "6217000010001234", "pledge": "on"}


def rent_form(account, amount):
    year = timezone.localdate().year
    data = {
        "region": current_policy().local_region,
        "address": "和平区某小区1号",
        "start_month": f"{year}-01",
        "end_month": f"{year}-12",
        "monthly_rent": "99999",
        "amount": str(amount),
        **payee(account),
    }
    return RentWithdrawalForm(data, account=account, policy=current_policy())


def loan_form(account, kind, number, amount):
    if kind == WithdrawalKind.HPF_LOAN:
        loan = next(c for c in hpf_loans_repaying(account=account) if c.contract_no == number)
    else:
        loan = next(c for c in commercial_loans_of(account=account) if c.material_no == number)
    data = {"amount": str(amount), **payee(account)}
    return LoanWithdrawalForm(data, account=account, policy=current_policy(), kind=kind, loan=loan)


def refusals(form):
    assert not form.is_valid()
    return " ".join(e for errors in form.errors.values() for e in errors)


@pytest.mark.parametrize("id_number", DEMO)
def test_each_figure_is_what_the_form_allows(demo_world, client, id_number):
    account = PersonalAccount.objects.get(id_number=id_number)
    offers = withdrawal_offers(account=account)
    assert {o.kind for o in offers} >= {k.value for k in WithdrawalKind} | {"standing"}
    client.force_login(account.user)
    home = client.get(reverse("home")).content.decode()
    for offer in offers:
        assert offer.text in home, offer
        if offer.kind == WithdrawalKind.RENT:
            if offer.ok:
                assert rent_form(account, offer.most).is_valid()
                assert "不能超过本次可提取金额" in refusals(rent_form(account, offer.most + FEN))
            else:
                assert offer.text in refusals(rent_form(account, "1.00"))
        elif offer.kind in (WithdrawalKind.HPF_LOAN, WithdrawalKind.COMMERCIAL_LOAN):
            number = offer.url.split("material_no=")[1].split("&")[0] if "material_no=" in offer.url else None
            if number is None:  # no loan of that kind: nothing to choose on the form either
                assert not offer.ok
                continue
            if offer.ok:
                assert loan_form(account, offer.kind, number, offer.most).is_valid()
                assert "不能超过" in refusals(loan_form(account, offer.kind, number, offer.most + FEN))
                # The page opened from the offer has the number and the figure filled in.
                page = client.get(offer.url).content.decode()
                assert f'value="{number}"' in page and f'value="{offer.most}"' in page
            else:
                assert offer.text in refusals(loan_form(account, offer.kind, number, "1.00"))
        elif offer.kind in (WithdrawalKind.RETIREMENT, WithdrawalKind.DISABILITY, WithdrawalKind.LEAVING):
            form = ClosingWithdrawalForm(payee(account), account=account, policy=current_policy(), kind=offer.kind)
            if offer.ok:
                assert form.is_valid() and offer.most == closing_amount(account=account, today=timezone.localdate())
            else:
                assert offer.text in refusals(form)


def test_the_demo_people_see_what_the_spec_says_they_can_do(demo_world):
    def ok(id_number):
        account = PersonalAccount.objects.get(id_number=id_number)
        return {o.kind for o in withdrawal_offers(account=account) if o.ok}

    assert WithdrawalKind.RENT in ok("210102199001011237")  # 张伟 rents in Shenyang
    assert WithdrawalKind.RETIREMENT in ok("210103196503150029")  # 李秀兰 has retired
    assert WithdrawalKind.DISABILITY in ok("21010219860620204X")  # 王芳: 封存, 完全丧失劳动能力
    assert {WithdrawalKind.HPF_LOAN, WithdrawalKind.COMMERCIAL_LOAN} <= ok("210204197108083010")  # 刘强
    assert WithdrawalKind.DISABILITY not in ok("210102199001011237")


def test_a_card_in_its_cooling_off_is_said_before_any_form_is_filled(demo_world, client):
    account = PersonalAccount.objects.get(id_number="210204197108083010")
    were_ok = {o.label for o in withdrawal_offers(account=account) if o.ok}
    assert len(were_ok) >= 3
    PersonalAccount.objects.filter(pk=account.pk).update(
        payee_bank="建设银行", payee_card="6217000010001234", payee_card_since=timezone.now() - timedelta(hours=1)
    )
    account.refresh_from_db()
    offers = withdrawal_offers(account=account)
    assert not any(o.ok for o in offers) and all("须满24小时" in o.text for o in offers if o.label in were_ok)
    client.force_login(account.user)
    for url in (reverse("withdrawals:standing"), reverse("withdrawals:apply", args=["hpf_loan"])):
        page = client.get(url).content.decode()
        assert 'data-testid="ineligible"' in page and "须满24小时" in page
    assert "须满24小时" in client.get(reverse("home")).content.decode()


def test_an_id_whose_birth_date_cannot_be_read_still_gets_a_home_page(client, depositor):
    PersonalAccount.objects.filter(pk=depositor.account.pk).update(id_number="210102000013451237")
    client.force_login(depositor)
    page = client.get(reverse("home")).content.decode()
    assert "已办理退休手续的，现在上传退休证明即可申请" in page
