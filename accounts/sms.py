"""SMS. The portal sends through `SmsBackend.send`; GJJ_SMS_BACKEND picks the implementation:
the database/console backend for development and tests (codes visible to the developer, in the log and
in admin), or a real provider's adapter in production."""

import hashlib
import hmac
import logging
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from gjj_portal.errors import DomainError

from .models import SmsCode, SmsOutbox

log = logging.getLogger("gjj.sms")

CODE_TTL = timedelta(minutes=5)
RESEND_AFTER = timedelta(seconds=60)
MAX_WRONG_TRIES = 5
DAILY_PER_PHONE = 10
DAILY_PER_IP = 30


class SmsError(DomainError):
    """A refusal with a Chinese message."""


class SmsBackend:
    def send(self, phone: str, text: str, *, params: dict | None = None) -> None:
        """`text` as a free-text channel shows it; `params` for a provider's template (the code)."""
        raise NotImplementedError


class DatabaseSmsBackend(SmsBackend):
    def send(self, phone, text, *, params=None):
        SmsOutbox.objects.create(phone=phone, text=text)
        if settings.DEBUG:
            log.warning("SMS to %s: %s", phone, text)  # the developer reads the code here
        else:  # a staging system (GJJ_SMS_STAGING): the log never carries a code
            log.warning("SMS to %s: %s", phone, re.sub(r"\d{4,}", lambda m: "*" * len(m.group()), text))


# The providers by name (GJJ_SMS_BACKEND=aliyun | tencent); a dotted path names any other adapter.
PROVIDERS = {"aliyun": "accounts.sms_providers.AliyunSmsBackend", "tencent": "accounts.sms_providers.TencentSmsBackend"}


def sms_backend() -> SmsBackend:
    return import_string(PROVIDERS.get(settings.GJJ_SMS_BACKEND, settings.GJJ_SMS_BACKEND))()


def _digest(phone: str, purpose: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone}:{purpose}:{code}".encode(), hashlib.sha256).hexdigest()


def sms_code_send(*, phone: str, purpose: str, ip: str | None) -> None:
    now = timezone.now()
    day_ago = now - timedelta(days=1)
    with transaction.atomic():
        recent = SmsCode.objects.select_for_update().filter(phone=phone, created_at__gt=day_ago)
        last = recent.order_by("-created_at").first()
        if last and last.created_at > now - RESEND_AFTER:
            wait = int((last.created_at + RESEND_AFTER - now).total_seconds()) + 1
            raise SmsError(f"验证码已发送，请{wait}秒后再试。")
        if recent.count() >= DAILY_PER_PHONE:
            raise SmsError("该手机号今日获取验证码次数已达上限，请明天再试。")
        if ip and SmsCode.objects.filter(ip=ip, created_at__gt=day_ago).count() >= DAILY_PER_IP:
            raise SmsError("操作过于频繁，请明天再试。")
        code = f"{secrets.randbelow(10**6):06d}"
        # A new code ends every earlier one for this use: once the new one is spent, the old gives no more guesses.
        recent.filter(purpose=purpose, used_at__isnull=True).update(used_at=now)
        sent = SmsCode.objects.create(
            phone=phone, purpose=purpose, code_hash=_digest(phone, purpose, code), ip=ip, expires_at=now + CODE_TTL
        )
    try:
        text = f"【住房公积金】您的验证码为{code}，5分钟内有效，请勿泄露给他人。"
        sms_backend().send(phone, text, params={"code": code})
    except SmsError:
        # Not sent: this code can never be typed (it still counts toward the day's budget).
        SmsCode.objects.filter(pk=sent.pk).update(used_at=now)
        raise


def sms_code_check(*, phone: str, purpose: str, code: str) -> None:
    """Use up the phone's current code if `code` is right; otherwise count a wrong try. Raises SmsError
    after the transaction commits, so a wrong try is always counted (never rolled back by the refusal)."""
    now = timezone.now()
    problem = None
    with transaction.atomic():
        current = (
            SmsCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if current is None:
            problem = "短信验证码已失效，请重新获取。"
        elif not hmac.compare_digest(current.code_hash, _digest(phone, purpose, (code or "").strip())):
            current.wrong_tries += 1
            if current.wrong_tries >= MAX_WRONG_TRIES:
                current.used_at = now  # too many guesses: this code is dead
            current.save(update_fields=["wrong_tries", "used_at"])
            problem = (
                "短信验证码错误次数过多，已失效，请重新获取。" if current.used_at else "短信验证码错误，请重新输入。"
            )
        else:
            current.used_at = now
            current.save(update_fields=["used_at"])
    if problem:
        raise SmsError(problem)
