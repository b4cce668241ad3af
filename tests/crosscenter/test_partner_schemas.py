"""Hostile messages validly signed by a registered partner: each kind's declared schema answers 400 with the
field at fault before any handler runs, and nothing is written. Then every field of every kind is replaced
by every hostile value, on cases that exist (so a value that passed would reach the handler): 0 × 5xx."""

import base64
import json

import pytest

from crosscenter import schemas, transfer
from crosscenter.messaging import HANDLERS
from crosscenter.models import InboxMessage, JointCase, TransferCase
from deposits.models import LedgerEntry

from .helpers import partner_with_key, post, signed

pytestmark = pytest.mark.django_db

LETTER_IN, LETTER_OUT, NUMBER = "2199002612030001", "4502002612030001", "2199002612030002"


def _valid(account) -> dict[str, dict]:
    scan = {"name": "合同.png", "content_type": "image/png", "data": base64.b64encode(b"\x89PNG").decode()}
    return {
        "joint.submit": {"number": "4502002612030009", "kind": "rent", "name": account.name,
                         "id_number": account.id_number, "phone": "13800000009", "amount": "3000.00",
                         "bank": "工商银行", "card_number": "6222020200001234560",
                         "rent": {"region": "省外", "address": "柳州市示例路", "year": 2026, "start_month": 1,
                                  "end_month": 3, "monthly_rent": "1000.00"},
                         "materials": [scan]},
        "joint.materials": {"number": NUMBER, "materials": [scan]},
        "joint.received": {"number": NUMBER, "due_on": "2026-12-20"},
        "joint.result": {"number": NUMBER, "outcome": "paid", "reason": "", "amount": "100.00"},
        "transfer.letter": {"letter_number": LETTER_OUT, "name": account.name, "id_number": account.id_number,
                            "old_account_number": account.grzh},
        "transfer.received": {"letter_number": LETTER_IN, "due_on": "2026-12-20"},
        "transfer.negotiating": {"letter_number": LETTER_IN, "reason": "姓名不一致"},
        "transfer.refused": {"letter_number": LETTER_IN, "reason": "账户冻结"},
        "transfer.cancel": {"letter_number": LETTER_OUT},
        "transfer.funds": {"letter_number": LETTER_IN, "principal": "1.00", "interest": "0.00", "total": "1.00",
                           "opened_month": "2020-01", "paid_to_month": "2026-10", "loan_count": 0,
                           "continuity": [{"month": "2026-05", "paid": True}]},
        "transfer.credited": {"letter_number": LETTER_OUT, "amount": "1.00"},
        "transfer.credit_failed": {"letter_number": LETTER_OUT, "reason": "账户已销户"},
    }  # fmt: skip


def test_every_kind_a_partner_may_send_has_a_schema_and_a_handler():
    assert set(schemas.SCHEMAS) == set(HANDLERS)


# The probe's causes, one each: (kind, field, value, the field the 400 names).
CAUSES = [
    ("transfer.funds", "loan_count", "x", "loan_count"),
    ("transfer.funds", "principal", "Infinity", "principal"),
    ("transfer.funds", "principal", "NaN", "principal"),
    ("transfer.funds", "opened_month", "0000-01", "opened_month"),
    ("transfer.letter", "name", "张\u0000伟", "name"),
    ("transfer.letter", "name", "\u202e伟张", "name"),
    ("transfer.letter", "letter_number", "", "letter_number"),
    ("transfer.letter", "name", [1, 2], "name"),
    ("joint.received", "due_on", "0000-01-01", "due_on"),
    ("joint.received", "due_on", "2026-13-45", "due_on"),
    ("joint.result", "outcome", ["paid"], "outcome"),
    ("joint.submit", "materials", 5, "materials"),
    ("joint.submit", "amount", "-1", "amount"),
    ("joint.submit", "surprise", "x", "surprise"),
]


@pytest.mark.parametrize(("kind", "field", "value", "named"), CAUSES)
def test_a_signed_message_of_the_wrong_shape_is_400_naming_the_field(client, depositor, kind, field, value, named):
    _partner, private = partner_with_key()
    payload = {**_valid(depositor.account)[kind], field: value}
    response = post(client, *signed(private, kind=kind, payload=payload))
    assert response.status_code == 400
    assert response.json()["result"].startswith(f"invalid {named}")
    assert not InboxMessage.objects.exists() and not JointCase.objects.exists()
    assert not TransferCase.objects.exists() and not LedgerEntry.objects.filter(reference=LETTER_OUT).exists()


def test_json_nested_200000_deep_and_not_an_object_are_400(client, policy):
    from base64 import b64decode, b64encode

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _partner, private = partner_with_key()
    key = Ed25519PrivateKey.from_private_bytes(b64decode(private))
    for body in (b'{"payload":' + b"[" * 200_000 + b"]" * 200_000 + b"}", b"[]", b'"x"', b"\xff\xfe"):
        assert post(client, body, b64encode(key.sign(body)).decode()).status_code == 400
    assert not InboxMessage.objects.exists()


HOSTILE = [None, "x", "", "Infinity", "-0.001", "1e400", "\u0000", "\u202e", [1, 2], {"a": 1}, 10**30, -1, 1.5,
           True, "0000-01-01", "9999-12", "a" * 20_000]  # fmt: skip


def test_every_field_of_every_kind_with_every_hostile_value_is_never_a_5xx(client, depositor):
    """On live cases (an incoming letter at 02, an outgoing one, an acceptance case sent), so a value the
    schema let through would reach the handler's work."""
    partner, private = partner_with_key()
    account = depositor.account
    incoming = transfer.transfer_in_start(account=account, partner=partner)
    TransferCase.objects.filter(pk=incoming.pk).update(letter_number=LETTER_IN, status="02")
    valid = _valid(account)
    assert post(client, *signed(private, kind="transfer.letter", payload=valid["transfer.letter"])).status_code == 200
    JointCase.objects.create(number=NUMBER, role="acceptance", partner=partner, status="sent", name=account.name,
                             id_number=account.id_number, phone="13800000009", amount="100.00", bank="工商银行",
                             card_number="6222020200001234560")  # fmt: skip
    answers: dict[int, int] = {}
    for kind, payload in valid.items():
        for field in payload:
            for value in HOSTILE:
                body, signature = signed(private, kind=kind, payload={**payload, field: value})
                status = post(client, body, signature).status_code
                answers[status] = answers.get(status, 0) + 1
                assert status < 500, (kind, field, value, status)
    assert set(answers) <= {200, 400, 404, 409}, answers
    print(json.dumps(answers))
    assert answers[400] > 300 and answers[200] > 10  # most refused by the schema; the rest did their work
