from datetime import date
from decimal import Decimal
from typing import cast

from django import forms

from gjj_portal.bank import card_number_problem
from gjj_portal.forms import PortalForm
from gjj_portal.identity import id_number_problem
from gjj_portal.widgets import DateSelect

from . import rules
from .lending import LoanAsk
from .models import HalfDay, HouseKind
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
        self.highest = max(policy.loan_max_amount, policy.loan_max_amount_couple)
        self.fields["amount"].help_text = f"1,000 元至 {self.highest:,.0f} 元（中心最高贷款额度）。"
        self.fields["years"].help_text = f"1 至 {policy.loan_max_years} 年。"

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount < 1000:
            raise forms.ValidationError("贷款金额最少 1,000 元，请重新输入。")
        if amount > self.highest:
            raise forms.ValidationError(f"贷款金额不能超过中心最高贷款额度 {self.highest:,.0f} 元，请调低后再计算。")
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


SECOND_HOME_CHOICES = [("first", "首套住房"), ("second", "二套住房")]
MATERIAL_ACCEPT = "image/jpeg,image/png,application/pdf"


def _money(label: str, *, required: bool = True, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        help_text=help_text,
        error_messages={"required": f"请填写{label.split('（')[0]}。", "invalid": "请填写正确的金额。"},
    )


class LoanQuoteForm(PortalForm):
    """可贷额度测算: what the figure depends on besides what the center knows (house, term, spouse, debts)."""

    house_price = _money("房屋总价（元）")
    home = forms.ChoiceField(label="购房套数（本人申报）", choices=SECOND_HOME_CHOICES, initial="first")
    years = forms.IntegerField(
        label="贷款期限（年）", min_value=1, max_value=30, error_messages={"required": "请填写贷款期限。"}
    )
    method = forms.ChoiceField(
        label="还款方式",
        choices=[(EQUAL_INSTALMENT, "等额本息"), (EQUAL_PRINCIPAL, "等额本金")],
        initial=EQUAL_INSTALMENT,
    )
    co_name = forms.CharField(label="共同借款人（配偶）姓名", max_length=50, required=False)
    co_id_number = forms.CharField(label="共同借款人身份证号", max_length=18, required=False)
    co_income = _money(
        "共同借款人月收入（元）", required=False, help_text="配偶在本中心缴存的，按其缴存基数计算，不必填写。"
    )
    other_debts = _money("其他贷款月还款额（元）", required=False, help_text="如商业贷款、车贷的月还款额，没有填0。")

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy = policy
        self.fields["years"].max_value = policy.loan_max_years
        self.fields[
            "years"
        ].help_text = (
            f"1 至 {policy.loan_max_years} 年，且不超过法定退休年龄后 {policy.loan_retirement_extra_years} 年。"
        )

    def clean_co_id_number(self):
        value = self.cleaned_data["co_id_number"].strip().upper()
        if value and (problem := id_number_problem(value)):
            raise forms.ValidationError(f"共同借款人{problem}")
        return value

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("co_name")) != bool(cleaned.get("co_id_number")):
            self.add_error("co_id_number", "共同借款人的姓名和身份证号须同时填写（没有共同借款人则都不填）。")
        return cleaned

    def ask(self) -> LoanAsk:
        c = self.cleaned_data
        return LoanAsk(
            house_price=c["house_price"],
            second_home=c["home"] == "second",
            term_months=c["years"] * 12,
            method=c["method"],
            other_debts=c.get("other_debts") or Decimal("0"),
            co_income=c.get("co_income") or Decimal("0"),
        )


class LoanApplicationForm(LoanQuoteForm):
    """贷款申请: 可贷额度's inputs plus the house, the co-borrower's phone and code, the amount, the banks,
    the 面签 slot and one upload per document of the policy's checklist. 可贷额度 runs again in `clean`
    (with the accounts the view found) and once more in the service, under the locks."""

    house_kind = forms.ChoiceField(label="房屋类型", choices=HouseKind.choices)
    purchase_contract_no = forms.CharField(label="购房合同编号", max_length=40)
    house_address = forms.CharField(label="房屋坐落", max_length=200)
    house_area = forms.DecimalField(
        label="建筑面积（㎡）", min_value=Decimal("1"), max_value=Decimal("9999"), max_digits=8, decimal_places=2
    )
    co_phone = forms.CharField(label="共同借款人手机号", max_length=11, required=False)
    co_code = forms.CharField(label="共同借款人短信验证码", max_length=6, required=False)
    amount = _money("申请贷款金额（元）")
    repay_bank = forms.ChoiceField(label="还款银行（受托银行）")
    repay_card = forms.CharField(label="还款银行卡号", max_length=19, help_text="本人名下一类卡，按月自动扣还贷款。")
    payee_name = forms.CharField(
        label="收款人户名", max_length=100, help_text="新房填开发商资金监管账户户名，二手房填售房人姓名。"
    )
    payee_bank = forms.CharField(label="收款账户开户行", max_length=30)
    payee_account = forms.CharField(label="收款账号", max_length=19)
    signing_on = forms.TypedChoiceField(label="面签日期", coerce=date.fromisoformat)
    signing_half = forms.ChoiceField(label="面签时段", choices=HalfDay.choices)

    def __init__(self, *args, policy, signing_days: list[date], co_account=None, **kwargs):
        super().__init__(*args, policy=policy, **kwargs)
        cast(forms.ChoiceField, self.fields["repay_bank"]).choices = [("", "请选择")] + [(b, b) for b in policy.banks]
        cast(forms.ChoiceField, self.fields["signing_on"]).choices = [
            (d.isoformat(), f"{d:%Y-%m-%d}（周{'一二三四五六日'[d.weekday()]}）") for d in signing_days
        ]
        self.material_names = list(policy.loan_materials)
        for i, kind in enumerate(self.material_names):
            self.fields[f"material_{i}"] = forms.FileField(
                label=kind,
                widget=forms.ClearableFileInput(attrs={"accept": MATERIAL_ACCEPT}),
                error_messages={"required": f"请上传{kind}。"},
            )
        self.co_account = co_account

    def material_fields(self):
        return [self[f"material_{i}"] for i in range(len(self.material_names))]

    def clean_repay_card(self):
        value = self.cleaned_data["repay_card"].replace(" ", "")
        if problem := card_number_problem(value):
            raise forms.ValidationError(problem)
        return value

    def clean_payee_account(self):
        value = self.cleaned_data["payee_account"].replace(" ", "")
        if not value.isdigit() or not 8 <= len(value) <= 19:
            raise forms.ValidationError("收款账号应为8至19位数字，请按购房合同约定的监管账户或售房人账户填写。")
        return value

    def clean_co_phone(self):
        value = self.cleaned_data["co_phone"].strip()
        if value and not (value.isdigit() and len(value) == 11 and value.startswith("1")):
            raise forms.ValidationError("请填写11位手机号码。")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("co_name") and not cleaned.get("co_phone") and self.co_account is None:
            self.add_error("co_phone", "请填写共同借款人手机号，用于短信确认。")
        return cleaned

    def fields_for_service(self) -> dict:
        c = self.cleaned_data
        return {
            "house_kind": c["house_kind"],
            "purchase_contract_no": c["purchase_contract_no"],
            "house_address": c["house_address"],
            "house_area": c["house_area"],
            "house_price": c["house_price"],
            "second_home": c["home"] == "second",
            "co_name": c.get("co_name", ""),
            "co_id_number": c.get("co_id_number", ""),
            "co_phone": (self.co_account.phone if self.co_account else c.get("co_phone", ""))
            if c.get("co_name")
            else "",
            "co_income": c.get("co_income") or Decimal("0"),
            "other_debts": c.get("other_debts") or Decimal("0"),
            "amount": c["amount"],
            "term_months": c["years"] * 12,
            "method": c["method"],
            "repay_bank": c["repay_bank"],
            "repay_card": c["repay_card"],
            "payee_name": c["payee_name"],
            "payee_bank": c["payee_bank"],
            "payee_account": c["payee_account"],
            "signing_on": c["signing_on"],
            "signing_half": c["signing_half"],
        }


class LoanDecisionForm(PortalForm):
    """Staff's forms on the loan workbench (admin): one per step, the step named by `action`."""

    action = forms.ChoiceField(
        choices=[
            ("accept", "受理"),
            ("materials", "要求补件"),
            ("reject", "不予受理"),
            ("approve", "审批通过"),
            ("refuse", "审批不通过"),
            ("sign", "登记签订合同"),
            ("mortgage", "登记抵押"),
            ("release", "复核放款"),
        ]
    )
    opinion = forms.CharField(
        label="意见 / 原因", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    amount = forms.DecimalField(
        label="核准金额（元）", required=False, min_value=Decimal("1"), max_digits=14, decimal_places=2
    )
    years = forms.IntegerField(label="核准期限（年）", required=False, min_value=1, max_value=30)
    contract_no = forms.CharField(label="借款合同编号", max_length=30, required=False)
    on = forms.DateField(label="日期", required=False, widget=DateSelect(years_back=1))  # 签订日期 / 登记日期 lists
    certificate = forms.CharField(label="不动产登记证明号", max_length=40, required=False)
