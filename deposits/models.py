import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import HashIndex
from django.db import models
from django.db.models import F, Q, Sum, Value, Window
from django.utils import timezone

from gjj_portal.states import StateChange


class Employer(models.Model):
    class Status(models.TextChoices):
        NORMAL = "normal", "正常"
        SEALED = "sealed", "封存"
        CLOSED = "closed", "销户"

    # The national DWZHZT code of each status (01 正常, 02 开户, 03 缓缴, 04 销户, 05 封存, 99 其他).
    STATUS_CODES = {"normal": "01", "sealed": "05", "closed": "04"}

    dwzh = models.CharField("单位账号", max_length=20, unique=True)
    name = models.CharField("单位名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    region = models.CharField("单位所在地区", max_length=30)
    status = models.CharField("单位状态", max_length=10, choices=Status.choices, default=Status.NORMAL)
    contribution_day = models.PositiveSmallIntegerField("缴存日", default=15)
    # 单位暂存款: money of the employer's the center holds but could not post to a person (a line whose
    # account closed since 申报, an over-payment, a second payment). Moves only through SuspenseEntry rows.
    suspense_balance = models.DecimalField("单位暂存款余额", max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"

    def __str__(self):
        return self.name

    @property
    def status_code(self) -> str:
        return self.STATUS_CODES[self.status]


class AccountStatus(models.TextChoices):
    # Stored values are English; the national GRZHZT code is `ACCOUNT_STATUS_CODES`.
    NORMAL = "normal", "正常"
    SEALED = "sealed", "封存"
    MERGED = "merged", "合并销户"
    TRANSFERRED_OUT = "transferred_out", "外部转出销户"
    WITHDRAWN = "withdrawn", "提取销户"
    FROZEN = "frozen", "冻结"
    OTHER = "other", "其他"


# The only moves of an account's status; `deposits.services` refuses anything else and records each move.
ACCOUNT_TRANSITIONS: dict[str, set[str]] = {
    # 转移接续: closed (04) only once the new center has acknowledged crediting the money.
    AccountStatus.NORMAL: {
        AccountStatus.SEALED,
        AccountStatus.WITHDRAWN,
        AccountStatus.FROZEN,
        AccountStatus.TRANSFERRED_OUT,
    },
    AccountStatus.SEALED: {
        AccountStatus.NORMAL,
        AccountStatus.WITHDRAWN,
        AccountStatus.FROZEN,
        AccountStatus.TRANSFERRED_OUT,
    },
    # A closing withdrawal whose payment failed: the account reopens as it was before.
    AccountStatus.WITHDRAWN: {AccountStatus.NORMAL, AccountStatus.SEALED},
    AccountStatus.FROZEN: {AccountStatus.NORMAL, AccountStatus.SEALED},
    AccountStatus.MERGED: set(),
    AccountStatus.TRANSFERRED_OUT: set(),
    AccountStatus.OTHER: set(),
}

ACCOUNT_STATUS_CODES: dict[str, str] = {
    AccountStatus.NORMAL: "01",
    AccountStatus.SEALED: "02",
    AccountStatus.MERGED: "03",
    AccountStatus.TRANSFERRED_OUT: "04",
    AccountStatus.WITHDRAWN: "05",
    AccountStatus.FROZEN: "06",
    AccountStatus.OTHER: "99",
}


class SealReason(models.TextChoices):
    LEFT_JOB = "left_job", "离职/解除劳动关系"
    RETIRED = "retired", "退休"
    DISABILITY = "disability", "完全丧失劳动能力"
    MOVED_AWAY = "moved_away", "调出本市"
    EMIGRATED = "emigrated", "出境定居"
    DECEASED = "deceased", "死亡"


class PersonalAccount(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    grzh = models.CharField("个人账号", max_length=20, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account",
        verbose_name="网上用户",
    )
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号", max_length=18, unique=True)
    phone = models.CharField("预留手机号", max_length=11)
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="accounts", verbose_name="单位")
    status = models.CharField("账户状态", max_length=20, choices=AccountStatus.choices, default=AccountStatus.NORMAL)
    seal_reason = models.CharField("封存原因", max_length=20, choices=SealReason.choices, blank=True)
    sealed_on = models.DateField("封存日期", null=True, blank=True)
    base = models.DecimalField("缴存基数", max_digits=10, decimal_places=2)
    employer_ratio = models.DecimalField("单位缴存比例", max_digits=4, decimal_places=2, default=Decimal("0.12"))
    employee_ratio = models.DecimalField("个人缴存比例", max_digits=4, decimal_places=2, default=Decimal("0.12"))
    balance = models.DecimalField("账户余额", max_digits=14, decimal_places=2, default=Decimal("0.00"))
    opened_on = models.DateField("开户日期")
    last_paid_month = models.DateField("缴至年月", null=True, blank=True)
    household_region = models.CharField("户籍所在地", max_length=30, blank=True)
    owns_house = models.BooleanField("名下有自有住房", default=False)
    online_enabled = models.BooleanField("已面签开通网上业务", default=True)
    # 收款银行卡: where withdrawals are paid once the person has bound one (个人信息变更). A newly bound card
    # receives nothing for the policy's cooling-off hours from `payee_card_since`.
    payee_bank = models.CharField("收款银行", max_length=30, blank=True, db_default="")
    payee_card = models.CharField("银行卡号码", max_length=19, blank=True, db_default="")
    payee_card_since = models.DateTimeField("银行卡绑定时间", null=True, blank=True)
    job_category = models.CharField(
        "岗位类别（女职工退休年龄）",
        max_length=10,
        default="cadre",
        choices=[("cadre", "管理、技术岗位（原55周岁）"), ("worker", "工人岗位（原50周岁）")],
    )

    class Meta:
        verbose_name = "个人账户"
        verbose_name_plural = "个人账户"
        indexes = [
            models.Index(fields=["status", "id"], name="account_status_id"),  # admin's 账户状态 filter
            models.Index(fields=["name"], name="account_name"),  # exact search by 姓名
        ]
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="account_balance_gte_0"),
            models.CheckConstraint(
                condition=Q(employer_ratio__gte=Decimal("0.05"), employer_ratio__lte=Decimal("0.12"))
                & Q(employee_ratio__gte=Decimal("0.05"), employee_ratio__lte=Decimal("0.12")),
                name="account_ratio_5_to_12_pct",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.grzh}）"

    @property
    def status_code(self) -> str:
        return ACCOUNT_STATUS_CODES[self.status]

    @property
    def monthly_amount(self) -> Decimal:
        from policy.center import current_policy

        from .rules import monthly_contribution

        return monthly_contribution(
            self.base, self.employer_ratio, self.employee_ratio, current_policy().contribution_rounding
        )


class AccountChange(StateChange):
    """Who changed an account, when, from which status to which and why: 开户, 封存, 启封, 销户, 重新启用,
    and 开通网上服务 (the status stays; the row says which user was linked)."""

    account = models.ForeignKey(
        PersonalAccount, on_delete=models.PROTECT, related_name="changes", verbose_name="个人账户"
    )
    from_status = models.CharField("原状态", max_length=20, choices=AccountStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=AccountStatus.choices)

    class Meta(StateChange.Meta):
        verbose_name = "账户变更记录"
        verbose_name_plural = "账户变更记录"


class RemittanceBatch(models.Model):
    """One list (清册) of an employer: 当月汇缴 for a month (declared once only) or 补缴.

    States: 已申报 declared → 已到账 funded (the employer's money confirmed by the bank or by staff)
    → 已入账 posted (one entry per employee). Nothing reaches an account before 到账."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", "当月汇缴"
        SUPPLEMENTARY = "supplementary", "补缴清册"

    class Status(models.TextChoices):
        DECLARED = "declared", "已申报，待到账"
        FUNDED = "funded", "已到账"
        POSTED = "posted", "已入账"
        CANCELLED = "cancelled", "已撤销申报"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="batches", verbose_name="单位")
    kind = models.CharField("清册类型", max_length=15, choices=Kind.choices)
    period = models.CharField("汇缴年月", max_length=7, blank=True)
    rows = models.PositiveIntegerField("人数")
    total = models.DecimalField("金额合计", max_digits=16, decimal_places=2)
    source = models.CharField("来源", max_length=100, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DECLARED)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name="申报人"
    )
    declared_at = models.DateTimeField("申报时间", default=timezone.now)
    funded_at = models.DateTimeField("到账时间", null=True, blank=True)
    funds_reference = models.CharField("到账凭证号", max_length=64, blank=True)
    posted_at = models.DateTimeField("入账时间", null=True, blank=True)
    notified_at = models.DateTimeField("到账通知时间", null=True, blank=True)
    # 缴款识别码: written by the employer on its bank transfer; the bank's statement is matched by it.
    payment_code = models.CharField("缴款识别码", max_length=12, unique=True, null=True, blank=True)
    due_on = models.DateField("缴款期限", null=True, blank=True)
    received = models.DecimalField("已到账金额", max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = "缴存清册"
        verbose_name_plural = "缴存清册"
        ordering = ["-declared_at"]
        constraints = [
            # A month is declared once: the database refuses a second 当月汇缴 for it.
            models.UniqueConstraint(
                fields=["employer", "period"],
                condition=Q(kind="monthly") & ~Q(status="cancelled"),
                name="batch_one_monthly_per_period",
            )
        ]
        permissions = [("confirm_funds", "可以确认单位缴款到账并入账")]

    def __str__(self):
        return f"{self.employer} {self.get_kind_display()} {self.period}"


REMITTANCE_TRANSITIONS: dict[str, set[str]] = {
    RemittanceBatch.Status.DECLARED: {RemittanceBatch.Status.FUNDED, RemittanceBatch.Status.CANCELLED},
    RemittanceBatch.Status.CANCELLED: set(),
    RemittanceBatch.Status.FUNDED: {RemittanceBatch.Status.POSTED},
    RemittanceBatch.Status.POSTED: set(),
}


class RemittanceLine(models.Model):
    """One employee's amount in a declared list, kept until 到账 posts it."""

    batch = models.ForeignKey(RemittanceBatch, on_delete=models.CASCADE, related_name="lines", verbose_name="清册")
    account = models.ForeignKey(PersonalAccount, on_delete=models.PROTECT, related_name="+", verbose_name="个人账户")
    period = models.CharField("所属年月", max_length=7)
    amount = models.DecimalField("金额", max_digits=14, decimal_places=2)
    # At 入账: posted to the person, or (the account can no longer take it) to the employer's 单位暂存款.
    outcome = models.CharField(
        "入账结果", max_length=10, blank=True, choices=[("posted", "已入账"), ("suspense", "转单位暂存款")]
    )
    reason = models.CharField("未能入账原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "清册明细"
        verbose_name_plural = "清册明细"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="remittance_line_amount_gt_0")]

    def __str__(self):
        return f"{self.account_id} {self.period} {self.amount}"


class RemittanceBatchChange(StateChange):
    """Who moved a list from one state to another, when and why."""

    batch = models.ForeignKey(RemittanceBatch, on_delete=models.CASCADE, related_name="changes", verbose_name="清册")
    from_status = models.CharField("原状态", max_length=30, choices=RemittanceBatch.Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=30, choices=RemittanceBatch.Status.choices)

    class Meta(StateChange.Meta):
        verbose_name = "清册状态变更"
        verbose_name_plural = "清册状态变更"


class BankCredit(models.Model):
    """One credit on the center's 归集 account, from the bank's statement (or a staff confirmation, recorded
    as the exception it is). Imported once per bank serial number; matched to a list by its 缴款识别码."""

    class Status(models.TextChoices):
        MATCHED = "matched", "已匹配入账"
        SHORT = "short", "金额不足，待补缴"
        SUSPENSE = "suspense", "转单位暂存款"
        UNMATCHED = "unmatched", "未识别，待人工处理"

    bank_ref = models.CharField("银行流水号", max_length=40, unique=True)
    amount = models.DecimalField("来款金额", max_digits=16, decimal_places=2)
    value_date = models.DateField("到账日期")
    payer_name = models.CharField("付款人户名", max_length=100, blank=True)
    payer_account = models.CharField("付款人账号", max_length=40, blank=True)
    memo = models.CharField("附言", max_length=200, blank=True)
    status = models.CharField("处理结果", max_length=10, choices=Status.choices)
    batch = models.ForeignKey(
        RemittanceBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="credits", verbose_name="清册"
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, null=True, blank=True, related_name="credits", verbose_name="单位"
    )
    source = models.CharField("来源", max_length=100)
    note = models.CharField("处理说明", max_length=200, blank=True)
    imported_at = models.DateTimeField("导入时间", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="经办人",
    )  # fmt: skip

    class Meta:
        verbose_name = "银行来款"
        verbose_name_plural = "银行来款（归集账户）"
        ordering = ["-imported_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="bank_credit_amount_gt_0")]

    def __str__(self):
        return f"{self.bank_ref} {self.amount}"


class SuspenseEntry(models.Model):
    """单位暂存款明细: append-only, signed (in > 0, out < 0), the employer's balance after it."""

    class Kind(models.TextChoices):
        STRANDED = "stranded", "清册明细未能入账"
        OVERPAID = "overpaid", "多缴"
        REPEAT = "repeat", "清册已入账后再次来款"
        APPLIED = "applied", "冲抵清册"
        CANCELLED = "cancelled", "撤销申报的清册已到账款"
        CLAIMED = "claimed", "未识别来款人工认领"
        REFUND_BACK = "refund_back", "退款未成功退回"
        REFUND = "refund", "退款"

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="suspense", verbose_name="单位")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    amount = models.DecimalField("发生额", max_digits=16, decimal_places=2)
    balance_after = models.DecimalField("暂存款余额", max_digits=16, decimal_places=2)
    reason = models.CharField("原因", max_length=200)
    batch = models.ForeignKey(
        RemittanceBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="清册"
    )
    line = models.ForeignKey(
        RemittanceLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="清册明细"
    )
    credit = models.ForeignKey(
        BankCredit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="银行来款"
    )
    reference = models.CharField("业务流水", max_length=64)
    created_at = models.DateTimeField("记账时间", auto_now_add=True)

    class Meta:
        verbose_name = "单位暂存款明细"
        verbose_name_plural = "单位暂存款明细"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "kind", "reference"], name="suspense_once_per_reference"),
            models.CheckConstraint(condition=~Q(amount=0), name="suspense_amount_not_zero"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="suspense_balance_gte_0"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class SuspenseRefund(models.Model):
    """单位暂存款退款: the employer asks for its suspense money back to its own bank account; one staff member
    reviews, another releases (the money leaves 单位暂存款 then), the worker pays it once with the refund's
    key; a bank refusal puts it back."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "待审核"
        APPROVED = "approved", "审核通过，待复核放款"
        RELEASED = "released", "退款中"
        PAID = "paid", "已退款"
        FAILED = "failed", "退款失败，款项已退回单位暂存款"
        REJECTED = "rejected", "不予退款"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="refunds", verbose_name="单位")
    amount = models.DecimalField("退款金额", max_digits=16, decimal_places=2)
    bank = models.CharField("开户银行", max_length=30)
    account_no = models.CharField("单位银行账号", max_length=30)
    account_name = models.CharField("账户名称", max_length=100)
    reason = models.CharField("申请说明", max_length=200, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申请人"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="审核人",
    )  # fmt: skip
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="复核放款人",
    )  # fmt: skip
    paying_at = models.DateTimeField("银行处理开始", null=True, blank=True)
    bank_reference = models.CharField("银行流水号", max_length=64, blank=True)
    failure = models.CharField("失败原因", max_length=200, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "单位暂存款退款"
        verbose_name_plural = "单位暂存款退款"
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="suspense_refund_amount_gt_0")]
        permissions = [("review_refund", "可以审核单位暂存款退款")]

    def __str__(self):
        return f"{self.employer} 退款 {self.amount}"

    @property
    def key(self) -> str:
        """The bank's idempotency key: one transfer per refund, ever."""
        return f"TK{self.public_id.hex}"


REFUND_TRANSITIONS: dict[str, set[str]] = {
    SuspenseRefund.Status.REQUESTED: {SuspenseRefund.Status.APPROVED, SuspenseRefund.Status.REJECTED},
    SuspenseRefund.Status.APPROVED: {SuspenseRefund.Status.RELEASED, SuspenseRefund.Status.REJECTED},
    SuspenseRefund.Status.RELEASED: {SuspenseRefund.Status.PAID, SuspenseRefund.Status.FAILED},
    SuspenseRefund.Status.PAID: set(),
    SuspenseRefund.Status.FAILED: set(),
    SuspenseRefund.Status.REJECTED: set(),
}


class SuspenseRefundChange(StateChange):
    refund = models.ForeignKey(SuspenseRefund, on_delete=models.CASCADE, related_name="changes", verbose_name="退款")
    from_status = models.CharField("原状态", max_length=30, choices=SuspenseRefund.Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=30, choices=SuspenseRefund.Status.choices)

    class Meta(StateChange.Meta):
        verbose_name = "退款状态变更"
        verbose_name_plural = "退款状态变更"


class DocumentKind(models.TextChoices):
    DEPOSIT = "deposit", "缴存证明"
    INTEREST_STATEMENT = "interest_statement", "结息对账单"
    LOAN_SETTLED = "loan_settled", "贷款结清证明"


class DepositCertificate(models.Model):
    """An issued document (缴存证明, 结息对账单, 贷款结清证明): what it said (masked, frozen at issue) and
    the code anyone can verify it by, typed or read from its QR code."""

    code = models.CharField("验证码", max_length=19, unique=True)
    kind = models.CharField("证明类型", max_length=20, choices=DocumentKind.choices, default=DocumentKind.DEPOSIT)
    account = models.ForeignKey(
        PersonalAccount, on_delete=models.PROTECT, related_name="certificates", verbose_name="个人账户"
    )
    issued_at = models.DateTimeField("出具时间", auto_now_add=True)
    snapshot = models.JSONField("证明内容")

    class Meta:
        verbose_name = "电子证明"
        verbose_name_plural = "电子证明"
        ordering = ["-issued_at"]

    def __str__(self):
        return self.code


class EntryKind(models.TextChoices):
    REMITTANCE = "remittance", "汇缴"
    SUPPLEMENTARY = "supplementary", "补缴"
    OPENING = "opening", "开户"
    UNSEALING = "unsealing", "启封"
    SEALING = "sealing", "封存"
    INTEREST = "interest", "年终结息"
    BASE_ADJUSTMENT = "base_adjustment", "基数调整"
    PARTIAL_WITHDRAWAL = "partial_withdrawal", "部分提取"
    CLOSING_WITHDRAWAL = "closing_withdrawal", "销户提取"
    WITHDRAWAL_REVERSAL = "withdrawal_reversal", "提取冲正"
    FREEZE = "freeze", "冻结"
    UNFREEZE = "unfreeze", "解冻"
    TRANSFER_IN = "transfer_in", "转移接续转入"
    TRANSFER_OUT = "transfer_out", "转移接续转出"
    TRANSFER_REVERSAL = "transfer_reversal", "转出冲正"


ENTRY_KIND_CODES: dict[str, str] = {
    EntryKind.REMITTANCE: "01",
    EntryKind.SUPPLEMENTARY: "02",
    EntryKind.OPENING: "03",
    EntryKind.UNSEALING: "04",
    EntryKind.SEALING: "05",
    EntryKind.INTEREST: "09",
    EntryKind.BASE_ADJUSTMENT: "10",
    EntryKind.PARTIAL_WITHDRAWAL: "11",
    EntryKind.CLOSING_WITHDRAWAL: "12",
    EntryKind.WITHDRAWAL_REVERSAL: "13",
    EntryKind.FREEZE: "14",
    EntryKind.UNFREEZE: "15",
    EntryKind.TRANSFER_IN: "16",
    EntryKind.TRANSFER_OUT: "17",
    EntryKind.TRANSFER_REVERSAL: "18",
}


class LedgerEntryQuerySet(models.QuerySet):
    """What a statement shows. Two orders exist: the value date (`occurred_on`, 发生日期) and the posting order
    (`id`, `created_at`: 记账时间); `balance_after` is the balance after each posting, in posting order (what
    reconcile checks). A back-dated entry — 年终结息 dated 06-30 run after July's entries — would make that
    column read out of order on a statement sorted by value date, so every statement shows `running_balance`:
    the sum of the account's entries up to this one in value-date order (then posting order), computed by
    one window in the same query."""

    def for_account(self, account):
        """The account's entries, newest value date first, each with its running balance."""
        return self.filter(account=account).annotate(running_balance=_running()).order_by("-occurred_on", "-id")

    def for_account_between(self, account, start, end, *, opening: Decimal):
        """The entries dated start..end; `opening` is the balance of the entries dated before `start`."""
        return (
            self.filter(account=account, occurred_on__range=(start, end))
            .annotate(running_balance=_running() + Value(opening, output_field=MONEY))
            .order_by("-occurred_on", "-id")
        )


MONEY = models.DecimalField(max_digits=14, decimal_places=2)


def _running():
    return Window(Sum("amount"), order_by=[F("occurred_on").asc(), F("id").asc()], output_field=MONEY)


class LedgerEntry(models.Model):
    """An append-only 明细 row. `amount` is signed (credit > 0, debit < 0); a PostgreSQL trigger
    refuses UPDATE and DELETE, so a correction is always a new compensating entry."""

    # No index of its own: the two composite indexes below start with the account.
    account = models.ForeignKey(
        PersonalAccount, on_delete=models.PROTECT, related_name="entries", verbose_name="个人账户", db_index=False
    )
    kind = models.CharField("业务类型", max_length=30, choices=EntryKind.choices)
    amount = models.DecimalField("发生额", max_digits=14, decimal_places=2)
    balance_after = models.DecimalField("记账后余额（按记账顺序）", max_digits=14, decimal_places=2)
    occurred_on = models.DateField("发生日期")
    period = models.CharField("所属年月", max_length=7, blank=True)
    reference = models.CharField("业务流水", max_length=64)
    memo = models.CharField("摘要", max_length=100, blank=True)
    created_at = models.DateTimeField("记账时间", auto_now_add=True)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "账户明细"
        verbose_name_plural = "账户明细"
        indexes = [
            models.Index(fields=["account", "occurred_on"]),
            # Admin: the 业务类型 filter, newest first, and the exact search by 业务流水. The search is by
            # equality only: a hash index serves it at about a quarter of the b-tree's size (2 GB at 24
            # million entries), and costs every posting less.
            models.Index(fields=["kind", "id"], name="entry_kind_id"),
            HashIndex(fields=["reference"], name="entry_reference_hash"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="entry_balance_after_gte_0"),
            # Only status records (开户, 封存, 启封, 冻结, 解冻, 基数调整) may carry no money.
            models.CheckConstraint(
                condition=~Q(amount=0)
                | Q(kind__in=["opening", "sealing", "unsealing", "freeze", "unfreeze", "base_adjustment"]),
                name="entry_amount_not_zero",
            ),
            # One entry per business reference and kind: posting the same business twice is impossible.
            models.UniqueConstraint(fields=["account", "kind", "reference"], name="entry_unique_reference"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def kind_code(self) -> str:
        return ENTRY_KIND_CODES[self.kind]


class ProfileChange(models.Model):
    """个人信息变更: who changed the reserved phone or the 收款银行卡 of whom, when, how, old and new
    (masked: the full numbers live on the user and the account)."""

    class Field(models.TextChoices):
        PHONE = "phone", "预留手机号"
        CARD = "card", "收款银行卡"

    class Channel(models.TextChoices):
        ONLINE = "online", "网上办理"
        COUNTER = "counter", "柜台办理"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="profile_changes", verbose_name="缴存职工"
    )
    field = models.CharField("变更项目", max_length=10, choices=Field.choices)
    old_masked = models.CharField("变更前", max_length=60, blank=True)
    new_masked = models.CharField("变更后", max_length=60)
    channel = models.CharField("办理渠道", max_length=10, choices=Channel.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="操作人",
        null=True,
        blank=True,
    )
    ip = models.GenericIPAddressField("请求IP", null=True, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "个人信息变更记录"
        verbose_name_plural = "个人信息变更记录"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.get_field_display()}：{self.old_masked or '（无）'} → {self.new_masked}"
