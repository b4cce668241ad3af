"""跨省通办 between two centers: partner centers and their keys, the signed messages each way (an outbox
row per message sent, an inbox row per message received), and the two kinds of case:

- 两地联办 (`JointCase`): the acceptance center (受理中心) registers a withdrawal for a depositor of another
  center, the home center (属地中心) reviews and pays it through its own payout path;
- 转移接续 (`TransferCase`): the new center's 联系函 moves a depositor's money from the old center, with the
  national platform's statuses."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gjj_portal.states import StateChange
from gjj_portal.uploads import StoredMaterial, uploads_storage


class PartnerCenter(models.Model):
    code = models.CharField("中心代码", max_length=6, unique=True)
    name = models.CharField("中心名称", max_length=100)
    base_url = models.URLField("接口地址", help_text="对方网厅的根地址，例如 https://gjj.example.gov.cn")
    public_key = models.CharField("签名公钥（Ed25519，Base64）", max_length=64)
    active = models.BooleanField("启用", default=True)
    # While a worker sends this partner's queue it holds the queue until then (no transaction is held open
    # across the network, so the partner's answer — which may call back — never waits on it).
    sending_until = models.DateTimeField("发送占用至", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "合作中心"
        verbose_name_plural = "合作中心（跨省通办）"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}（{self.code}）"


class OutboxMessage(models.Model):
    """A message to a partner, kept until the partner has acknowledged it: nothing is lost while it is down.
    Delivered oldest first per partner, so the partner sees each case's steps in order."""

    class State(models.TextChoices):
        PENDING = "pending", "待发送"
        DELIVERED = "delivered", "已送达"
        REFUSED = "refused", "发送失败（对方拒收）"
        FAILED = "failed", "发送失败（多次未送达）"  # the dead letter: an operator resends it after the cause

    message_id = models.UUIDField("报文编号", default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(PartnerCenter, on_delete=models.PROTECT, related_name="outbox", verbose_name="对方中心")
    kind = models.CharField("报文类型", max_length=40)
    case_number = models.CharField("业务编号", max_length=20, blank=True)
    payload = models.JSONField("报文内容")
    status = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField("发送次数", default=0)
    last_error = models.CharField("最近一次错误", max_length=300, blank=True)
    next_attempt_at = models.DateTimeField("下次发送时间", default=timezone.now)
    created_at = models.DateTimeField("生成时间", default=timezone.now)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    purged_at = models.DateTimeField("报文内容清除时间", null=True, blank=True)

    class Meta:
        verbose_name = "发出报文"
        verbose_name_plural = "发出报文"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["partner", "status", "id"], name="outbox_partner_state"),
            # The metrics' oldest message not yet taken by its partner.
            models.Index(fields=["created_at"], condition=Q(status="pending"), name="outbox_pending_age"),
        ]

    def __str__(self):
        return f"{self.kind} {self.case_number}"


class InboxMessage(models.Model):
    """A message a partner sent, once: a repeated id with the same content is answered as already done."""

    partner = models.ForeignKey(PartnerCenter, on_delete=models.PROTECT, related_name="inbox", verbose_name="发送中心")
    message_id = models.UUIDField("报文编号")
    kind = models.CharField("报文类型", max_length=40)
    case_number = models.CharField("业务编号", max_length=20, blank=True)
    payload = models.JSONField("报文内容")
    digest = models.CharField("内容摘要", max_length=64)
    received_at = models.DateTimeField("接收时间", default=timezone.now)
    repeats = models.PositiveIntegerField("重复收到次数", default=0)
    purged_at = models.DateTimeField("报文内容清除时间", null=True, blank=True)

    class Meta:
        verbose_name = "收到报文"
        verbose_name_plural = "收到报文"
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["partner", "message_id"], name="inbox_once_per_id")]

    def __str__(self):
        return f"{self.kind} {self.case_number}"


class DailySequence(models.Model):
    """The day's last sequence number of 联系函 / 受理编号 (6-digit center code + YYMMDD + 4 digits)."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.day} {self.last}"


class Role(models.TextChoices):
    ACCEPTANCE = "acceptance", "受理中心"
    HOME = "home", "属地中心"


class JointStatus(models.TextChoices):
    REGISTERED = "registered", "已受理，待发送"
    SENT = "sent", "已提交属地中心"
    RECEIVED = "received", "属地中心已接收，审核中"
    APPROVED = "approved", "属地中心审核通过，付款中"
    MATERIALS = "materials", "需补充材料"
    PAID = "paid", "已办结（资金已到账）"
    REJECTED = "rejected", "不予办理"
    FAILED = "failed", "付款失败"


JOINT_TRANSITIONS: dict[str, set[str]] = {
    JointStatus.REGISTERED: {JointStatus.SENT},
    # The home center's answers arrive in order; a case it refuses on receipt skips 接收.
    JointStatus.SENT: {JointStatus.RECEIVED, JointStatus.REJECTED, JointStatus.MATERIALS},
    JointStatus.RECEIVED: {JointStatus.APPROVED, JointStatus.REJECTED, JointStatus.MATERIALS},
    JointStatus.MATERIALS: {JointStatus.SENT, JointStatus.RECEIVED, JointStatus.REJECTED},
    JointStatus.APPROVED: {JointStatus.PAID, JointStatus.FAILED},
    JointStatus.PAID: set(),
    JointStatus.REJECTED: set(),
    JointStatus.FAILED: set(),
}
JOINT_FINAL = {JointStatus.PAID, JointStatus.REJECTED, JointStatus.FAILED}


class JointKind(models.TextChoices):
    RENT = "rent", "租房提取"
    REMOTE_LOAN = "remote_loan", "偿还异地住房公积金/商业购房贷款本息提取"


class JointCase(models.Model):
    """A 两地联办 withdrawal, as each of the two centers keeps it (`role`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField("受理编号", max_length=16)
    role = models.CharField("本中心角色", max_length=10, choices=Role.choices)
    partner = models.ForeignKey(PartnerCenter, on_delete=models.PROTECT, related_name="+", verbose_name="对方中心")
    status = models.CharField("状态", max_length=12, choices=JointStatus.choices, default=JointStatus.REGISTERED)
    kind = models.CharField("提取类型", max_length=12, choices=JointKind.choices, default=JointKind.RENT)
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号", max_length=18)
    phone = models.CharField("联系电话", max_length=11)
    amount = models.DecimalField("申请提取金额（元）", max_digits=14, decimal_places=2)
    bank = models.CharField("收款银行", max_length=30)
    card_number = models.CharField("银行卡号码", max_length=19)
    rent_region = models.CharField("租房地区", max_length=30, blank=True)
    rent_address = models.CharField("租房地址", max_length=100, blank=True)
    rent_year = models.PositiveSmallIntegerField("租房年度", null=True, blank=True)
    rent_start_month = models.PositiveSmallIntegerField("起始月份", null=True, blank=True)
    rent_end_month = models.PositiveSmallIntegerField("截止月份", null=True, blank=True)
    monthly_rent = models.DecimalField("月租金（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    # Acceptance: the person's own account here, if any (the case shows on 我发起的). Home: the account paid.
    account = models.ForeignKey(
        "deposits.PersonalAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="本中心个人账户",
    )
    application = models.OneToOneField(
        "withdrawals.WithdrawalApplication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="joint_case",
        verbose_name="属地中心提取申请",
    )
    result_reason = models.CharField("审核意见 / 补件要求", max_length=300, blank=True)
    paid_amount = models.DecimalField("实际提取金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    paid_at = models.DateTimeField("到账时间", null=True, blank=True)
    due_on = models.DateField("本环节办理时限", null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="受理人",
    )
    created_at = models.DateTimeField("受理时间", default=timezone.now)

    class Meta:
        verbose_name = "两地联办提取"
        verbose_name_plural = "两地联办提取（跨省通办）"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "role", "number"], name="joint_case_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="joint_amount_gt_0"),
        ]

    def __str__(self):
        return f"{self.number} {self.get_kind_display()}"

    @property
    def is_final(self) -> bool:
        return self.status in JOINT_FINAL


class JointCaseChange(StateChange):
    case = models.ForeignKey(JointCase, on_delete=models.CASCADE, related_name="changes", verbose_name="两地联办")
    from_status = models.CharField("原状态", max_length=12, choices=JointStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=JointStatus.choices)

    class Meta(StateChange.Meta):
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"


def _case_storage():
    return uploads_storage()


class CaseMaterial(StoredMaterial):
    """A material the acceptance center scanned (身份证、租房合同、银行卡…); sent with the case."""

    case = models.ForeignKey(JointCase, on_delete=models.CASCADE, related_name="materials", verbose_name="两地联办")
    file = models.FileField("扫描件", storage=_case_storage, upload_to="crosscenter/%Y/%m/")
    sent = models.BooleanField("已发送", default=False)
    uploaded_at = models.DateTimeField("扫描时间", auto_now_add=True)

    class Meta:
        verbose_name = "扫描材料"
        verbose_name_plural = "扫描材料"
        ordering = ["uploaded_at"]


class TransferStatus(models.TextChoices):
    # The national platform's statuses of a 转移接续 case, by their codes.
    DONE = "00", "00 正常办结"
    LETTER_REVIEWED = "01", "01 联系函复核通过"
    LETTER_RECEIVED = "02", "02 联系函确认接收"
    CANCELLED = "05", "05 转入撤销办结"
    NEGOTIATING = "06", "06 协商中"
    ACCOUNT_REVIEWED = "08", "08 账户信息复核通过"
    OUT_REFUSED = "13", "13 转出审核不通过"
    DONE_AFTER_NEGOTIATION = "20", "20 协商后办结"
    OUT_FAILED = "40", "40 转出失败办结"


TRANSFER_TRANSITIONS: dict[str, set[str]] = {
    TransferStatus.LETTER_REVIEWED: {TransferStatus.LETTER_RECEIVED, TransferStatus.CANCELLED},
    TransferStatus.LETTER_RECEIVED: {
        TransferStatus.ACCOUNT_REVIEWED,
        TransferStatus.OUT_REFUSED,
        TransferStatus.NEGOTIATING,
        TransferStatus.CANCELLED,  # the old center: a cancellation sent at 01 that arrives after its receipt
    },
    TransferStatus.NEGOTIATING: {TransferStatus.ACCOUNT_REVIEWED, TransferStatus.OUT_REFUSED},
    TransferStatus.ACCOUNT_REVIEWED: {
        TransferStatus.DONE,
        TransferStatus.DONE_AFTER_NEGOTIATION,
        TransferStatus.OUT_FAILED,
    },
    TransferStatus.DONE: set(),
    TransferStatus.CANCELLED: set(),
    TransferStatus.OUT_REFUSED: set(),
    TransferStatus.DONE_AFTER_NEGOTIATION: set(),
    TransferStatus.OUT_FAILED: set(),
}
TRANSFER_FINAL = {
    TransferStatus.DONE,
    TransferStatus.CANCELLED,
    TransferStatus.OUT_REFUSED,
    TransferStatus.DONE_AFTER_NEGOTIATION,
    TransferStatus.OUT_FAILED,
}


class TransferDirection(models.TextChoices):
    IN = "in", "转入（本中心为转入地）"
    OUT = "out", "转出（本中心为转出地）"


class TransferCase(models.Model):
    """A 转移接续 case, as each of the two centers keeps it (`direction`)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    letter_number = models.CharField("联系函编号", max_length=16)
    direction = models.CharField("方向", max_length=4, choices=TransferDirection.choices)
    partner = models.ForeignKey(PartnerCenter, on_delete=models.PROTECT, related_name="+", verbose_name="对方中心")
    status = models.CharField("状态", max_length=2, choices=TransferStatus.choices)
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号", max_length=18)
    old_account_number = models.CharField("原个人账号", max_length=20, blank=True)
    account = models.ForeignKey(
        "deposits.PersonalAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="本中心个人账户",
    )
    negotiated = models.BooleanField("经过协商", default=False)
    remark = models.CharField("说明（不通过、协商或撤销原因）", max_length=300, blank=True)
    principal = models.DecimalField("转移本金（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    interest = models.DecimalField("转移利息（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    total = models.DecimalField("转移金额合计（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    opened_month = models.CharField("初缴年月", max_length=7, blank=True)
    paid_to_month = models.CharField("缴至年月", max_length=7, blank=True)
    continuity = models.JSONField("近6个月连续缴存情况", default=list, blank=True)
    loan_count = models.PositiveSmallIntegerField("公积金贷款笔数", null=True, blank=True)
    due_on = models.DateField("本环节办理时限", null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="申请人",
    )
    created_at = models.DateTimeField("申请时间", default=timezone.now)

    class Meta:
        verbose_name = "转移接续"
        verbose_name_plural = "转移接续（跨省通办）"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["partner", "direction", "letter_number"], name="transfer_once")]
        permissions = [("handle_crosscenter", "可以办理跨省通办业务（专窗）")]

    def __str__(self):
        return f"{self.letter_number} {self.name}"

    @property
    def is_final(self) -> bool:
        return self.status in TRANSFER_FINAL


class TransferCaseChange(StateChange):
    case = models.ForeignKey(TransferCase, on_delete=models.CASCADE, related_name="changes", verbose_name="转移接续")
    from_status = models.CharField("原状态", max_length=2, choices=TransferStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=2, choices=TransferStatus.choices)

    class Meta(StateChange.Meta):
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
