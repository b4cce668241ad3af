"""The message endpoint and the outbox: signatures, senders, timestamps, repeated ids, back-off."""

import uuid
from base64 import b64decode, b64encode
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from crosscenter.messaging import message_post, outbox_flush
from crosscenter.models import InboxMessage, OutboxMessage, TransferCase
from crosscenter.signing import key_pair_new

from .helpers import STALE, partner_with_key, post, signed

pytestmark = pytest.mark.django_db


def _letter(account, letter="4502002611230001"):
    return {"letter_number": letter, "name": account.name, "id_number": account.id_number, "old_account_number": ""}


def test_a_signed_letter_is_done_once_and_a_repeat_is_answered_as_already_done(client, depositor):
    partner, private = partner_with_key()
    message_id = uuid.uuid4()
    body, signature = signed(private, kind="transfer.letter", payload=_letter(depositor.account), message_id=message_id)
    response = post(client, body, signature)
    assert response.status_code == 200 and response.json() == {"result": "accepted"}
    case = TransferCase.objects.get()
    assert (case.direction, case.status, case.account) == ("out", "02", depositor.account)
    assert OutboxMessage.objects.get().kind == "transfer.received"  # the receipt, queued for the partner
    # The same message again, signed afresh with a new timestamp (a retry whose answer was lost).
    body, signature = signed(private, kind="transfer.letter", payload=_letter(depositor.account), message_id=message_id)
    assert post(client, body, signature).json() == {"result": "duplicate"}
    assert TransferCase.objects.count() == 1 and OutboxMessage.objects.count() == 1
    assert InboxMessage.objects.get().repeats == 1


def test_a_reused_id_with_other_content_is_refused(client, depositor):
    partner, private = partner_with_key()
    message_id = uuid.uuid4()
    post(client, *signed(private, kind="transfer.letter", payload=_letter(depositor.account), message_id=message_id))
    other = _letter(depositor.account, letter="4502002611230002")
    response = post(client, *signed(private, kind="transfer.letter", payload=other, message_id=message_id))
    assert response.status_code == 409
    assert TransferCase.objects.count() == 1


@pytest.mark.parametrize(
    "case",
    ["forged signature", "unknown sender", "stale timestamp", "future timestamp", "another receiver", "no signature"],
)
def test_refused_messages_change_nothing(client, depositor, case):
    partner, private = partner_with_key()
    forger, _public = key_pair_new()
    payload = _letter(depositor.account)
    kwargs = {}
    if case == "stale timestamp":
        kwargs["sent_at"] = datetime.now(UTC) - STALE
    if case == "future timestamp":
        kwargs["sent_at"] = datetime.now(UTC) + STALE
    if case == "another receiver":
        kwargs["receiver"] = "330200"
    if case == "unknown sender":
        kwargs["sender"] = "110100"
    body, signature = signed(forger if case == "forged signature" else private, kind="transfer.letter",
                             payload=payload, **kwargs)  # fmt: skip
    response = post(client, body, "" if case == "no signature" else signature, sender=kwargs.get("sender", "450200"))
    assert response.status_code in (400, 403)
    assert not TransferCase.objects.exists() and not InboxMessage.objects.exists()


def test_a_message_that_is_not_json_or_not_post_is_refused(client, policy):
    partner, private = partner_with_key()
    assert client.get("/interop/messages/").status_code == 405
    body, signature = signed(private, kind="transfer.letter", payload={})
    tampered = body.replace(b"transfer.letter", b"transfer.lettez")
    assert post(client, tampered, signature).status_code == 403  # the signature covers every byte
    garbage = b"not json"
    key = Ed25519PrivateKey.from_private_bytes(b64decode(private))
    assert post(client, garbage, b64encode(key.sign(garbage)).decode()).status_code == 400


def test_a_partner_that_is_down_is_retried_with_back_off_in_order(settings, policy):
    settings.GJJ_OUTBOX_BACKOFF_BASE = 2.0
    settings.GJJ_CENTER_SIGNING_KEY = key_pair_new()[0]
    partner, _private = partner_with_key(base_url="http://127.0.0.1:9")  # nothing listens on port 9
    first = message_post(partner=partner, kind="transfer.letter", case_number="1", payload={"letter_number": "1"})
    second = message_post(partner=partner, kind="transfer.cancel", case_number="1", payload={"letter_number": "1"})
    flush = outbox_flush(partner_id=partner.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.attempts, flush.delivered) == ("pending", 1, 0)
    assert first.last_error.startswith("连接失败")
    assert first.next_attempt_at > timezone.now() and flush.retry_in == 2.0
    assert second.attempts == 0  # never sent ahead of the first
    again = outbox_flush(partner_id=partner.pk)  # before the back-off has passed: nothing is tried
    first.refresh_from_db()
    assert first.attempts == 1 and again.retry_in is not None and again.retry_in <= 2.0
