from decimal import Decimal

from django import forms
from django.conf import settings

from gjj_portal.forms import MonthField, PortalForm
from gjj_portal.identity import validate_id_number
from gjj_portal.widgets import MonthSelect
from policy.center import current_policy

from . import rules
from .models import SealReason


class UploadForm(PortalForm):
    file = forms.FileField(label="上传清册（XLSX 或 CSV）", error_messages={"required": "请选择清册文件。"})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("仅支持 XLSX 或 CSV 文件。")
        if upload.size > settings.GJJ_LIST_MAX_BYTES:
            raise forms.ValidationError(f"文件不能超过 {settings.GJJ_LIST_MAX_BYTES // (1024 * 1024)} MB。")
        return upload


class _BaseAndRatio(PortalForm):
    """缴存基数 and 缴存比例 (typed in %), checked against the policy by the rules the service runs too."""

    def clean_base(self):
        base = self.cleaned_data["base"]
        if problem := rules.base_problem(base, current_policy()):
            raise forms.ValidationError(problem)
        return base

    def clean_ratio(self):
        ratio = self.cleaned_data["ratio"]
        if problem := rules.ratio_problem(ratio / 100, current_policy()):
            raise forms.ValidationError(problem)
        return ratio


class OpenAccountForm(_BaseAndRatio):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=18, validators=[validate_id_number])
    phone = forms.RegexField(label="手机号", regex=r"^1\d{10}$", error_messages={"invalid": "请输入11位手机号。"})
    base = forms.DecimalField(label="缴存基数（元）", max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    ratio = forms.DecimalField(label="缴存比例（%）", max_digits=4, decimal_places=1, initial=12)
    start_month = MonthField(label="起缴年月", widget=MonthSelect(years_back=1, years_ahead=1))


class SealForm(PortalForm):
    account = forms.ChoiceField(label="职工")
    reason = forms.ChoiceField(label="封存原因", choices=[("", "请选择")] + list(SealReason.choices))

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", "请选择")] + [(a.pk, f"{a.name}（{a.grzh}）") for a in accounts]


class UnsealForm(PortalForm):
    account = forms.ChoiceField(label="职工")

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", "请选择")] + [(a.pk, f"{a.name}（{a.grzh}）") for a in accounts]


class AdjustForm(_BaseAndRatio, SealForm):
    reason = None  # type: ignore[assignment]  # Django's way to drop an inherited form field
    base = forms.DecimalField(label="新缴存基数（元）", max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    ratio = forms.DecimalField(label="缴存比例（%）", max_digits=4, decimal_places=1)


class SupplementaryForm(UnsealForm):
    period = MonthField(label="补缴年月", widget=MonthSelect(years_back=5))

    def clean_period(self):
        return f"{self.cleaned_data['period']:%Y-%m}"  # as an uploaded list's 补缴年月 reads


class RefundForm(PortalForm):
    """单位暂存款退款 to the employer's own bank account."""

    amount = forms.DecimalField(label="退款金额（元）", max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    bank = forms.CharField(label="开户银行", max_length=30)
    account_no = forms.RegexField(
        label="单位银行账号",
        regex=r"^\d{8,30}$",
        max_length=30,
        error_messages={"invalid": "请填写8至30位数字的银行账号。"},
    )
    account_name = forms.CharField(label="账户名称", max_length=100, help_text="须为本单位名称")
    reason = forms.CharField(label="申请说明", max_length=200, required=False)
