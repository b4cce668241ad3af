import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gjj_portal.states import StateChange
from gjj_portal.uploads import StoredMaterial, uploads_storage

from .schedule import EQUAL_INSTALMENT, EQUAL_PRINCIPAL


class Method(models.TextChoices):
    EQUAL_INSTALMENT = EQUAL_INSTALMENT, "等额本息"
    EQUAL_PRINCIPAL = EQUAL_PRINCIPAL, "等额本金"


METHOD_CODES: dict[str, str] = {Method.EQUAL_INSTALMENT: "01", Method.EQUAL_PRINCIPAL: "02"}


class LoanStatus(models.TextChoices):
    APPLYING = "applying", "未发放"
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
    annual_rate = models.DecimalField("年利率", max_digits=7, decimal_places=5)
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
    annual_rate = models.DecimalField("年利率", max_digits=7, decimal_places=5)
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


class ApplicationStatus(models.TextChoices):
    """贷款申请's steps (seed 004 §3.3's nodes: 申请 → 受理 → 审批 → 签订合同 → 抵押登记 → 放款)."""

    SUBMITTED = "submitted", "待受理"
    MATERIALS_REQUESTED = "materials", "待补件"
    ACCEPTED = "accepted", "已受理，待审批"
    APPROVED = "approved", "审批通过，待签订合同"
    SIGNED = "signed", "已签订合同，待抵押登记"
    MORTGAGED = "mortgaged", "已抵押登记，待放款"
    RELEASED = "released", "放款中"
    DISBURSED = "disbursed", "已放款"
    FAILED = "failed", "放款失败"
    REJECTED = "rejected", "审批不通过"
    WITHDRAWN = "withdrawn", "已撤回"


APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    ApplicationStatus.SUBMITTED: {
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.MATERIALS_REQUESTED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
    },
    ApplicationStatus.MATERIALS_REQUESTED: {ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN},
    ApplicationStatus.ACCEPTED: {ApplicationStatus.APPROVED, ApplicationStatus.REJECTED},
    ApplicationStatus.APPROVED: {ApplicationStatus.SIGNED},
    ApplicationStatus.SIGNED: {ApplicationStatus.MORTGAGED},
    ApplicationStatus.MORTGAGED: {ApplicationStatus.RELEASED},
    ApplicationStatus.RELEASED: {ApplicationStatus.DISBURSED, ApplicationStatus.FAILED},
    ApplicationStatus.FAILED: {ApplicationStatus.RELEASED},
    ApplicationStatus.DISBURSED: set(),
    ApplicationStatus.REJECTED: set(),
    ApplicationStatus.WITHDRAWN: set(),
}
# Open: one per person (and per co-borrower) at a time; a slot for 面签 is held.
APPLICATION_OPEN = [
    s
    for s in ApplicationStatus
    if s not in (ApplicationStatus.DISBURSED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN)
]


class HouseKind(models.TextChoices):
    NEW = "new", "新建商品房"
    RESALE = "resale", "二手房"


class HalfDay(models.TextChoices):
    AM = "am", "上午（9:00–11:30）"
    PM = "pm", "下午（13:30–16:30）"


class LoanApplication(models.Model):
    """贷款申请, from 可贷额度 to 放款. The 放款 is paid by the worker through the bank adapter with this row's
    key (`disburse_key`); a crash between the bank's answer and the record is settled by the sweep, which asks
    again with the same key (the bank answers a key it has seen with its first result)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField("申请编号", max_length=20, unique=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="loan_applications", verbose_name="申请人"
    )
    account = models.ForeignKey(
        "deposits.PersonalAccount", on_delete=models.PROTECT, related_name="loan_applications", verbose_name="借款人"
    )
    status = models.CharField(
        "状态", max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    # 房屋
    house_kind = models.CharField("房屋类型", max_length=10, choices=HouseKind.choices)
    purchase_contract_no = models.CharField("购房合同编号", max_length=40)
    house_address = models.CharField("房屋坐落", max_length=200)
    house_area = models.DecimalField("建筑面积（㎡）", max_digits=8, decimal_places=2)
    house_price = models.DecimalField("房屋总价（元）", max_digits=14, decimal_places=2)
    second_home = models.BooleanField("二套住房（申请人申报）", default=False)
    # 共同借款人（配偶）
    co_name = models.CharField("共同借款人姓名", max_length=50, blank=True)
    co_id_number = models.CharField("共同借款人身份证号", max_length=18, blank=True)
    co_phone = models.CharField("共同借款人手机号", max_length=11, blank=True)
    co_account = models.ForeignKey(
        "deposits.PersonalAccount",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="co_loan_applications",
        verbose_name="共同借款人公积金账户",
    )
    co_income = models.DecimalField("共同借款人月收入（元）", max_digits=12, decimal_places=2, default=0)
    co_confirmed_at = models.DateTimeField("共同借款人短信确认时间", null=True, blank=True)
    other_debts = models.DecimalField("其他月还款额（元）", max_digits=12, decimal_places=2, default=0)
    # 贷款
    amount = models.DecimalField("申请金额（元）", max_digits=14, decimal_places=2)
    term_months = models.PositiveSmallIntegerField("申请期限（月）")
    method = models.CharField("还款方式", max_length=20, choices=Method.choices)
    quote = models.JSONField("提交时的可贷额度", default=dict)
    repay_bank = models.CharField("还款银行（受托银行）", max_length=30)
    repay_card = models.CharField("还款银行卡号", max_length=19)
    payee_name = models.CharField("收款人（售房人或开发商监管账户户名）", max_length=100)
    payee_bank = models.CharField("收款账户开户行", max_length=30)
    payee_account = models.CharField("收款账号", max_length=19)
    # 面签
    signing_on = models.DateField("面签日期")
    signing_half = models.CharField("面签时段", max_length=2, choices=HalfDay.choices)
    # 审批 (the amount and term approved may be less than asked)
    approved_amount = models.DecimalField("核准金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    approved_term_months = models.PositiveSmallIntegerField("核准期限（月）", null=True, blank=True)
    annual_rate = models.DecimalField("执行年利率", max_digits=7, decimal_places=5, null=True, blank=True)
    opinion = models.CharField("意见", max_length=500, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="受理人",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审批人",
    )
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="放款复核人",
    )
    # 签订合同 and 抵押登记 (recorded by the clerk at the 面签)
    contract = models.OneToOneField(
        LoanContract,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="application",
        verbose_name="借款合同",
    )
    signed_on = models.DateField("合同签订日期", null=True, blank=True)
    mortgage_on = models.DateField("抵押登记日期", null=True, blank=True)
    mortgage_certificate = models.CharField("不动产登记证明号", max_length=40, blank=True)
    # 放款
    disburse_attempt = models.PositiveSmallIntegerField("放款次数", default=0)
    disbursing_at = models.DateTimeField("开始放款时间", null=True, blank=True)
    bank_reference = models.CharField("银行流水号", max_length=64, blank=True)
    failure = models.CharField("放款失败原因", max_length=200, blank=True)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "贷款申请"
        verbose_name_plural = "贷款申请"
        ordering = ["-submitted_at"]
        permissions = [
            ("accept_loan", "受理贷款申请（含补件、不予受理）"),
            ("approve_loan", "审批贷款申请"),
            ("sign_loan", "登记借款合同签订与抵押登记"),
            ("release_loan", "复核放款"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="loan_application_amount_gt_0"),
            # One open application per person: the database says so too (two tabs, two clicks).
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(status__in=APPLICATION_OPEN),
                name="loan_application_one_open",
            ),
        ]
        indexes = [models.Index(fields=["status", "submitted_at"], name="loan_application_queue")]

    def __str__(self):
        return self.number

    @property
    def disburse_key(self) -> str:
        """The bank's idempotency key of this 放款 (a new one only when a refused 放款 is released again)."""
        return f"DKFK{self.public_id.hex}-{self.disburse_attempt}"

    @property
    def loan_amount(self) -> Decimal:
        return self.approved_amount if self.approved_amount is not None else self.amount

    @property
    def loan_term_months(self) -> int:
        return self.approved_term_months or self.term_months


class LoanApplicationChange(StateChange):
    """Who moved a 贷款申请, when, from which status to which and why: the dates of its progress nodes."""

    application = models.ForeignKey(
        LoanApplication, on_delete=models.CASCADE, related_name="changes", verbose_name="贷款申请"
    )
    from_status = models.CharField("原状态", max_length=12, choices=ApplicationStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=12, choices=ApplicationStatus.choices)

    class Meta(StateChange.Meta):
        verbose_name = "贷款申请办理记录"
        verbose_name_plural = "贷款申请办理记录"


class LoanMaterial(StoredMaterial):
    """A document of the policy's checklist (`CenterPolicy.loan_materials`), checked by content."""

    application = models.ForeignKey(
        LoanApplication, on_delete=models.CASCADE, related_name="materials", verbose_name="贷款申请"
    )
    kind = models.CharField("材料名称", max_length=30)
    file = models.FileField("文件", storage=uploads_storage, upload_to="loan-materials/%Y/%m/")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "贷款申请材料"
        verbose_name_plural = "贷款申请材料"
        ordering = ["uploaded_at"]

    def __str__(self):
        return f"{self.kind}：{self.original_name}"


class SigningSlot(models.Model):
    """面签预约: how many are booked for a half day; booking is one conditional UPDATE under the capacity."""

    day = models.DateField("日期")
    half = models.CharField("时段", max_length=2, choices=HalfDay.choices)
    booked = models.PositiveSmallIntegerField("已预约", default=0)

    class Meta:
        verbose_name = "面签预约"
        verbose_name_plural = "面签预约"
        constraints = [models.UniqueConstraint(fields=["day", "half"], name="signing_slot_unique")]

    def __str__(self):
        return f"{self.day} {self.get_half_display()}"
