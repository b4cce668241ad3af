"""Every depositor URL that takes an identifier answers 404 for another person's object.

The test walks the URL conf: a new URL with an identifier fails here until it is listed in OWNED."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from messages_center.services import message_send
from tests.withdrawals.helpers import submitted_rent
from withdrawals.models import Material

# url name → how to make an object of `owner` that the URL addresses
OWNED = {
    "withdrawals:detail": lambda owner: submitted_rent(owner, region="大连市"),
    "withdrawals:materials": lambda owner: submitted_rent(owner, region="大连市"),
    "withdrawals:done": lambda owner: submitted_rent(owner, region="大连市"),
    "withdrawals:withdraw": lambda owner: submitted_rent(owner, region="大连市"),
    "withdrawals:material_file": lambda owner: Material.objects.create(
        application=submitted_rent(owner, region="大连市"),
        file="materials/x.png",
        original_name="x.png",
        content_type="image/png",
        size=1,
    ),
    "messages_center:detail": lambda owner: message_send(recipient=owner, business="测试", title="t", body="b"),
    "messages_center:mark_read": lambda owner: message_send(recipient=owner, business="测试", title="t", body="b"),
    "messages_center:delete": lambda owner: message_send(recipient=owner, business="测试", title="t", body="b"),
    "withdrawals:standing_cancel": lambda owner: _standing(owner),
    "crosscenter:transfer_detail": lambda owner: _transfer(owner),
    "crosscenter:transfer_cancel": lambda owner: _transfer(owner),
    "crosscenter:joint_detail": lambda owner: _joint(owner),
    "crosscenter:joint_receipt": lambda owner: _joint(owner),
    "loans:application": lambda owner: _loan(owner),
    "loans:application_contract": lambda owner: _loan(owner),
    "loans:material_file": lambda owner: _loan(owner).materials.first(),
    "consents:end": lambda owner: _consent(owner),
}


def _consent(owner):
    """撤销授权 names the application; the consent withdrawn is only ever the person's own."""
    from types import SimpleNamespace

    from api.services import consent_grant, partner_app_register

    app, _key = partner_app_register(
        name="建行手机银行", organization="建设银行", grants=["account"], rate_per_minute=5
    )
    consent_grant(user=owner, app=app)
    return SimpleNamespace(public_id=app.client_id)


def _loan(owner):
    from tests.loans.loan_helpers import submitted_loan

    return submitted_loan(owner)


def _transfer(owner):
    from crosscenter.transfer import transfer_in_start
    from tests.crosscenter.helpers import partner_with_key

    return transfer_in_start(account=owner.account, partner=partner_with_key()[0])


def _joint(owner):
    from decimal import Decimal

    from crosscenter.models import JointCase
    from tests.crosscenter.helpers import partner_with_key

    return JointCase.objects.create(
        number="2199002611230001", role="acceptance", partner=partner_with_key()[0], name=owner.account.name,
        id_number=owner.account.id_number, phone="13800000001", amount=Decimal("100.00"), bank="建设银行",
        card_number="6217000010001234", account=owner.account,
    )  # fmt: skip


def _standing(owner):
    from decimal import Decimal

    from withdrawals.models import WithdrawalKind
    from withdrawals.standing import StandingTerms, standing_sign

    terms = StandingTerms(
        kind=WithdrawalKind.RENT,
        bank="建设银行",
        card_number="6217000010001234",
        monthly_rent=Decimal("1000.00"),
        region="沈阳市",
        address="沈阳市和平区南京北街1号",
    )
    return standing_sign(user=owner, account=owner.account, terms=terms)


PUBLIC_OR_STAFF = {
    "admin",
    "captcha",
    "api",
}  # api: its own walk, read from its OpenAPI document (tests/api/test_contract.py)
# URLs whose parameter names no one's object (say why)
NOT_AN_OBJECT = {
    "withdrawals:apply": "the withdrawal type",
    "hall:guide": "a service's 办事指南 (public)",
    "hall:notice": "a published 通知公告 (public; a withdrawn or future one answers 404: test_notices)",
    "accounts:sms_report": "the SMS provider's name (its status-report push; heard only from GJJ_SMS_REPORT_NETWORKS)",
}


def identifier_urls(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            if ns in PUBLIC_OR_STAFF or pattern.app_name in PUBLIC_OR_STAFF:
                continue
            yield from identifier_urls(pattern, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern) and pattern.pattern.converters:
            yield f"{namespace}{pattern.name}", list(pattern.pattern.converters)


def test_every_identifier_url_is_covered():
    names = {name for name, _ in identifier_urls()} - set(NOT_AN_OBJECT)
    assert names, "the walk found the URLs"
    missing = names - set(OWNED) - set(EMPLOYER_OWNED)
    assert not missing, f"add these to OWNED (or NOT_AN_OBJECT, saying why): {sorted(missing)}"


# An employer's own objects (单位网厅): another employer's user gets 404.
EMPLOYER_OWNED = ["unit:batch", "unit:batch_notice", "unit:batch_apply", "unit:batch_cancel"]


@pytest.mark.parametrize("name", EMPLOYER_OWNED)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_employers_list_answers_404(client, django_user_model, policy, name, method):
    from deposits import remittance
    from tests.factories import EmployerFactory, PersonalAccountFactory

    owner = EmployerFactory()
    PersonalAccountFactory(employer=owner)
    rows = remittance.monthly_list(employer=owner, period="2026-11")
    batch = remittance.remittance_declare(employer=owner, period="2026-11", rows=rows)
    stranger = django_user_model.objects.create_user("unit6", password="x", role="unit", employer=EmployerFactory())
    client.force_login(stranger)
    response = getattr(client, method)(reverse(name, args=[batch.public_id]))
    assert response.status_code == 404, (name, response.status_code)
    batch.refresh_from_db()
    assert batch.status == "declared"


@pytest.mark.parametrize("name", sorted(OWNED))
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_persons_object_answers_404(client, depositor, other_depositor, name, method):
    obj = OWNED[name](depositor)
    client.force_login(other_depositor)
    response = getattr(client, method)(reverse(name, args=[obj.public_id]))
    assert response.status_code in (404, 405), (name, response.status_code)
    if response.status_code == 405:  # the method is not allowed at all; the other one must be 404
        other = client.post if method == "get" else client.get
        assert other(reverse(name, args=[obj.public_id])).status_code == 404
