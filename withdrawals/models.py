import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gjj_portal.states import StateChange
from gjj_portal.uploads import StoredMaterial, uploads_storage


class WithdrawalKind(models.TextChoices):
    RENT = "rent", "租房提取"
    DISABILITY = "disability", "完全丧失劳动能力提取"
    RETIREMENT = "retirement", "退休提取"
    LEAVING = "leaving", "外地销户提取"
    COMMERCIAL_LOAN = "commercial_loan", "商贷还款提取"
    HPF_LOAN = "hpf_loan", "公贷还款提取"


# National withdrawal reason codes (TQYY).
WITHDRAWAL_REASON_CODES: dict[str, str] = {
    WithdrawalKind.RENT: "07",
    WithdrawalKind.DISABILITY: "04",
    WithdrawalKind.RETIREMENT: "03",
    WithdrawalKind.LEAVING: "05",
    WithdrawalKind.COMMERCIAL_LOAN: "06",
    WithdrawalKind.HPF_LOAN: "06",
}
# These take the whole balance plus interest to date and close the account (05 提取销户).
CLOSING_KINDS = {WithdrawalKind.DISABILITY, WithdrawalKind.RETIREMENT, WithdrawalKind.LEAVING}


class Channel(models.TextChoices):
    ONLINE = "online", "网上申请"
    STANDING = "standing", "委托提取"
    JOINT = "joint", "跨省通办（两地联办）"


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    MATERIALS_REQUESTED = "materials_requested", "待补件"
    APPROVED = "approved", "审核通过"
    REJECTED = "rejected", "审核不通过"
    PAYING = "paying", "付款中"
    PAID = "paid", "已到账"
    FAILED = "failed", "付款失败"
    WITHDRAWN = "withdrawn", "已撤回"


# The only allowed transitions; services refuse anything else. 撤回 (the applicant's) only before a decision.
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
    Status.SUBMITTED: {Status.APPROVED, Status.REJECTED, Status.MATERIALS_REQUESTED, Status.WITHDRAWN},
    Status.MATERIALS_REQUESTED: {Status.SUBMITTED, Status.REJECTED, Status.WITHDRAWN},
    Status.APPROVED: {Status.PAYING},
    Status.PAYING: {Status.PAID, Status.FAILED},
    Status.REJECTED: set(),
    Status.PAID: set(),
    Status.FAILED: set(),
    Status.WITHDRAWN: set(),
}

# Applications that still hold (or will hold) money or a place in the frequency count.
ACTIVE_STATUSES = [Status.SUBMITTED, Status.MATERIALS_REQUESTED, Status.APPROVED, Status.PAYING, Status.PAID]


def _new_number() -> str:
    return f"TQ{timezone.localtime():%Y%m%d}{secrets.randbelow(10**8):08d}"


class WithdrawalApplicationQuerySet(models.QuerySet):
    def of_user(self, user):
        return self.filter(applicant=user)

    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)


class WithdrawalApplication(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField("申请编号", max_length=20, unique=True, default=_new_number, editable=False)
    # The online user who applied; empty for a 两地联办 case of a depositor with no online account here.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="withdrawals",
        verbose_name="申请人",
    )
    account = models.ForeignKey(
        "deposits.PersonalAccount", on_delete=models.PROTECT, related_name="withdrawals", verbose_name="个人账户"
    )
    channel = models.CharField(
        "申请渠道", max_length=10, choices=Channel.choices, default=Channel.ONLINE, db_default=Channel.ONLINE
    )
    kind = models.CharField("提取类型", max_length=20, choices=WithdrawalKind.choices)
    status = models.CharField("状态", max_length=30, choices=Status.choices, default=Status.DRAFT)
    amount = models.DecimalField("提取金额（元）", max_digits=14, decimal_places=2)
    bank = models.CharField("收款银行", max_length=30)
    card_number = models.CharField("银行卡号码", max_length=19)
    card_luhn_ok = models.BooleanField("卡号校验通过", default=True)
    needs_materials = models.BooleanField("需要上传材料", default=False)
    commercial_loan = models.ForeignKey(
        "loans.CommercialLoan", on_delete=models.PROTECT, null=True, blank=True, verbose_name="商贷记录"
    )
    loan_contract = models.ForeignKey(
        "loans.LoanContract", on_delete=models.PROTECT, null=True, blank=True, verbose_name="公积金贷款合同"
    )
    account_status_before = models.CharField("销户前账户状态", max_length=20, blank=True)
    review_opinion = models.TextField("审批意见", blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审核人",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = WithdrawalApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "提取申请"
        verbose_name_plural = "提取申请"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"], name="withdrawal_created"),  # the list, newest first
            models.Index(fields=["status", "submitted_at"], name="withdrawal_status_submitted"),  # the queues
        ]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="withdrawal_amount_gt_0")]
        permissions = [
            ("review_withdrawal", "可以审核提取申请（初审）"),
            ("release_payout", "可以复核放款（复核/财务）"),
        ]

    def __str__(self):
        return f"{self.number} {self.get_kind_display()}"

    @property
    def reason_code(self) -> str:
        return WITHDRAWAL_REASON_CODES[self.kind]

    @property
    def closes_account(self) -> bool:
        return self.kind in CLOSING_KINDS


class RentalDetail(models.Model):
    application = models.OneToOneField(
        WithdrawalApplication, on_delete=models.CASCADE, related_name="rental", verbose_name="提取申请"
    )
    region = models.CharField("租房地区", max_length=30)
    address = models.CharField("房屋详细地址", max_length=200)
    year = models.PositiveSmallIntegerField("租房年度")
    start_month = models.PositiveSmallIntegerField("本年度起租月份")
    end_month = models.PositiveSmallIntegerField("本年度止租月份")
    monthly_rent = models.DecimalField("月租金（元）", max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = "租房信息"
        verbose_name_plural = "租房信息"
        constraints = [
            models.CheckConstraint(
                condition=Q(start_month__gte=1, end_month__lte=12, start_month__lte=models.F("end_month")),
                name="rental_months_in_year",
            )
        ]

    def __str__(self):
        return f"{self.region} {self.year}年{self.start_month}–{self.end_month}月"


class StatusChange(StateChange):
    """Who moved an application from which state to which, when and why."""

    application = models.ForeignKey(
        WithdrawalApplication, on_delete=models.CASCADE, related_name="changes", verbose_name="提取申请"
    )
    from_status = models.CharField("原状态", max_length=30, choices=Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=30, choices=Status.choices)

    class Meta(StateChange.Meta):
        verbose_name = "状态变更记录"
        verbose_name_plural = "状态变更记录"


# Kept under this name: migrations name `withdrawals.models.private_storage`.
private_storage = uploads_storage


class Material(StoredMaterial):
    application = models.ForeignKey(
        WithdrawalApplication, on_delete=models.CASCADE, related_name="materials", verbose_name="提取申请"
    )
    file = models.FileField("文件", storage=private_storage, upload_to="materials/%Y/%m/")
    slot = models.CharField("材料名称", max_length=60, blank=True)  # guides.MATERIAL_SLOTS (blank: older uploads)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"
        ordering = ["uploaded_at"]


class Payout(models.Model):
    """The payout outbox: one row per approved application; the idempotency key goes to the bank."""

    class State(models.TextChoices):
        HELD = "held", "待复核放款"
        PENDING = "pending", "待付款"
        SENDING = "sending", "付款中"
        PAID = "paid", "已到账"
        FAILED = "failed", "付款失败"

    application = models.OneToOneField(
        WithdrawalApplication, on_delete=models.PROTECT, related_name="payout", verbose_name="提取申请"
    )
    idempotency_key = models.UUIDField("幂等键", default=uuid.uuid4, unique=True, editable=False)
    amount = models.DecimalField("金额", max_digits=14, decimal_places=2)
    bank = models.CharField("收款银行", max_length=30)
    card_number = models.CharField("银行卡号码", max_length=19)
    payee_name = models.CharField("收款人", max_length=50)
    status = models.CharField("付款状态", max_length=10, choices=State.choices, default=State.HELD)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="放款复核人",
    )
    released_at = models.DateTimeField("放款复核时间", null=True, blank=True)
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    claimed_at = models.DateTimeField("领取时间", null=True, blank=True)
    bank_reference = models.CharField("银行流水号", max_length=64, blank=True)
    batch_file = models.CharField("批量付款文件", max_length=100, blank=True)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "付款"
        verbose_name_plural = "付款"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_gt_0")]
        # The payouts not yet paid (a few among millions): the metrics' counts and the oldest one's age.
        indexes = [models.Index(fields=["status", "released_at"], condition=~Q(status="paid"), name="payout_open")]

    def __str__(self):
        return f"{self.application_id} {self.amount} {self.get_status_display()}"


# The only moves of a payout: held until a second person releases it, claimed by one worker (or one
# batch file), then paid or failed; a timeout or a dead worker puts it back to pending, same key.
PAYOUT_TRANSITIONS: dict[str, set[str]] = {
    Payout.State.HELD: {Payout.State.PENDING},
    Payout.State.PENDING: {Payout.State.SENDING},
    Payout.State.SENDING: {Payout.State.PAID, Payout.State.FAILED, Payout.State.PENDING},
    Payout.State.PAID: set(),
    Payout.State.FAILED: set(),
}


class PayoutChange(StateChange):
    """Who moved a payout, when, from which state to which and why (放款复核 is the releaser's row)."""

    payout = models.ForeignKey(Payout, on_delete=models.CASCADE, related_name="changes", verbose_name="付款")
    from_status = models.CharField("原状态", max_length=10, choices=Payout.State.choices, blank=True)
    to_status = models.CharField("新状态", max_length=10, choices=Payout.State.choices)

    class Meta(StateChange.Meta):
        verbose_name = "付款状态变更"
        verbose_name_plural = "付款状态变更"


# --- 委托提取: a monthly standing instruction -------------------------------------------------------

STANDING_KINDS = (WithdrawalKind.RENT, WithdrawalKind.HPF_LOAN, WithdrawalKind.COMMERCIAL_LOAN)


def _new_standing_number() -> str:
    return f"WT{timezone.localtime():%Y%m%d}{secrets.randbelow(10**6):06d}"


class StandingInstruction(models.Model):
    """委托提取协议: each month (on the policy's day) a withdrawal of this kind is made through the same
    rules and payout path as a one-off application: the month's rent, or the month's loan instalment."""

    class State(models.TextChoices):
        ACTIVE = "active", "生效中"
        CANCELLED = "cancelled", "已撤销"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField("协议编号", max_length=20, unique=True, default=_new_standing_number, editable=False)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="standing_instructions", verbose_name="签约人"
    )
    account = models.ForeignKey(
        "deposits.PersonalAccount",
        on_delete=models.PROTECT,
        related_name="standing_instructions",
        verbose_name="个人账户",
    )
    kind = models.CharField("委托类型", max_length=20, choices=[(k.value, k.label) for k in STANDING_KINDS])
    status = models.CharField("协议状态", max_length=10, choices=State.choices, default=State.ACTIVE)
    bank = models.CharField("收款银行", max_length=30)
    card_number = models.CharField("银行卡号码", max_length=19)
    monthly_rent = models.DecimalField("月租金（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    region = models.CharField("租房地区", max_length=30, blank=True)
    address = models.CharField("房屋详细地址", max_length=200, blank=True)
    commercial_loan = models.ForeignKey(
        "loans.CommercialLoan", on_delete=models.PROTECT, null=True, blank=True, verbose_name="商贷记录"
    )
    loan_contract = models.ForeignKey(
        "loans.LoanContract", on_delete=models.PROTECT, null=True, blank=True, verbose_name="公积金贷款合同"
    )
    signed_at = models.DateTimeField("签约时间", auto_now_add=True)
    cancelled_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "委托提取协议"
        verbose_name_plural = "委托提取协议"
        ordering = ["-signed_at"]
        constraints = [
            # One live instruction of a kind per account: two could pay one month's rent twice.
            models.UniqueConstraint(
                fields=["account", "kind"], condition=Q(status="active"), name="standing_one_active_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.number} {self.get_kind_display()}"


STANDING_TRANSITIONS: dict[str, set[str]] = {
    StandingInstruction.State.ACTIVE: {StandingInstruction.State.CANCELLED},
    StandingInstruction.State.CANCELLED: set(),
}


class StandingInstructionChange(StateChange):
    """Who signed or cancelled an instruction, when and why."""

    instruction = models.ForeignKey(
        StandingInstruction, on_delete=models.CASCADE, related_name="changes", verbose_name="委托提取协议"
    )
    from_status = models.CharField("原状态", max_length=10, choices=StandingInstruction.State.choices, blank=True)
    to_status = models.CharField("新状态", max_length=10, choices=StandingInstruction.State.choices)

    class Meta(StateChange.Meta):
        verbose_name = "协议状态变更"
        verbose_name_plural = "协议状态变更"


class StandingRun(models.Model):
    """One month of one instruction: paid (its application) or skipped (why). Unique per month, so the
    monthly job run twice, or on two workers at once, pays once."""

    class Outcome(models.TextChoices):
        PAID = "paid", "已提取"
        SKIPPED = "skipped", "未提取"

    instruction = models.ForeignKey(
        StandingInstruction, on_delete=models.PROTECT, related_name="runs", verbose_name="委托提取协议"
    )
    month = models.DateField("执行月份")
    outcome = models.CharField("执行结果", max_length=10, choices=Outcome.choices)
    amount = models.DecimalField("提取金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    application = models.OneToOneField(
        WithdrawalApplication,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="standing_run",
        verbose_name="提取申请",
    )
    reason = models.CharField("说明", max_length=300, blank=True)
    ran_at = models.DateTimeField("执行时间", auto_now_add=True)

    class Meta:
        verbose_name = "委托提取执行记录"
        verbose_name_plural = "委托提取执行记录"
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["instruction", "month"], name="standing_once_a_month")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.get_outcome_display()}"
