"""The app channel's records: a device's tokens, a retried request's stored answer, the partner applications
the center registered, each person's consent to them, and every call a partner made."""

import uuid

from django.conf import settings
from django.db import models


class DeviceToken(models.Model):
    """One login of the app on one device: a short-lived access token and a refresh token bound to the device.
    Only SHA-256 digests are stored; the tokens themselves exist in the app alone. The person's session hash
    (password and 退出所有设备's counter) is kept too: a new password or 退出所有设备 ends every token."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="device_tokens")
    device_id = models.CharField("设备标识", max_length=64)
    access_digest = models.CharField(max_length=64, unique=True)
    access_expires = models.DateTimeField()
    refresh_digest = models.CharField(max_length=64, unique=True)
    refresh_expires = models.DateTimeField()
    auth_hash = models.CharField(max_length=200)
    created_at = models.DateTimeField("登录时间", auto_now_add=True)
    revoked_at = models.DateTimeField("注销时间", null=True, blank=True)
    revoked_why = models.CharField("注销原因", max_length=40, blank=True)

    class Meta:
        verbose_name = "App 登录设备"
        verbose_name_plural = "App 登录设备"
        indexes = [models.Index(fields=["user", "device_id"])]

    def __str__(self):
        return f"{self.device_id}（{self.created_at:%Y-%m-%d %H:%M}）"


class IdempotentRequest(models.Model):
    """A submission made with an Idempotency-Key: the first answer is kept and a retry with the same key gets
    it again (one application however often the app retries)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=64)
    endpoint = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user")]

    def __str__(self):
        return f"{self.endpoint} {self.key}"


class PartnerEndpoint(models.TextChoices):
    """What a partner application may be granted (one name per partner endpoint)."""

    ACCOUNT = "account", "个人账户信息（余额、状态）"
    ENTRIES = "entries", "缴存明细"
    LOANS = "loans", "贷款信息"


def grants_valid(value) -> None:
    from django.core.exceptions import ValidationError

    known = set(PartnerEndpoint.values)
    if not isinstance(value, list) or not all(isinstance(v, str) and v in known for v in value):
        raise ValidationError('请填写接口名称的列表，如 ["account", "entries"]；可用：' + "、".join(sorted(known)))


class PartnerApp(models.Model):
    """A bank or a government service platform the center lets call the API with its own key."""

    client_id = models.UUIDField("应用编号", default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("应用名称", max_length=100)
    organization = models.CharField("所属机构", max_length=100)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    key_hint = models.CharField("密钥尾号", max_length=8, editable=False)
    grants = models.JSONField("可调用的接口", default=list, validators=[grants_valid])
    rate_per_minute = models.PositiveIntegerField("每分钟调用上限", default=60)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "合作应用"
        verbose_name_plural = "合作应用"

    def __str__(self):
        return f"{self.name}（{self.organization}）"


class PartnerConsent(models.Model):
    """A person's consent that one partner application reads their data; withdrawn, it stays as the record."""

    app = models.ForeignKey(PartnerApp, on_delete=models.PROTECT, related_name="consents", verbose_name="合作应用")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="缴存人")
    granted_at = models.DateTimeField("授权时间", auto_now_add=True)
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    channel = models.CharField("授权渠道", max_length=10, default="app")

    class Meta:
        verbose_name = "授权记录"
        verbose_name_plural = "授权记录"
        constraints = [
            models.UniqueConstraint(
                fields=["app", "user"], condition=models.Q(withdrawn_at__isnull=True), name="one_open_consent"
            )
        ]

    def __str__(self):
        return f"{self.app.name} · {self.granted_at:%Y-%m-%d}"


class ApiCall(models.Model):
    """Every call of a partner application: which application, for whom, which endpoint, the answer."""

    app = models.ForeignKey(PartnerApp, on_delete=models.PROTECT, verbose_name="合作应用")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name="被查询人"
    )
    endpoint = models.CharField("接口", max_length=40)
    status_code = models.PositiveSmallIntegerField("结果")
    address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "合作应用调用记录"
        verbose_name_plural = "合作应用调用记录"

    def __str__(self):
        return f"{self.app_id} {self.endpoint} {self.at:%Y-%m-%d %H:%M:%S}"
