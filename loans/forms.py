from decimal import Decimal

from django import forms

from gjj_portal.forms import PortalForm

from . import rules
from .schedule import EQUAL_INSTALMENT, EQUAL_PRINCIPAL


class PrepaymentForm(PortalForm):
    amount = forms.DecimalField(
        label="还款金额（元）",
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        error_messages={"required": "请填写还款金额。", "invalid": "请填写正确的金额。"},
    )
    mode = forms.ChoiceField(
        label="还款后调整方式",
        choices=list(rules.MODES.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "请选择缩短期限或减少月供。"},
    )

    def __init__(self, *args, contract, has_overdue: bool, minimum: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract, self.has_overdue, self.minimum = contract, has_overdue, minimum

    def eligibility_problem(self) -> str | None:
        return rules.prepayment_problem(
            contract_status=self.contract.status,
            has_overdue=self.has_overdue,
            amount=self.contract.principal_balance,
            balance=self.contract.principal_balance,
            minimum=self.minimum,
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("amount") is not None:
            problem = rules.prepayment_problem(
                contract_status=self.contract.status,
                has_overdue=self.has_overdue,
                amount=cleaned["amount"],
                balance=self.contract.principal_balance,
                minimum=self.minimum,
            )
            if problem:
                self.add_error("amount", problem)
        return cleaned


class CalculatorForm(PortalForm):
    """贷款试算 within the center's limits (policy data): amount up to its highest loan, term up to its
    longest; every message says what to type instead."""

    amount = forms.DecimalField(
        label="贷款金额（元）",
        max_digits=12,
        decimal_places=2,
        initial=Decimal("600000"),
        error_messages={"invalid": "贷款金额请输入数字，例如 600000。", "required": "请填写贷款金额。"},
    )
    years = forms.IntegerField(
        label="贷款年限（年）",
        initial=30,
        error_messages={"invalid": "贷款年限请输入整数年，例如 30。", "required": "请填写贷款年限。"},
    )
    rate = forms.DecimalField(
        label="年利率（%）",
        max_digits=5,
        decimal_places=3,
        required=False,
        help_text="不填则按中心现行首套住房公积金贷款利率。",
        error_messages={"invalid": "年利率请输入数字，例如 2.6（即年利率百分之二点六）。"},
    )
    method = forms.ChoiceField(
        label="还款方式",
        choices=[(EQUAL_INSTALMENT, "等额本息"), (EQUAL_PRINCIPAL, "等额本金")],
        initial=EQUAL_INSTALMENT,
        error_messages={"invalid_choice": "请选择等额本息或等额本金。", "required": "请选择还款方式。"},
    )

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        self.fields["amount"].help_text = f"1,000 元至 {policy.loan_max_amount:,.0f} 元（中心最高贷款额度）。"
        self.fields["years"].help_text = f"1 至 {policy.loan_max_years} 年。"

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount < 1000:
            raise forms.ValidationError("贷款金额最少 1,000 元，请重新输入。")
        if amount > self.policy.loan_max_amount:
            raise forms.ValidationError(
                f"贷款金额不能超过中心最高贷款额度 {self.policy.loan_max_amount:,.0f} 元，请调低后再计算。"
            )
        return amount

    def clean_years(self):
        years = self.cleaned_data["years"]
        if not 1 <= years <= self.policy.loan_max_years:
            raise forms.ValidationError(f"贷款年限须在 1 至 {self.policy.loan_max_years} 年之间，请重新输入。")
        return years

    def clean_rate(self):
        rate = self.cleaned_data["rate"]
        if rate is not None and not Decimal("0") < rate <= Decimal("20"):
            raise forms.ValidationError("年利率须大于 0 且不超过 20（单位为百分之几），或不填按现行利率。")
        return rate
