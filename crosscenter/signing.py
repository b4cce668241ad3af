"""Ed25519 signatures (the `cryptography` package) over a message's exact bytes.

A center's private key is GJJ_CENTER_SIGNING_KEY (32 raw bytes, Base64; `manage.py center_key --generate`
makes one). In development (DEBUG) without it, a demo key derived from the center code is used, so two demo
centers on one machine know each other's public keys without any set-up; production refuses to run without
a real key."""

import base64
import hashlib
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _demo_private_key(center_code: str) -> Ed25519PrivateKey:
    seed = hashlib.sha256(f"gjj-demo-center-key:{center_code}".encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def demo_public_key(center_code: str) -> str:
    return public_key_text(_demo_private_key(center_code))


def public_key_text(key: Ed25519PrivateKey) -> str:
    return base64.b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def private_key(center_code: str) -> Ed25519PrivateKey:
    text = settings.GJJ_CENTER_SIGNING_KEY
    if text:
        try:
            return Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
        except ValueError as exc:
            raise ImproperlyConfigured("GJJ_CENTER_SIGNING_KEY 不是有效的 Ed25519 私钥（32 字节 Base64）。") from exc
    if settings.DEBUG:
        return _demo_private_key(center_code)
    raise ImproperlyConfigured("未配置 GJJ_CENTER_SIGNING_KEY：生产环境不能收发跨省通办报文。")


UNAVAILABLE = (
    "跨省通办服务暂不可用：本中心尚未配置报文签名密钥，业务无法发送至其他中心。请拨打服务热线或到服务大厅办理。"
)


def signing_problem() -> str | None:
    """Why no message can be signed (no key, or a bad one, with DEBUG off): then no case may be started, since
    nothing could tell the partner. None when messages can be signed."""
    if settings.DEBUG and not settings.GJJ_CENTER_SIGNING_KEY:
        return None  # the demo key
    try:
        private_key("000000")
    except ImproperlyConfigured:
        return UNAVAILABLE
    return None


def key_pair_new() -> tuple[str, str]:
    """(private, public), both Base64, for a center's .env and its partners' registration."""
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(raw).decode(), public_key_text(key)


def public_key_check(text: str) -> Ed25519PublicKey:
    """The partner's key as registered; ValueError in Chinese when it is not a key."""
    try:
        raw = base64.b64decode(text, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise ValueError("公钥须为 32 字节 Ed25519 公钥的 Base64 编码。") from exc


def sign(body: bytes, center_code: str) -> str:
    return base64.b64encode(private_key(center_code).sign(body)).decode()


def signature_ok(body: bytes, signature: str, public_key: str) -> bool:
    try:
        public_key_check(public_key).verify(base64.b64decode(signature, validate=True), body)
    except (InvalidSignature, ValueError):
        return False
    return True


def payload_digest(kind: str, payload: dict) -> str:
    """What makes two deliveries the same message: its kind and content, not its timestamp (a retry is
    signed afresh with a new one)."""
    canonical = json.dumps({"kind": kind, "payload": payload}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
