"""Signed messages between centers.

Sending: `message_post` writes an outbox row in the caller's transaction and, after COMMIT, a Celery task
delivers the partner's pending rows oldest first (`outbox_flush`), each signed afresh (Ed25519 over the
exact body, which carries sender, receiver, a timestamp and the message's unique id). A partner that is
down or answers 5xx is retried with back-off, by the task and by the sweep beat runs; a row is done only
when the partner answered 200 (accepted, or already done). Messages to one partner leave in order, so a
case's steps arrive as they happened. After the policy's tries a message is 发送失败 (the dead letter, listed by
`manage.py stuck_cases` and in admin) until an operator resends it; a 4xx answer is 发送失败 at once. The case
pages show the state of their latest message (待发送 / 发送失败 / 已送达), never more than happened. Delivered and
received content is purged after the policy's days (`payloads_purge`, daily).

Receiving: `message_receive` refuses an unknown sender, a bad signature, a message for another center or
a stale timestamp; a repeated id with the same content is answered "already done" without doing it again,
a repeated id with other content is refused. Every message is checked against its kind's declared schema
(`schemas.py`) before anything is written: 400 with the field at fault. The message's work (`HANDLERS`) runs in the same
transaction as its inbox row."""

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from pydantic import ValidationError

from gjj_portal.errors import DomainError
from policy.center import current_policy

from . import signing
from .models import InboxMessage, OutboxMessage, PartnerCenter
from .schemas import fault, message_validate, payload_check

log = logging.getLogger(__name__)
PATH = "/interop/messages/"
LEASE_SECONDS = 180  # one flush's hold on a partner's queue (a call takes at most 25 s)


def own_code() -> str:
    return current_policy().center_code


def message_post(*, partner: PartnerCenter, kind: str, case_number: str, payload: dict) -> OutboxMessage:
    """Queue a message to `partner` (sent after COMMIT; nothing is sent if the caller rolls back)."""
    from .tasks import outbox_deliver

    payload_check(kind, payload)
    message = OutboxMessage.objects.create(partner=partner, kind=kind, case_number=case_number, payload=payload)
    transaction.on_commit(lambda: outbox_deliver.delay(partner.pk))
    return message


def envelope(message: OutboxMessage, *, sender: str, sent_at: datetime | None = None) -> bytes:
    return json.dumps(
        {
            "id": str(message.message_id),
            "sender": sender,
            "receiver": message.partner.code,
            "sent_at": (sent_at or timezone.now()).isoformat(),
            "kind": message.kind,
            "case_number": message.case_number,
            "payload": message.payload,
        },
        ensure_ascii=False,
    ).encode()


def backoff_seconds(attempts: int) -> float:
    return min(settings.GJJ_OUTBOX_BACKOFF_BASE * 2 ** max(attempts - 1, 0), settings.GJJ_OUTBOX_BACKOFF_MAX)


def _deliver(message: OutboxMessage, sender: str) -> tuple[bool, bool, str]:
    """(delivered, refused for good, error). Never raises for the network or the partner's answer."""
    body = envelope(message, sender=sender)
    headers = {
        "Content-Type": "application/json",
        "X-GJJ-Sender": sender,
        "X-GJJ-Signature": signing.sign(body, sender),
    }
    try:
        response = requests.post(
            message.partner.base_url.rstrip("/") + PATH,
            data=body,
            headers=headers,
            timeout=(5, 20),
            verify=settings.GJJ_PARTNER_CA_BUNDLE or True,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return False, False, f"连接失败：{type(exc).__name__}"
    if response.status_code == 200:
        return True, False, ""
    text = response.text[:200]
    # 4xx: the partner read it and said no (bad key, unknown kind); resending the same bytes cannot help.
    refused = 400 <= response.status_code < 500 and response.status_code not in (408, 425, 429)
    return False, refused, f"HTTP {response.status_code} {text}"


@dataclass
class Flush:
    delivered: int = 0
    refused: int = 0
    retry_in: float | None = None  # seconds until the partner's next due message, if one failed or waits


def outbox_flush(*, partner_id: int, limit: int = 50) -> Flush:
    """Deliver the partner's pending messages, oldest first, stopping at the first that fails. The flush
    holds the partner's queue by a lease (`sending_until`), so two workers never send it at once, and no
    database transaction stays open while the partner is being called."""
    result = Flush()
    sender = own_code()
    now = timezone.now()
    lease = now + timedelta(seconds=LEASE_SECONDS)
    free = Q(sending_until__isnull=True) | Q(sending_until__lt=now)
    if not PartnerCenter.objects.filter(free, pk=partner_id, active=True).update(sending_until=lease):
        return result
    try:
        partner = PartnerCenter.objects.get(pk=partner_id)
        pending = OutboxMessage.objects.filter(partner=partner, status=OutboxMessage.State.PENDING).order_by("id")
        for message in pending[:limit]:
            message.partner = partner
            now = timezone.now()
            if message.next_attempt_at > now:
                result.retry_in = (message.next_attempt_at - now).total_seconds()
                break
            if now > lease - timedelta(seconds=30):  # the lease must outlast the call: the rest next time
                result.retry_in = 0
                break
            if not _send_one(message, sender, result):
                break
    finally:
        PartnerCenter.objects.filter(pk=partner_id).update(sending_until=None)
    return result


def _send_one(message: OutboxMessage, sender: str, result: Flush) -> bool:
    """One delivery and its record; False when the queue must wait (the partner did not take it)."""
    delivered, refused, error = _deliver(message, sender)
    message.attempts += 1
    message.last_error = error
    if delivered:
        message.status, message.delivered_at = OutboxMessage.State.DELIVERED, timezone.now()
        result.delivered += 1
    elif refused:
        message.status = OutboxMessage.State.REFUSED
        result.refused += 1
        log.error("partner %s refused message %s: %s", message.partner.code, message.message_id, error)
    elif message.attempts >= current_policy().cross_send_attempts:
        # The dead letter: no more tries; 发送失败 on the case and in the operators' list until one resends it.
        message.status = OutboxMessage.State.FAILED
        result.refused += 1
        log.error("message %s to %s failed %d times: %s", message.message_id, message.partner.code,
                  message.attempts, error)  # fmt: skip
        refused = True
    else:
        delay = backoff_seconds(message.attempts)
        message.next_attempt_at = timezone.now() + timedelta(seconds=delay)
        result.retry_in = delay
    message.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "delivered_at"])
    return delivered or refused


def outbox_due_partners() -> list[int]:
    """Partners with a pending message due now (the sweep's work)."""
    return list(
        OutboxMessage.objects.filter(status=OutboxMessage.State.PENDING, next_attempt_at__lte=timezone.now())
        .values_list("partner_id", flat=True)
        .distinct()
    )


def message_resend(*, message_id: uuid.UUID, enqueue: bool = True) -> OutboxMessage:
    """An operator's resend: the same message (same id) again, whatever its state. The partner answers
    "already done" if it had it; a refused message goes out again after its cause was fixed."""
    from .tasks import outbox_deliver

    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(message_id=message_id)
        if message.purged_at is not None:
            raise DomainError("该报文已送达且内容已按保留期限清除，不能重新发送。")
        message.status = OutboxMessage.State.PENDING
        message.attempts = 0  # the policy's tries again, from now
        message.next_attempt_at = timezone.now()
        message.save(update_fields=["status", "attempts", "next_attempt_at"])
        if enqueue:  # else the caller flushes the partner's queue itself (manage.py resend_message)
            transaction.on_commit(lambda: outbox_deliver.delay(message.partner_id))
    return message


def payloads_purge(*, now: datetime | None = None) -> tuple[int, int]:
    """Delivered messages and received ones keep their content (scans, 身份证号, card numbers) the policy's
    days, then only what identifies them (id, kind, case, dates, digest). Returns (sent, received) purged."""
    now = now or timezone.now()
    before = now - timedelta(days=current_policy().cross_payload_days)
    sent = OutboxMessage.objects.filter(
        status=OutboxMessage.State.DELIVERED, delivered_at__lt=before, purged_at__isnull=True
    ).update(payload={}, purged_at=now)
    received = InboxMessage.objects.filter(received_at__lt=before, purged_at__isnull=True).update(
        payload={}, purged_at=now
    )
    if sent or received:
        log.info("purged the content of %d sent and %d received messages older than %s", sent, received, before)
    return sent, received


class Refused(Exception):
    def __init__(self, http_status: int, reason: str):
        super().__init__(reason)
        self.http_status = http_status
        self.reason = reason


def _parse(body: bytes, sender_header: str, signature: str) -> tuple[PartnerCenter, dict]:
    partner = PartnerCenter.objects.filter(code=sender_header, active=True).first()
    if partner is None:
        raise Refused(403, "unknown sender")
    if not signature or not signing.signature_ok(body, signature, partner.public_key):
        raise Refused(403, "bad signature")
    try:
        envelope, payload = message_validate(body)
    except ValidationError as exc:
        raise Refused(400, fault(exc)) from exc
    if envelope.sender != partner.code or envelope.receiver != own_code():
        raise Refused(400, "wrong sender or receiver")
    if abs((timezone.now() - envelope.sent_at).total_seconds()) > settings.GJJ_MESSAGE_MAX_AGE:
        raise Refused(400, "stale timestamp")
    data = {
        "id": envelope.id,
        "kind": envelope.kind,
        "case_number": envelope.case_number,
        "payload": envelope.payload,  # as signed: its digest tells a repeat from a reuse
        "checked": payload.model_dump(mode="json"),  # what the handler reads: every field declared and checked
    }
    return partner, data


def message_receive(*, body: bytes, sender: str, signature: str) -> tuple[int, str]:
    """(HTTP status, result) for one delivery."""
    try:
        partner, data = _parse(body, sender, signature)
    except Refused as refusal:
        log.warning("refused a message claiming to be from %r: %s", sender[:10], refusal.reason)
        return refusal.http_status, refusal.reason
    try:
        return _receive_once(partner, data)
    except Refused as refusal:  # the handler's: the inbox row rolled back with everything else
        log.warning("refused %s from %s: %s", data["kind"], partner.code, refusal.reason)
        return refusal.http_status, refusal.reason
    except DomainError as refusal:  # a rule or the case's state said no (a result for a case not sent …)
        log.warning("refused %s from %s: %s", data["kind"], partner.code, refusal)
        return refusal.status, str(refusal)


@transaction.atomic
def _receive_once(partner: PartnerCenter, data: dict) -> tuple[int, str]:
    digest = signing.payload_digest(data["kind"], data["payload"])
    seen = InboxMessage.objects.select_for_update().filter(partner=partner, message_id=data["id"]).first()
    if seen is not None:
        if seen.digest != digest:
            log.warning("partner %s reused message id %s with other content", partner.code, data["id"])
            return 409, "message id already used for other content"
        seen.repeats += 1
        seen.save(update_fields=["repeats"])
        return 200, "duplicate"
    try:
        with transaction.atomic():
            InboxMessage.objects.create(
                partner=partner,
                message_id=data["id"],
                kind=data["kind"],
                case_number=data["case_number"],
                payload=data["payload"],
                digest=digest,
            )
    except IntegrityError:
        return 200, "duplicate"  # the same message, delivered twice at once: the other delivery does it
    HANDLERS[data["kind"]](partner=partner, payload=data["checked"])
    return 200, "accepted"


# kind → handler(partner=, payload=); filled by joint.py and transfer.py (crosscenter.apps imports them).
HANDLERS: dict = {}


def handles(kind: str):
    def register(function):
        HANDLERS[kind] = function
        return function

    return register
