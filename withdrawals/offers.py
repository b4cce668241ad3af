"""我现在能办什么: for each kind of withdrawal, the answer the form would give this person now — may they
apply, and for how much at most — each with a link into the form, filled in. The answers come from the
same rules and limits the forms and services use (rules.py, services.loan_withdrawal_limit,
services.closing_problem); nothing here decides on its own."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from deposits.models import PersonalAccount
from policy.center import current_policy

from . import rules
from .models import WithdrawalKind
from .selectors import (
    account_facts,
    closing_application_in_progress,
    commercial_loans_of,
    hpf_loans_repaying,
    rent_facts,
)

CLOSING_ORDER = (WithdrawalKind.RETIREMENT, WithdrawalKind.DISABILITY, WithdrawalKind.LEAVING)  # the 提取 page's


@dataclass(frozen=True)
class Offer:
    kind: str
    label: str
    url: str
    ok: bool
    text: str  # "最多 9,000.00 元" or why not, in the rules' words
    most: Decimal | None = None  # the figure the form would allow (None where it does not apply)
    condition: str = ""  # allowed on a condition the person meets or not (e.g. 须上传退休证明), said instead of ✓


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def person_problem(*, account: PersonalAccount) -> str | None:
    """What stops every withdrawal of this person before anything is typed: the bound card's cooling-off."""
    from .services import bound_card

    policy = current_policy()
    return rules.card_cooling_problem(
        bound=bound_card(account), now=timezone.now(), cooling_hours=policy.card_cooling_hours
    )


def kind_url(kind: str, **query) -> str:
    if kind == WithdrawalKind.RENT:
        base = reverse("withdrawals:rent_new")
    else:
        base = reverse("withdrawals:apply", kwargs={"kind": kind})
    return f"{base}?{urlencode(query)}" if query else base


def _rent(account, today, policy) -> Offer:
    label = WithdrawalKind.RENT.label
    problem = rules.rent_eligibility_problem(rent_facts(account=account, today=today), policy)
    if problem:
        return Offer(WithdrawalKind.RENT, label, kind_url(WithdrawalKind.RENT), False, problem)
    most = rules.rent_most(balance=account.balance, policy=policy)
    text = f"本年度最多可提 {_money(most)} 元（每月不超过{policy.rent_monthly_cap:,.0f}元，按实际月租金计算）"
    return Offer(WithdrawalKind.RENT, label, kind_url(WithdrawalKind.RENT), True, text, most)


def _loans(account, kind, today) -> list[Offer]:
    from .services import loan_withdrawal_limit

    label = WithdrawalKind(kind).label
    if kind == WithdrawalKind.HPF_LOAN:
        loans: list = hpf_loans_repaying(account=account)
        numbers = [loan.contract_no for loan in loans]
        none = "您没有正在还款的住房公积金贷款。"
    else:
        loans = list(commercial_loans_of(account=account))
        numbers = [loan.material_no for loan in loans]
        none = "未查询到您作为主贷人的商业住房贷款记录。"
    if not loans:
        return [Offer(kind, label, kind_url(kind), False, none)]
    offers = []
    for loan, number in zip(loans, numbers, strict=True):
        problem, limit = loan_withdrawal_limit(account=account, kind=kind, loan=loan, today=today)
        url = kind_url(kind, material_no=number, compute=1)
        named = f"{label}（{number}）" if len(loans) > 1 else label
        if problem:
            offers.append(Offer(kind, named, url, False, problem))
        else:
            offers.append(Offer(kind, named, url, True, f"本次可提 {_money(limit)} 元", limit))
    return offers


def _closing(account, kinds, today, policy) -> list[Offer]:
    """The three closing kinds share the facts, the open-application check and the amount (read once)."""
    from .services import closing_amount

    facts = account_facts(account=account, today=today)
    in_progress = closing_application_in_progress(account=account)
    amount = None
    offers = []
    for kind in kinds:
        label = WithdrawalKind(kind).label
        problem = rules.closing_problem(kind=kind, facts=facts, policy=policy, in_progress=in_progress)
        if problem:
            offers.append(Offer(kind, label, kind_url(kind), False, problem))
            continue
        amount = amount if amount is not None else closing_amount(account=account, today=today)
        text, condition = f"可全部提取 {_money(amount)} 元（含利息）并销户", ""
        if rules.closing_needs_materials(kind=kind, facts=facts) and kind == WithdrawalKind.RETIREMENT:
            month, condition = facts.retirement_month, "须上传退休证明"
            when = f"{month.year}年{month.month}月（法定退休年月）起可办；" if month else ""
            text = f"{when}已办理退休手续的，现在上传退休证明即可申请（可提 {_money(amount)} 元，含利息）"
        offers.append(Offer(kind, label, kind_url(kind, compute=1), True, text, amount, condition))
    return offers


def withdrawal_offers(*, account: PersonalAccount, today: date | None = None) -> list[Offer]:
    """Every kind, in the 提取 page's order. A person-wide problem (the card's cooling-off) is each offer's."""
    today = today or timezone.localdate()
    policy = current_policy()
    offers = [_rent(account, today, policy)]
    offers += _loans(account, WithdrawalKind.COMMERCIAL_LOAN, today)
    offers += _loans(account, WithdrawalKind.HPF_LOAN, today)
    offers += _closing(account, CLOSING_ORDER, today, policy)
    standing = "签订协议后每月自动提取，用于付房租或还贷款；可随时撤销"
    offers.append(Offer("standing", "委托提取（按月）", reverse("withdrawals:standing"), True, standing))
    if blocked := person_problem(account=account):
        offers = [Offer(o.kind, o.label, o.url, False, blocked if o.ok else o.text) for o in offers]
    return offers
