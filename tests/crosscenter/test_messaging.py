"""The message endpoint and the outbox: signatures, senders, timestamps, repeated ids, back-off."""

import io
import json
import uuid
from base64 import b64decode, b64encode
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.urls import reverse
from django.utils import timezone

from crosscenter.messaging import message_post, message_resend, outbox_due_partners, outbox_flush, payloads_purge
from crosscenter.models import InboxMessage, OutboxMessage, TransferCase
from crosscenter.signing import key_pair_new
from gjj_portal.errors import DomainError
from policy.center import policy_cache_clear
from policy.models import CenterPolicy

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
    letter = {"letter_number": "1", "name": "张伟", "id_number": "210102199001011237"}
    first = message_post(partner=partner, kind="transfer.letter", case_number="1", payload=letter)
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


def test_a_dead_partner_leads_to_failed_and_a_dead_letter_never_sent(client, settings, depositor, policy):
    """After the policy's tries the message is 发送失败: the depositor's case page says so, the operators' list
    names it, and an operator's resend gives it the policy's tries again."""
    from django.core.management import call_command

    from crosscenter.transfer import transfer_in_start

    settings.GJJ_CENTER_SIGNING_KEY = key_pair_new()[0]
    CenterPolicy.objects.filter(code=policy.code).update(cross_send_attempts=3)
    policy_cache_clear()
    partner, _private = partner_with_key(base_url="http://127.0.0.1:9")  # nothing listens on port 9
    case = transfer_in_start(account=depositor.account, partner=partner)
    client.force_login(depositor)
    url = reverse("crosscenter:transfer_detail", args=[case.public_id])
    page = client.get(url).content.decode()
    assert "待发送" in page and "已送达" not in page and "已发送" not in page
    message = OutboxMessage.objects.get()
    for tries in range(1, 4):
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        outbox_flush(partner_id=partner.pk)
        message.refresh_from_db()
        assert message.attempts == tries
        if tries < 3:
            assert message.status == "pending"
            assert f"已尝试{tries}次未送达" in client.get(url).content.decode()
    assert message.status == "failed"
    page = client.get(url).content.decode()
    assert "发送失败" in page and "待发送" not in page and "已送达" not in page
    assert outbox_due_partners() == []  # the dead letter is not retried on its own
    out = io.StringIO()
    call_command("stuck_cases", stdout=out)
    assert f"报文 {message.message_id} transfer.letter" in out.getvalue() and "发送失败" in out.getvalue()
    message_resend(message_id=message.message_id, enqueue=False)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 0)


def test_delivered_and_received_content_is_purged_after_the_policys_days(client, settings, depositor, policy):
    partner, private = partner_with_key()
    post(client, *signed(private, kind="transfer.letter", payload=_letter(depositor.account)))
    sent = OutboxMessage.objects.get(kind="transfer.received")
    OutboxMessage.objects.filter(pk=sent.pk).update(status="delivered", delivered_at=timezone.now())
    assert payloads_purge(now=timezone.now() + timedelta(days=policy.cross_payload_days - 1)) == (0, 0)
    assert payloads_purge(now=timezone.now() + timedelta(days=policy.cross_payload_days + 1)) == (1, 1)
    received = InboxMessage.objects.get()
    sent.refresh_from_db()
    assert received.payload == {} and sent.payload == {} and received.purged_at and sent.purged_at
    assert depositor.account.id_number not in json.dumps([received.payload, sent.payload])
    # The repeat of the same message is still known (its digest stays) and a purged message cannot be resent.
    with pytest.raises(DomainError, match="已按保留期限清除"):
        message_resend(message_id=sent.message_id)


def test_a_message_this_center_would_send_wrongly_is_refused_before_it_is_queued(policy):
    """What we send is checked against the schema our partners check it against (a 联系函 once carried a
    field the schema did not declare: every partner refused it)."""
    from pydantic import ValidationError

    partner, _private = partner_with_key()
    with pytest.raises(ValidationError):
        message_post(partner=partner, kind="transfer.letter", case_number="1", payload={"letter_number": "1"})
    assert not OutboxMessage.objects.exists()
