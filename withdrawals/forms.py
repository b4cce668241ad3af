import re
from datetime import date
from decimal import Decimal
from typing import cast

from django import forms
from django.utils import timezone

from gjj_portal.forms import MonthField, MultipleFileField, MultipleFileInput, PortalForm
from policy.center import PolicySnapshot

from . import rules
from .models import WithdrawalKind
from .selectors import rent_facts
from .services import RentRequest


class PayeeForm(PortalForm):
    """收款银行, 银行卡号码 and the 承诺书: the last step of every withdrawal."""

    bank = forms.ChoiceField(label="收款银行")
    card_number = forms.CharField(
        label="银行卡号码",
        max_length=23,
        help_text="须为本人名下一类卡卡号，16–19位数字。",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    card_confirmed = forms.BooleanField(
        label="我已核对，卡号无误，仍按此卡号提交",
        required=False,
        help_text="个别银行卡不符合校验规则；确认卡号无误时勾选此项。",
    )
    pledge = forms.BooleanField(
        label="本人已阅读并承诺遵守以上承诺书",
        error_messages={"required": "请详细阅读并勾选承诺书后再提交申请。"},
    )

    def __init__(self, *args, account, policy: PolicySnapshot, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        self.policy = policy
        self.today = today or timezone.localdate()
        bank = cast(forms.ChoiceField, self.fields["bank"])
        bank.choices = [("", "请选择")] + [(b, b) for b in policy.banks]
        bank.error_messages["invalid_choice"] = rules.bank_problem("", policy) or ""
        if account is not None and account.payee_card:
            # The bound 收款银行卡 (个人信息变更) is where the money goes: filled in for the person.
            self.initial.setdefault("bank", account.payee_bank)
            self.initial.setdefault("card_number", account.payee_card)
            self.fields["card_number"].help_text = "已填入您绑定的收款银行卡；如需更换，请先在“个人信息变更”中变更。"
        for field in self.fields.values():
            # Every input joins the one POST form wherever it stands, so the 查询材料号 / 计算 mini-forms
            # can sit beside them without nesting forms. (Their "请填写/请选择…" messages: PortalForm.)
            field.widget.attrs["form"] = "apply-form"

    def payee(self):
        from .services import Payee

        return Payee(self.cleaned_data["bank"], self.cleaned_data["card_number"])

    def clean_card_number(self):
        card = re.sub(r"\s+", "", self.cleaned_data["card_number"])
        problem = rules.card_number_problem(card)
        if problem:
            raise forms.ValidationError(problem)
        return card

    def clean(self):
        """A card that fails the Luhn check is caught here, before anything is saved: the person corrects
        it, or ticks 卡号无误 and submits again (some real cards fail the check)."""
        cleaned = super().clean()
        card = self.cleaned_data.get("card_number")
        if card and self.cleaned_data.get("bank") and self.account is not None:
            from .services import bound_card

            problem = rules.bound_card_problem(
                bank=self.cleaned_data["bank"],
                card_number=card,
                bound=bound_card(self.account),
                now=timezone.now(),
                cooling_hours=self.policy.card_cooling_hours,
            )
            if problem:
                self.add_error("card_number", problem)
                return cleaned
        if card and not rules.luhn_ok(card) and not self.cleaned_data.get("card_confirmed"):
            self.luhn_warning = True
            self.add_error(
                "card_number",
                "银行卡号码未通过校验，可能有一位输错了。请对照银行卡逐位核对并改正；"
                f"如核对无误，请勾选下方“我已核对，卡号无误”后再提交申请。如有疑问请拨打{self.policy.hotline}。",
            )
        return cleaned

    luhn_warning = False


class RentWithdrawalForm(PayeeForm):
    region = forms.ChoiceField(label="租房地区")
    address = forms.CharField(label="房屋详细地址", max_length=200)
    start_month = MonthField(label="本年度起租月份")
    end_month = MonthField(label="本年度止租月份")
    monthly_rent = forms.DecimalField(label="月租金（元）", min_value=Decimal("0.01"), max_digits=10, decimal_places=2)
    amount = forms.DecimalField(label="提取金额（元）", min_value=Decimal("0.01"), max_digits=14, decimal_places=2)
    detail_fields = ["region", "address", "start_month", "end_month", "monthly_rent", "amount"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "请选择")] + [(r, r) for r in self.policy.rental_regions]
        # 本年度 months as a list in Chinese (a month picker speaks the browser's language: "December 2026").
        year = self.today.year
        months = [("", "请选择")] + [(f"{year}-{m:02d}", f"{year}年{m}月") for m in range(1, 13)]
        for name in ("start_month", "end_month"):
            self.fields[name].widget = forms.Select(choices=months, attrs={"form": "apply-form"})

    def eligibility_problem(self) -> str | None:
        """Why this depositor cannot apply at all (shown before they type anything)."""
        return rules.rent_eligibility_problem(rent_facts(account=self.account, today=self.today), self.policy)

    def clean(self):
        cleaned = super().clean()
        problem = self.eligibility_problem()
        if problem:
            raise forms.ValidationError(problem)
        start, end = cleaned.get("start_month"), cleaned.get("end_month")
        if start and end:
            year = start.year if start.year == end.year else -1
            problem = rules.rent_period_problem(
                year=year, start_month=start.month, end_month=end.month, today=self.today
            )
            if problem:
                self.add_error("end_month" if start.year == self.today.year else "start_month", problem)
            elif cleaned.get("monthly_rent") and cleaned.get("amount"):
                self.limit = rules.rent_withdrawable(
                    monthly_rent=cleaned["monthly_rent"],
                    start_month=start.month,
                    end_month=end.month,
                    balance=self.account.balance,
                    policy=self.policy,
                )
                problem = rules.amount_problem(amount=cleaned["amount"], limit=self.limit)
                if problem:
                    self.add_error("amount", problem)
        return cleaned

    def to_request(self) -> RentRequest:
        c = self.cleaned_data
        return RentRequest(
            region=c["region"],
            address=c["address"].strip(),
            year=c["start_month"].year,
            start_month=c["start_month"].month,
            end_month=c["end_month"].month,
            monthly_rent=c["monthly_rent"],
            bank=c["bank"],
            card_number=c["card_number"],
            amount=c["amount"],
        )


class ClosingWithdrawalForm(PayeeForm):
    """完全丧失劳动能力 / 退休 / 外地销户提取: the amount is the whole balance plus interest (计算)."""

    detail_fields: list[str] = []

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind

    def eligibility_problem(self) -> str | None:
        from .services import closing_problem

        return closing_problem(kind=self.kind, account=self.account, today=self.today)

    def clean(self):
        cleaned = super().clean()
        if problem := self.eligibility_problem():
            raise forms.ValidationError(problem)
        return cleaned


class LoanWithdrawalForm(PayeeForm):
    """商贷/公贷还款提取: the amount is at most the last year's repayments and the balance."""

    amount = forms.DecimalField(label="提取金额（元）", min_value=Decimal("0.01"), max_digits=14, decimal_places=2)
    detail_fields = ["amount"]

    def __init__(self, *args, kind: str, loan, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.loan = kind, loan
        self.problem, self.limit = None, Decimal("0")
        if loan is not None:
            from .services import loan_withdrawal_limit

            self.problem, self.limit = loan_withdrawal_limit(
                account=self.account, kind=kind, loan=loan, today=self.today
            )
            if not self.problem and self.limit > 0:
                self.initial.setdefault("amount", self.limit)  # 计算's figure, in 提取金额: change it to take less

    def eligibility_problem(self) -> str | None:
        return self.problem

    def clean(self):
        cleaned = super().clean()
        if self.loan is None:
            raise forms.ValidationError("请先点击“查询材料号”选择贷款记录。")
        if self.problem:
            raise forms.ValidationError(self.problem)
        if cleaned.get("amount") is not None and (
            problem := rules.amount_problem(amount=cleaned["amount"], limit=self.limit)
        ):
            self.add_error("amount", problem)
        return cleaned


class MaterialUploadForm(PortalForm):
    # The manuals' field name; Django's form metaclass moves it into base_fields, so it never shadows `.files`.
    files = MultipleFileField(  # type: ignore[assignment]
        label="本地上传",
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
        error_messages={"required": "请选择要上传的材料文件。"},
    )


class ReviewForm(PortalForm):
    decision = forms.ChoiceField(
        label="审核结论",
        choices=[("approve", "审核通过"), ("reject", "审核不通过"), ("materials", "要求补件")],
        widget=forms.RadioSelect,
    )
    # As long as the change row's reason that carries it (500): a longer text is refused, never cut or a 500.
    opinion = forms.CharField(
        label="审批意见", max_length=500, widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def clean(self):
        cleaned = super().clean()
        opinion = (cleaned.get("opinion") or "").strip()
        if cleaned.get("decision") == "reject" and not opinion:
            self.add_error("opinion", "审核不通过时必须填写审批意见（不通过原因）。")
        if cleaned.get("decision") == "materials" and not opinion:
            self.add_error("opinion", "要求补件时必须写明需补充的材料。")
        return cleaned


class StandingForm(PayeeForm):
    """签订委托提取协议: what for (rent, or one of the person's loans), the rent's terms, the payee."""

    purpose = forms.ChoiceField(label="委托事项")
    monthly_rent = forms.DecimalField(
        label="月租金（元）", required=False, min_value=Decimal("0.01"), max_digits=10, decimal_places=2
    )
    region = forms.ChoiceField(label="租房地区", required=False)
    address = forms.CharField(label="房屋详细地址", required=False, max_length=200)
    pledge = forms.BooleanField(
        label="本人授权中心每月按本协议从本人住房公积金账户提取，并承诺所填信息真实",
        error_messages={"required": "请阅读并勾选授权承诺后再签订。"},
    )
    field_order = ["purpose", "monthly_rent", "region", "address", "bank", "card_number", "card_confirmed", "pledge"]

    def __init__(self, *args, loans: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.loans = loans  # "hpf:<合同号>" / "com:<材料号>" → the loan
        purpose = cast(forms.ChoiceField, self.fields["purpose"])
        purpose.choices = [("", "请选择"), ("rent", "按月租房提取（每月提取当月房租）")] + [
            (key, label) for key, (label, _loan) in loans.items()
        ]
        region = cast(forms.ChoiceField, self.fields["region"])
        region.choices = [("", "请选择")] + [(r, r) for r in self.policy.rental_regions]
        for field in self.fields.values():
            field.widget.attrs.pop("form", None)  # one form on this page

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("purpose") == "rent":
            for name in ("monthly_rent", "region", "address"):
                if not cleaned.get(name):
                    self.add_error(name, f"按月租房提取请填写{self.fields[name].label}。")
        return cleaned

    def to_terms(self):
        from .standing import StandingTerms

        c = self.cleaned_data
        if c["purpose"] == "rent":
            return StandingTerms(
                kind=WithdrawalKind.RENT,
                bank=c["bank"],
                card_number=c["card_number"],
                monthly_rent=c["monthly_rent"],
                region=c["region"],
                address=c["address"],
            )
        _label, loan = self.loans[c["purpose"]]
        kind = WithdrawalKind.HPF_LOAN if c["purpose"].startswith("hpf:") else WithdrawalKind.COMMERCIAL_LOAN
        return StandingTerms(kind=kind, bank=c["bank"], card_number=c["card_number"], loan=loan)
