from decimal import Decimal

from django import forms

from . import rules
from .schedule import EQUAL_INSTALMENT, EQUAL_PRINCIPAL


class PrepaymentForm(forms.Form):
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


class CalculatorForm(forms.Form):
    amount = forms.DecimalField(
        label="贷款金额（元）",
        min_value=Decimal("1000"),
        max_value=Decimal("10000000"),
        max_digits=12,
        decimal_places=2,
        initial=Decimal("600000"),
    )
    years = forms.IntegerField(label="贷款年限（年）", min_value=1, max_value=30, initial=30)
    rate = forms.DecimalField(
        label="年利率（%）",
        min_value=Decimal("0"),
        max_value=Decimal("20"),
        max_digits=5,
        decimal_places=3,
        required=False,
        help_text="不填则按中心现行首套住房公积金贷款利率。",
    )
    method = forms.ChoiceField(
        label="还款方式",
        choices=[(EQUAL_INSTALMENT, "等额本息"), (EQUAL_PRINCIPAL, "等额本金")],
        initial=EQUAL_INSTALMENT,
    )
