"""The app channel's writes. Tokens: issued at login (access 15 minutes, refresh 30 days, bound to the device
id), refreshed by rotation (the old pair ends), revoked by 退出 on one device or by 退出所有设备, which is the
web's own counter (accounts.services.logout_everywhere): a web 退出所有设备 ends the app's tokens and the
app's ends the web's sessions. Consents: granted and withdrawn by the person, each a row kept for the record.
Idempotent submissions: the first answer to a key is stored in the submission's own transaction."""

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.services import logout_everywhere
from gjj_portal.errors import DomainError

from .models import DeviceToken, IdempotentRequest, PartnerApp, PartnerConsent

ACCESS_LIFETIME = timedelta(minutes=15)
REFRESH_LIFETIME = timedelta(days=30)


class ApiError(DomainError):
    """A refusal the API answers in its error shape."""

    def __init__(self, message: str, *, code: str = "invalid", status: int = 400, field: str | None = None):
        super().__init__(message)
        self.code, self.status, self.field = code, status, field


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class TokenPair:
    access_token: str
    refresh_token: str
    access_expires: object
    refresh_expires: object


def _pair(user, device_id: str) -> tuple[DeviceToken, TokenPair]:
    now = timezone.now()
    access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(48)
    row = DeviceToken(
        user=user,
        device_id=device_id,
        access_digest=digest(access),
        access_expires=now + ACCESS_LIFETIME,
        refresh_digest=digest(refresh),
        refresh_expires=now + REFRESH_LIFETIME,
        auth_hash=user.get_session_auth_hash(),
    )
    return row, TokenPair(access, refresh, row.access_expires, row.refresh_expires)


def token_issue(*, user, device_id: str) -> TokenPair:
    """A login on a device: a new pair; an earlier login of the same device ends."""
    with transaction.atomic():
        DeviceToken.objects.filter(user=user, device_id=device_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_why="relogin"
        )
        row, pair = _pair(user, device_id)
        row.save()
    return pair


def token_valid(row: DeviceToken | None) -> bool:
    return (
        row is not None
        and row.revoked_at is None
        and row.user.is_active
        and row.auth_hash == row.user.get_session_auth_hash()
    )


def token_refresh(*, refresh_token: str, device_id: str):
    """A new pair for the same device; the refresh token is used once. A refresh token presented from another
    device, or a second time, ends that login altogether (it was copied)."""
    expired = ApiError("登录已过期，请重新登录。", code="token_invalid", status=401)
    with transaction.atomic():
        row = (
            DeviceToken.objects.select_for_update()
            .select_related("user")
            .filter(refresh_digest=digest(refresh_token or ""))
            .first()
        )
        if row is None or row.refresh_expires <= timezone.now():
            raise expired
        copied = row.revoked_why == "refreshed" or row.device_id != device_id
        if copied:  # committed before the refusal: that login ends whoever holds its tokens now
            DeviceToken.objects.filter(user=row.user, device_id=row.device_id, revoked_at__isnull=True).update(
                revoked_at=timezone.now(), revoked_why="refresh_reused"
            )
        elif row.revoked_at is None and token_valid(row):
            row.revoked_at, row.revoked_why = timezone.now(), "refreshed"
            row.save(update_fields=["revoked_at", "revoked_why"])
            new, pair = _pair(row.user, device_id)
            new.save()
            return row.user, pair
    raise expired


def token_revoke(*, row: DeviceToken) -> None:
    """退出 on this device."""
    DeviceToken.objects.filter(pk=row.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_why="logout"
    )


def tokens_revoke_all(*, user) -> None:
    """退出所有设备: every token and every web session of the person (one counter for both)."""
    DeviceToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_why="all")
    logout_everywhere(user=user)


# --- Partner applications and consent ----------------------------------------------------------------


def partner_key_new() -> str:
    """A partner application's key: shown once, kept as its digest only."""
    return "gjj_" + secrets.token_urlsafe(32)


def partner_app_register(*, name: str, organization: str, grants: list[str], rate_per_minute: int = 60):
    """A new partner application and its key (shown once: only its digest is kept)."""
    key = partner_key_new()
    app = PartnerApp.objects.create(
        name=name,
        organization=organization,
        grants=list(grants),
        rate_per_minute=rate_per_minute,
        key_digest=digest(key),
        key_hint=key[-4:],
    )
    return app, key


def partner_key_renew(*, app: PartnerApp) -> str:
    key = partner_key_new()
    PartnerApp.objects.filter(pk=app.pk).update(key_digest=digest(key), key_hint=key[-4:])
    return key


def consent_grant(*, user, app: PartnerApp, channel: str = "app") -> PartnerConsent:
    """The person lets `app` read their data (again: the open consent stays as it is)."""
    if not app.active:
        raise ApiError("该应用已停用。", code="not_found", status=404)
    try:
        with transaction.atomic():
            return PartnerConsent.objects.create(app=app, user=user, channel=channel)
    except IntegrityError:
        return PartnerConsent.objects.get(app=app, user=user, withdrawn_at__isnull=True)


def consent_withdraw(*, user, app: PartnerApp) -> int:
    return PartnerConsent.objects.filter(app=app, user=user, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )


# --- Idempotent submissions ------------------------------------------------------------------------------


def request_fingerprint(endpoint: str, data) -> str:
    """What was asked, to tell a retry from a different request that reuses the key."""
    return digest(endpoint + "|" + json.dumps(data, sort_keys=True, default=str, ensure_ascii=False))


def idempotent_replay(*, user, key: str, endpoint: str, fingerprint: str) -> IdempotentRequest | None:
    """The stored answer of an earlier request with this key, or None; the same key for another request is
    refused (a client bug that would otherwise hide a second submission)."""
    found = IdempotentRequest.objects.filter(user=user, key=key).first()
    if found is not None and (found.endpoint != endpoint or found.fingerprint != fingerprint):
        raise ApiError(
            "该 Idempotency-Key 已用于另一笔请求，请为新的请求生成新的 Idempotency-Key。",
            code="idempotency_key_reused",
            status=422,
        )
    return found


def idempotent_claim(*, user, key: str, endpoint: str, fingerprint: str) -> IdempotentRequest:
    """Inside the submission's transaction: the key's row, written first. A concurrent request with the same
    key waits on the unique index until this transaction ends, then fails to insert and replays the answer."""
    row = IdempotentRequest(user=user, key=key, endpoint=endpoint, fingerprint=fingerprint, status_code=0, body={})
    with transaction.atomic():
        row.save()
    return row


def idempotent_store(*, row: IdempotentRequest, status_code: int, body) -> None:
    row.status_code, row.body = status_code, body
    row.save(update_fields=["status_code", "body"])


IDEMPOTENCY_DAYS = 30  # a retry comes within minutes; a month covers an app left offline over a holiday
TOKEN_RECORD_DAYS = 90  # ended logins stay a while as the record of which devices were logged in


def api_records_purge(*, now=None) -> tuple[int, int]:
    """Daily (beat): stored answers past IDEMPOTENCY_DAYS, and device logins ended or expired past
    TOKEN_RECORD_DAYS. Returns (answers, logins) deleted; safe to run twice."""
    now = now or timezone.now()
    answers, _ = IdempotentRequest.objects.filter(created_at__lt=now - timedelta(days=IDEMPOTENCY_DAYS)).delete()
    old = now - timedelta(days=TOKEN_RECORD_DAYS)
    logins, _ = DeviceToken.objects.filter(refresh_expires__lt=old).delete()
    ended, _ = DeviceToken.objects.filter(revoked_at__lt=old).delete()
    return answers, logins + ended
