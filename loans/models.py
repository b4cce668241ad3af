import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from gjj_portal.states import StateChange

from .schedule import EQUAL_INSTALMENT, EQUAL_PRINCIPAL


class Method(models.TextChoices):
    EQUAL_INSTALMENT = EQUAL_INSTALMENT, "等额本息"
    EQUAL_PRINCIPAL = EQUAL_PRINCIPAL, "等额本金"


METHOD_CODES: dict[str, str] = {Method.EQUAL_INSTALMENT: "01", Method.EQUAL_PRINCIPAL: "02"}


class LoanStatus(models.TextChoices):
    APPLYING = "applying", "审批中"
    DISBURSED = "disbursed", "还款中"
    SETTLED = "settled", "已结清"


LOAN_TRANSITIONS: dict[str, set[str]] = {
    LoanStatus.APPLYING: {LoanStatus.DISBURSED},
    LoanStatus.DISBURSED: {LoanStatus.SETTLED},
    LoanStatus.SETTLED: set(),
}


class LoanContractQuerySet(models.QuerySet):
    def of_account(self, account):
        return self.filter(Q(borrower=account) | Q(co_borrower=account))


class LoanContract(models.Model):
    """借款合同. `principal_balance` moves only through loans.services, under the row lock."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contract_no = models.CharField("借款合同编号", max_length=30, unique=True)
    borrower = models.ForeignKey(
        "deposits.PersonalAccount", on_delete=models.PROTECT, related_name="loans", verbose_name="借款人"
    )
    co_borrower = models.ForeignKey(
        "deposits.PersonalAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="co_loans",
        verbose_name="共同借款人",
    )
    amount = models.DecimalField("贷款金额（元）", max_digits=14, decimal_places=2)
    term_months = models.PositiveSmallIntegerField("贷款期限（月）")
    annual_rate = models.DecimalField("年利率", max_digits=6, decimal_places=4)
    rate_effective_on = models.DateField("利率执行日期")
    method = models.CharField("还款方式", max_length=20, choices=Method.choices)
    status = models.CharField("贷款状态", max_length=12, choices=LoanStatus.choices, default=LoanStatus.APPLYING)
    disbursed_on = models.DateField("贷款发放日期", null=True, blank=True)
    first_due_on = models.DateField("首次还款日期", null=True, blank=True)
    principal_balance = models.DecimalField("贷款余额（元）", max_digits=14, decimal_places=2, default=0)
    repay_bank = models.CharField("委托扣款银行", max_length=30)
    repay_card = models.CharField("扣款银行卡号", max_length=19)
    house_address = models.CharField("房屋坐落", max_length=200, blank=True)

    objects = LoanContractQuerySet.as_manager()

    class Meta:
        verbose_name = "借款合同"
        verbose_name_plural = "借款合同"
        ordering = ["-disbursed_on", "contract_no"]
        constraints = [
            models.CheckConstraint(condition=Q(principal_balance__gte=0), name="loan_balance_gte_0"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="loan_amount_gt_0"),
        ]

    def __str__(self):
        return self.contract_no

    @property
    def method_code(self) -> str:
        return METHOD_CODES[self.method]


class ProgressNode(models.Model):
    """贷款进度: ordered nodes, done when `done_at` is set; the first not done is the current one."""

    class Step(models.TextChoices):
        ACCEPT = "accept", "受理"
        APPROVE = "approve", "审批"
        SIGN = "sign", "签订合同"
        MORTGAGE = "mortgage", "抵押登记"
        DISBURSE = "disburse", "放款"

    contract = models.ForeignKey(
        LoanContract, on_delete=models.CASCADE, related_name="progress", verbose_name="借款合同"
    )
    step = models.CharField("节点", max_length=10, choices=Step.choices)
    position = models.PositiveSmallIntegerField("顺序")
    done_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "贷款进度"
        verbose_name_plural = "贷款进度"
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["contract", "step"], name="progress_step_unique")]

    def __str__(self):
        return self.get_step_display()


class Instalment(models.Model):
    """A row of 还款计划. Unpaid rows are replaced when the schedule is recomputed (prepayment, repricing)."""

    class State(models.TextChoices):
        DUE = "due", "待还"
        PAID = "paid", "已还"
        OVERDUE = "overdue", "逾期"

    contract = models.ForeignKey(
        LoanContract, on_delete=models.CASCADE, related_name="schedule", verbose_name="借款合同"
    )
    period = models.PositiveSmallIntegerField("期次")
    due_on = models.DateField("应还日期")
    principal = models.DecimalField("应还本金", max_digits=14, decimal_places=2)
    interest = models.DecimalField("应还利息", max_digits=14, decimal_places=2)
    payment = models.DecimalField("应还金额", max_digits=14, decimal_places=2)
    balance_after = models.DecimalField("剩余本金", max_digits=14, decimal_places=2)
    annual_rate = models.DecimalField("年利率", max_digits=6, decimal_places=4)
    status = models.CharField("状态", max_length=10, choices=State.choices, default=State.DUE)
    paid_on = models.DateField("实还日期", null=True, blank=True)

    class Meta:
        verbose_name = "还款计划"
        verbose_name_plural = "还款计划"
        ordering = ["period"]
        constraints = [models.UniqueConstraint(fields=["contract", "period"], name="instalment_period_unique")]

    def __str__(self):
        return f"{self.contract_id}#{self.period}"


INSTALMENT_TRANSITIONS: dict[str, set[str]] = {
    Instalment.State.DUE: {Instalment.State.PAID, Instalment.State.OVERDUE},
    Instalment.State.OVERDUE: {Instalment.State.PAID},
    Instalment.State.PAID: set(),
}


class LoanContractChange(StateChange):
    """Who moved a loan contract, when, from which status to which and why (受理, 放款, 结清)."""

    contract = models.ForeignKey(
        LoanContract, on_delete=models.CASCADE, related_name="changes", verbose_name="借款合同"
    )
    from_status = models.CharField("原状态", max_length=10, choices=LoanStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=10, choices=LoanStatus.choices)

    class Meta(StateChange.Meta):
        verbose_name = "合同状态变更"
        verbose_name_plural = "合同状态变更"


class InstalmentChange(StateChange):
    """An instalment's moves (逾期, 已还). Named by contract and period, not by the row: an unpaid row is
    replaced when its schedule is recomputed, and its history must outlive it."""

    contract = models.ForeignKey(
        LoanContract, on_delete=models.CASCADE, related_name="instalment_changes", verbose_name="借款合同"
    )
    period = models.PositiveSmallIntegerField("期次")
    from_status = models.CharField("原状态", max_length=10, choices=Instalment.State.choices, blank=True)
    to_status = models.CharField("新状态", max_length=10, choices=Instalment.State.choices)

    class Meta(StateChange.Meta):
        verbose_name = "还款计划状态变更"
        verbose_name_plural = "还款计划状态变更"
        indexes = [models.Index(fields=["contract", "period"], name="instalment_change_period")]


class Repayment(models.Model):
    """还款记录 (还款明细): money actually received, append-only."""

    class Kind(models.TextChoices):
        INSTALMENT = "instalment", "正常还款"
        PREPAYMENT = "prepayment", "提前部分还款"

    contract = models.ForeignKey(
        LoanContract, on_delete=models.PROTECT, related_name="repayments", verbose_name="借款合同"
    )
    kind = models.CharField("还款类型", max_length=12, choices=Kind.choices)
    paid_on = models.DateField("还款日期")
    principal = models.DecimalField("归还本金", max_digits=14, decimal_places=2)
    interest = models.DecimalField("归还利息", max_digits=14, decimal_places=2)
    amount = models.DecimalField("还款金额", max_digits=14, decimal_places=2)
    balance_after = models.DecimalField("贷款余额", max_digits=14, decimal_places=2)
    reference = models.CharField("业务流水", max_length=64, unique=True)
    bank_reference = models.CharField("银行流水号", max_length=64, blank=True)
    instalment = models.OneToOneField(
        Instalment, on_delete=models.PROTECT, null=True, blank=True, verbose_name="还款期次"
    )
    mode = models.CharField("提前还款方式", max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "还款记录"
        verbose_name_plural = "还款记录"
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="repayment_amount_gt_0"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="repayment_balance_gte_0"),
        ]

    def __str__(self):
        return self.reference


class CommercialLoan(models.Model):
    """A commercial housing loan record (商贷), looked up by 材料号 for 商贷还款提取."""

    material_no = models.CharField("材料号", max_length=30, unique=True)
    borrower = models.ForeignKey(
        "deposits.PersonalAccount", on_delete=models.PROTECT, related_name="commercial_loans", verbose_name="主贷人"
    )
    lender = models.CharField("贷款银行", max_length=50)
    contract_no = models.CharField("商贷合同编号", max_length=40)
    amount = models.DecimalField("贷款金额（元）", max_digits=14, decimal_places=2)
    term_months = models.PositiveSmallIntegerField("贷款期限（月）")
    start_on = models.DateField("贷款起始日期")
    monthly_payment = models.DecimalField("月还款额（元）", max_digits=12, decimal_places=2)
    house_address = models.CharField("房屋坐落", max_length=200)

    class Meta:
        verbose_name = "商业贷款记录"
        verbose_name_plural = "商业贷款记录"

    def __str__(self):
        return f"{self.lender} {self.contract_no}"


class PrepaymentRequest(models.Model):
    """A previewed 提前还款, kept on the server: the confirmation page carries only its id.

    States: prepared (previewed) → debiting (the bank is being asked, with this row's key) → done
    (a Repayment is recorded) or refused (the bank said no); prepared ones expire. A row left
    debiting by a crash is settled by the sweeper, which asks the bank by the same key."""

    class State(models.TextChoices):
        PREPARED = "prepared", "待确认"
        DEBITING = "debiting", "扣款中"
        DONE = "done", "已扣款"
        REFUSED = "refused", "扣款失败"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contract = models.ForeignKey(LoanContract, on_delete=models.PROTECT, related_name="+", verbose_name="借款合同")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申请人"
    )
    amount = models.DecimalField("还款金额", max_digits=14, decimal_places=2)
    mode = models.CharField("提前还款方式", max_length=10)
    fingerprint = models.CharField("还款计划指纹", max_length=64)
    status = models.CharField("状态", max_length=10, choices=State.choices, default=State.PREPARED)
    created_at = models.DateTimeField("确认页生成时间", auto_now_add=True)
    debiting_at = models.DateTimeField("开始扣款时间", null=True, blank=True)
    failure = models.CharField("失败原因", max_length=200, blank=True)
    repayment = models.OneToOneField(
        Repayment, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="还款记录"
    )

    class Meta:
        verbose_name = "提前还款申请"
        verbose_name_plural = "提前还款申请"
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="prepayment_request_amount_gt_0")]

    def __str__(self):
        return f"{self.contract_id} {self.amount} {self.status}"

    @property
    def reference(self) -> str:
        """The bank's idempotency key and the Repayment's reference: one debit per request, ever."""
        return f"TQHK{self.public_id.hex}"
