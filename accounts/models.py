from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    DEPOSITOR = "depositor", "缴存职工"
    UNIT = "unit", "单位用户"
    STAFF = "staff", "中心工作人员"


class User(AbstractUser):
    role = models.CharField("用户类型", max_length=10, choices=Role.choices, default=Role.DEPOSITOR)
    full_name = models.CharField("姓名", max_length=50, blank=True)
    id_number = models.CharField("身份证号", max_length=18, unique=True, null=True, blank=True)
    phone = models.CharField("手机号", max_length=11, blank=True, db_index=True)
    must_change_password = models.BooleanField("首次登录须修改密码", default=False)
    # 长辈版 (适老化) and the new-message sound: the person's own choice, remembered on every device.
    # db_default as well: rows written by SQL (imports, the benchmark generator) get the same values.
    elder_mode = models.BooleanField("长辈版", default=False, db_default=False)
    sound_on = models.BooleanField("新消息提示音", default=True, db_default=True)
    # Raising it logs the user out everywhere (it is part of the session's auth hash).
    session_version = models.PositiveIntegerField(default=0, editable=False)
    employer = models.ForeignKey(
        "deposits.Employer", on_delete=models.PROTECT, null=True, blank=True, verbose_name="所属单位（单位用户）"
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        indexes = [
            models.Index(fields=["role", "username"], name="user_role_username"),  # admin's 用户类型 filter
            models.Index(fields=["full_name"], name="user_full_name"),  # exact search by 姓名
        ]

    def __str__(self):
        return self.full_name or self.username

    def get_short_name(self):
        """What admin's “欢迎，…” shows: the person's name (staff read it in Chinese, not an upper-cased login)."""
        return self.full_name or self.username

    @property
    def is_depositor(self) -> bool:
        return self.role == Role.DEPOSITOR

    @property
    def is_unit_user(self) -> bool:
        return self.role == Role.UNIT

    def get_session_auth_hash(self):
        # Sessions carry a hash of the password; mixing in session_version lets 退出所有设备 end
        # every session without changing the password.
        return f"{super().get_session_auth_hash()}:{self.session_version}"


class SmsCode(models.Model):
    """A verification code sent to a phone: 6 digits, hashed, single use, short-lived."""

    class Purpose(models.TextChoices):
        REGISTER = "register", "注册"
        RESET = "reset", "忘记密码"
        LOGIN = "login", "登录"
        PROFILE = "profile", "个人信息变更"
        NEW_PHONE = "new_phone", "新手机号验证"
        LOAN_CO = "loan_co", "共同借款人确认"

    phone = models.CharField("手机号", max_length=11, db_index=True)
    purpose = models.CharField("用途", max_length=10, choices=Purpose.choices)
    code_hash = models.CharField(max_length=128)
    ip = models.GenericIPAddressField("请求IP", null=True, blank=True)
    created_at = models.DateTimeField("发送时间", auto_now_add=True)
    expires_at = models.DateTimeField("失效时间")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    wrong_tries = models.PositiveSmallIntegerField("错误次数", default=0)

    class Meta:
        verbose_name = "短信验证码"
        verbose_name_plural = "短信验证码"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.phone} {self.get_purpose_display()}"


class SmsOutbox(models.Model):
    """What the development SMS backend 'sent' (a real provider adapter sends instead)."""

    phone = models.CharField("手机号", max_length=11)
    text = models.CharField("短信内容", max_length=300)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "短信（开发环境）"
        verbose_name_plural = "短信（开发环境）"
        ordering = ["-created_at"]

    def __str__(self):
        return self.text


class AccessRecord(models.Model):
    """个人信息查询记录: one row each time someone other than the person saw their personal data — staff in
    admin (a change page, a workbench, a material file) or a partner application through the API. Append-only
    (a database trigger refuses UPDATE and DELETE; only the retention purge's own session may delete)."""

    class Channel(models.TextChoices):
        ADMIN = "admin", "中心审核后台"
        FILE = "file", "中心审核后台（材料文件）"
        PARTNER = "partner", "合作机构接口"

    at = models.DateTimeField("查询时间", auto_now_add=True, db_index=True)
    id_number = models.CharField("被查询人身份证号", max_length=18)
    viewer = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="查询人"
    )
    office = models.CharField("查询单位", max_length=100)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    what = models.CharField("查询内容", max_length=200)
    address = models.GenericIPAddressField("来源地址", null=True, blank=True)

    class Meta:
        verbose_name = "个人信息查询记录"
        verbose_name_plural = "个人信息查询记录"
        indexes = [models.Index(fields=["id_number", "-at"], name="access_person_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.office} {self.what}"


class SmsDelivery(models.Model):
    """What a real provider answered for each message: accepted (with its message id, the receipt to trace the
    message with the provider) or refused (its error code). Accepted is not delivered: the provider's later
    status report is what says 已送达. Never the text (it carries the one-time code)."""

    class State(models.TextChoices):
        ACCEPTED = "accepted", "服务商已受理"
        FAILED = "failed", "发送失败"
        DELIVERED = "delivered", "已送达"  # the provider's status report says the handset has it
        UNDELIVERED = "undelivered", "未送达"  # the status report says it never arrived (with its code)

    provider = models.CharField("短信服务商", max_length=20)
    phone = models.CharField("手机号", max_length=11, db_index=True)
    template = models.CharField("模板", max_length=40)
    state = models.CharField("状态", max_length=12, choices=State.choices)
    provider_message_id = models.CharField("服务商回执编号", max_length=100, blank=True, db_index=True)
    provider_request_id = models.CharField("服务商请求编号", max_length=100, blank=True)
    error_code = models.CharField("错误码", max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=1)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    reported_at = models.DateTimeField("状态报告时间", null=True, blank=True)

    class Meta:
        verbose_name = "短信发送回执"
        verbose_name_plural = "短信发送回执"

    def __str__(self):
        return f"{self.provider} {self.get_state_display()} {self.provider_message_id or self.error_code}"
