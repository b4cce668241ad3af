"""The center policy: every number in which centers differ is data here, never a literal in a rule."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from gjj_portal.uploads import uploads_storage


def logo_check(image) -> None:
    from django.core.exceptions import ValidationError
    from PIL import Image

    if not getattr(image, "name", ""):
        return  # none uploaded: the generic emblem
    if image.size > 512 * 1024:
        raise ValidationError("图片不能超过 512 KB。")
    image.seek(0)
    try:
        kind = Image.open(image).format
    except Exception as exc:  # Pillow raises many kinds for a file that is not an image
        raise ValidationError("须为 PNG 或 JPEG 图片。") from exc
    finally:
        image.seek(0)
    if kind not in ("PNG", "JPEG"):
        raise ValidationError("须为 PNG 或 JPEG 图片。")


class CenterPolicy(models.Model):
    code = models.SlugField("配置代码", max_length=32, unique=True)
    center_name = models.CharField("中心名称", max_length=100)
    hotline = models.CharField("服务热线", max_length=30, default="12329")
    # The 归集 account employers pay 汇缴 into (shown on every 缴款通知书).
    collection_bank = models.CharField("归集银行", max_length=60, default="中国建设银行", blank=True)
    collection_account_name = models.CharField("归集账户户名", max_length=100, blank=True)
    collection_account_no = models.CharField("归集账号", max_length=40, default="", blank=True)
    local_region = models.CharField("本地租房地区", max_length=30)
    rental_regions = models.JSONField("租房地区选项", default=list)
    rent_monthly_cap = models.DecimalField(
        "租房提取每月限额（元）", max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    rent_min_deposit_months = models.PositiveSmallIntegerField("租房提取连续缴存月数", default=3)
    rent_withdrawals_per_year = models.PositiveSmallIntegerField("租房提取每年次数", default=1)
    min_balance_after_withdrawal = models.DecimalField(
        "提取后账户最低留存（元）",
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(0)],
    )
    review_sla_days = models.PositiveSmallIntegerField("审核时限（工作日）", default=3)
    closing_min_sealed_months = models.PositiveSmallIntegerField("外地销户提取须封存满（月）", default=6)
    base_floor = models.DecimalField("缴存基数下限（元）", max_digits=10, decimal_places=2, default=Decimal("2100.00"))
    base_cap = models.DecimalField("缴存基数上限（元）", max_digits=10, decimal_places=2, default=Decimal("31000.00"))
    contribution_rounding = models.CharField(
        "月缴存额舍入",
        max_length=10,
        default="cent",
        choices=[("cent", "四舍五入到分"), ("yuan", "四舍五入到元")],
    )
    password_min_length = models.PositiveSmallIntegerField("登录密码最短位数", default=6)
    password_max_length = models.PositiveSmallIntegerField("登录密码最长位数", default=18)
    login_requires_sms = models.BooleanField("登录须短信验证码（预留手机号）", default=False)
    login_requires_enrollment = models.BooleanField("仅已面签开通网上业务的职工可登录", default=False)
    loan_withdrawals_per_year = models.PositiveSmallIntegerField("还贷提取每年次数（商贷、公贷各）", default=1)
    prepay_min_amount = models.DecimalField(
        "提前部分还款最低金额（元）",
        max_digits=12,
        decimal_places=2,
        default=Decimal("10000.00"),
        validators=[MinValueValidator(0)],
    )
    loan_max_amount = models.DecimalField(
        "公积金贷款最高额度·单方缴存（元）", max_digits=12, decimal_places=2, default=Decimal("1000000.00")
    )
    loan_max_years = models.PositiveSmallIntegerField("公积金贷款最长年限（年）", default=30)
    # 贷款申请: what decides whether a depositor may borrow and how much (loans/lending.py).
    loan_max_amount_couple = models.DecimalField(
        "公积金贷款最高额度·夫妻双方缴存（元）", max_digits=12, decimal_places=2, default=Decimal("1200000.00")
    )
    loan_min_deposit_months = models.PositiveSmallIntegerField("申请贷款须连续足额缴存（月）", default=6)
    loan_max_count = models.PositiveSmallIntegerField("每人可使用公积金贷款次数", default=2)
    loan_balance_multiple = models.DecimalField(
        "可贷额度为账户余额的倍数", max_digits=5, decimal_places=2, default=Decimal("15.00")
    )
    loan_income_share = models.DecimalField(
        "月还款额占月收入比例上限",
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    loan_retirement_extra_years = models.PositiveSmallIntegerField("贷款到期可超过法定退休年龄（年）", default=5)
    loan_down_payment_first = models.DecimalField(
        "首套住房最低首付比例",
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.20"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    loan_down_payment_second = models.DecimalField(
        "二套住房最低首付比例",
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.30"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    loan_materials = models.JSONField("贷款申请材料清单", default=list, blank=True)
    loan_signing_days = models.PositiveSmallIntegerField("面签可预约范围（工作日）", default=10)
    loan_signing_capacity = models.PositiveSmallIntegerField("面签每半天可预约人数", default=20)
    loan_step_days = models.PositiveSmallIntegerField("贷款每环节办理时限（工作日）", default=5)
    # Within the national bounds (5%–12%, which the accounts table enforces as well).
    ratio_min = models.DecimalField("缴存比例下限", max_digits=4, decimal_places=2, default=Decimal("0.05"))
    ratio_max = models.DecimalField("缴存比例上限", max_digits=4, decimal_places=2, default=Decimal("0.12"))
    supplementary_max_months = models.PositiveSmallIntegerField("补缴最长追溯（月）", default=24)
    card_cooling_hours = models.PositiveSmallIntegerField(
        "新绑定银行卡冷静期（小时）", default=24, help_text="变更收款银行卡后，新卡在此时长内不能接收提取资金。"
    )
    standing_day = models.PositiveSmallIntegerField(
        "委托提取每月执行日", default=5, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    # 跨省通办: the center's 6-digit code (first part of every 联系函 number) and the working-day deadlines.
    center_code = models.CharField(
        "中心代码", max_length=6, default="000000", help_text="6位中心代码，用于联系函编号和跨省报文。"
    )
    cross_send_days = models.PositiveSmallIntegerField("跨省通办受理后发送时限（工作日）", default=5)
    transfer_step_days = models.PositiveSmallIntegerField("转移接续每环节办理时限（工作日）", default=5)
    # A message a partner has not taken after this many tries is 发送失败 and waits for an operator (dead letter);
    # a delivered message's content (scans, 身份证号) is kept this many days, then purged.
    cross_send_attempts = models.PositiveSmallIntegerField(
        "跨省报文最多发送次数", default=10, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    cross_payload_days = models.PositiveSmallIntegerField(
        "已送达报文内容保留天数", default=30, validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    # 个人信息查询记录 (who looked at a person's data) is kept this many years, then purged (never under 1: the
    # Cybersecurity Law's six months of logs).
    access_record_years = models.PositiveSmallIntegerField(
        "个人信息查询记录保存年限", default=3, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    # 电子印章: drawn on every issued document beside the digital signature (PNG with a transparent background).
    seal = models.ImageField(
        "电子印章图片", upload_to="brand/", storage=uploads_storage, blank=True, validators=[logo_check],
        help_text="PNG 图片（透明背景），不超过 512 KB；不上传则证明上绘制通用印章。",
    )  # fmt: skip
    # The center's own emblem in the header (PNG or JPEG, checked by content; SVG is refused: it can carry script).
    logo = models.ImageField(
        "中心标志", upload_to="brand/", storage=uploads_storage, blank=True, validators=[logo_check],
        help_text="PNG 或 JPEG 图片，不超过 512 KB，建议正方形；不上传则使用通用标志。",
    )  # fmt: skip
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "中心政策"
        verbose_name_plural = "中心政策"
        constraints = [
            models.CheckConstraint(condition=models.Q(rent_monthly_cap__gte=0), name="policy_rent_cap_gte_0"),
        ]

    def __str__(self):
        return f"{self.center_name}（{self.code}）"


class PolicyBank(models.Model):
    policy = models.ForeignKey(CenterPolicy, on_delete=models.CASCADE, related_name="banks")
    name = models.CharField("收款银行", max_length=30)
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "合作银行"
        verbose_name_plural = "合作银行（收款银行白名单）"
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["policy", "name"], name="policy_bank_unique")]

    def __str__(self):
        return self.name


class Business(models.TextChoices):
    WITHDRAWAL = "withdrawal", "提取"
    PREPAYMENT = "prepayment", "提前还款"


class DayRule(models.TextChoices):
    DAILY = "daily", "每天"
    WORKDAYS = "workdays", "工作日（按国家法定节假日及调休）"


class BusinessWindow(models.Model):
    policy = models.ForeignKey(CenterPolicy, on_delete=models.CASCADE, related_name="windows")
    business = models.CharField("业务", max_length=20, choices=Business.choices)
    days = models.CharField("办理日", max_length=10, choices=DayRule.choices, default=DayRule.DAILY)
    opens_at = models.TimeField("开始时间")
    closes_at = models.TimeField("结束时间（不含）")

    class Meta:
        verbose_name = "业务办理时间"
        verbose_name_plural = "业务办理时间"
        constraints = [
            models.UniqueConstraint(fields=["policy", "business"], name="policy_window_unique"),
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")), name="window_opens_before_close"
            ),
        ]

    def __str__(self):
        return f"{self.get_business_display()} {self.get_days_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class InterestRate(models.Model):
    """The deposit interest rate from a date on (年利率, e.g. 0.0150 for 1.50%)."""

    policy = models.ForeignKey(CenterPolicy, on_delete=models.CASCADE, related_name="interest_rates")
    effective_from = models.DateField("起息日期")
    annual_rate = models.DecimalField("年利率", max_digits=6, decimal_places=4, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = "存款利率"
        verbose_name_plural = "存款利率"
        ordering = ["effective_from"]
        constraints = [models.UniqueConstraint(fields=["policy", "effective_from"], name="policy_rate_unique")]

    def __str__(self):
        return f"{self.effective_from} 起 {self.annual_rate * 100:.2f}%"


class LoanRate(models.Model):
    """The HPF loan rates from a date on, for terms up to five years or longer, 首套 and 二套."""

    policy = models.ForeignKey(CenterPolicy, on_delete=models.CASCADE, related_name="loan_rates")
    effective_from = models.DateField("执行日期")
    up_to_five_years = models.DecimalField("五年以下（含）年利率", max_digits=6, decimal_places=4)
    over_five_years = models.DecimalField("五年以上年利率", max_digits=6, decimal_places=4)
    second_up_to_five_years = models.DecimalField("二套·五年以下（含）年利率", max_digits=7, decimal_places=5)
    second_over_five_years = models.DecimalField("二套·五年以上年利率", max_digits=7, decimal_places=5)

    class Meta:
        verbose_name = "贷款利率"
        verbose_name_plural = "贷款利率"
        ordering = ["effective_from"]
        constraints = [models.UniqueConstraint(fields=["policy", "effective_from"], name="policy_loan_rate_unique")]

    def __str__(self):
        return f"{self.effective_from} 起 {self.up_to_five_years * 100:.2f}% / {self.over_five_years * 100:.2f}%"


class CalendarDay(models.Model):
    """A staff-maintained override of the holiday calendar (years the package does not cover yet)."""

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("是否工作日")
    note = models.CharField("说明", max_length=50, blank=True)

    class Meta:
        verbose_name = "工作日历调整"
        verbose_name_plural = "工作日历调整"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {'工作日' if self.is_working_day else '休息日'}"


class Notice(models.Model):
    """通知公告: what the center tells everyone (a holiday's hours, a policy change), written by staff in
    admin and shown on the login page, the home page and 通知公告. 撤下 hides it; nothing is deleted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField("标题", max_length=100)
    body = models.TextField("正文", max_length=5000)
    published_at = models.DateTimeField("发布时间", default=timezone.now, help_text="可填将来的时间，到时自动显示。")
    pinned = models.BooleanField("置顶", default=False)
    withdrawn = models.BooleanField("已撤下", default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发布人", on_delete=models.PROTECT, null=True, editable=False
    )

    class Meta:
        verbose_name = "通知公告"
        verbose_name_plural = "通知公告"
        ordering = ["-pinned", "-published_at"]
        indexes = [models.Index(fields=["-published_at"], name="policy_notice_published")]

    def __str__(self):
        return self.title
