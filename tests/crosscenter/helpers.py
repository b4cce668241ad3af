import json
import uuid
from datetime import UTC, datetime, timedelta

from crosscenter.models import PartnerCenter
from crosscenter.signing import key_pair_new

PARTNER_CODE = "450200"


def partner_with_key(**fields) -> tuple[PartnerCenter, str]:
    """A partner center (柳州) and the private key only it holds."""
    private, public = key_pair_new()
    partner = PartnerCenter.objects.create(
        code=fields.pop("code", PARTNER_CODE),
        name=fields.pop("name", "柳州市住房公积金管理中心"),
        base_url=fields.pop("base_url", "http://127.0.0.1:9"),
        public_key=public,
        **fields,
    )
    return partner, private


def signed(private: str, *, kind: str, payload: dict, sender=PARTNER_CODE, receiver="219900", message_id=None,
           sent_at=None) -> tuple[bytes, str]:  # fmt: skip
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    body = json.dumps({
        "id": str(message_id or uuid.uuid4()),
        "sender": sender,
        "receiver": receiver,
        "sent_at": (sent_at or datetime.now(UTC)).isoformat(),
        "kind": kind,
        "case_number": payload.get("letter_number") or payload.get("number", ""),
        "payload": payload,
    }).encode()  # fmt: skip
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(private))
    return body, base64.b64encode(key.sign(body)).decode()


def post(client, body: bytes, signature: str, sender=PARTNER_CODE):
    return client.post("/interop/messages/", data=body, content_type="application/json",
                       headers={"X-GJJ-Sender": sender, "X-GJJ-Signature": signature})  # fmt: skip


STALE = timedelta(minutes=10)
