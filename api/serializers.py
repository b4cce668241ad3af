"""What the API answers, field by field: stable English names, the national codes where they exist (GRZHZT,
TQYY, ZJLX, HKFS, YWLX), money as decimal strings, times in ISO 8601 at +08:00, personal numbers masked as
on the pages. The OpenAPI document is generated from these classes."""

from django import forms
from rest_framework import serializers

from gjj_portal.identity import mask_card, mask_id_number, mask_phone
from withdrawals.models import WITHDRAWAL_REASON_CODES

Money = serializers.DecimalField  # max_digits/decimal_places given per field; coerce_to_string is DRF's default


def money(help_text: str = "", **kwargs):
    return Money(max_digits=16, decimal_places=2, help_text=help_text, **kwargs)


class EmployerSerializer(serializers.Serializer):
    dwzh = serializers.CharField(help_text="单位账号 DWZH")
    name = serializers.CharField(help_text="单位名称")


class AccountSerializer(serializers.Serializer):
    grzh = serializers.CharField(help_text="个人账号 GRZH")
    name = serializers.CharField(help_text="姓名")
    zjlx = serializers.SerializerMethodField(help_text="证件类型 ZJLX（01 身份证）")
    id_number_masked = serializers.SerializerMethodField(help_text="证件号码（遮挡）")
    phone_masked = serializers.SerializerMethodField(help_text="预留手机号（遮挡）")
    grzhzt = serializers.CharField(source="status_code", help_text="个人账户状态 GRZHZT：01 正常，02 封存 …")
    status_label = serializers.CharField(source="get_status_display", help_text="账户状态（中文）")
    seal_reason = serializers.CharField(help_text="封存原因（未封存为空）")
    balance = money("账户余额（元）")
    base = money("缴存基数（元）")
    employer_ratio = serializers.DecimalField(max_digits=5, decimal_places=4, help_text="单位缴存比例")
    employee_ratio = serializers.DecimalField(max_digits=5, decimal_places=4, help_text="个人缴存比例")
    monthly_amount = money("月缴存额（元）")
    opened_on = serializers.DateField(help_text="开户日期")
    last_paid_month = serializers.DateField(allow_null=True, help_text="缴至年月（当月1日）")
    employer = EmployerSerializer(allow_null=True)
    payee_bank = serializers.CharField(help_text="绑定的收款银行（提取时不填卡号即用此卡）")
    payee_card_masked = serializers.SerializerMethodField(help_text="绑定的收款银行卡（遮挡；未绑定为空）")

    def get_zjlx(self, account) -> str:
        return "01"

    def get_id_number_masked(self, account) -> str:
        return mask_id_number(account.id_number)

    def get_phone_masked(self, account) -> str:
        return mask_phone(account.phone)

    def get_payee_card_masked(self, account) -> str:
        return mask_card(account.payee_card) if account.payee_card else ""


class EntrySerializer(serializers.Serializer):
    occurred_on = serializers.DateField(help_text="发生日期")
    ywlx = serializers.CharField(
        source="kind_code", help_text="业务类型代码：01 汇缴，02 补缴，09 年终结息，11 部分提取 …"
    )
    kind_label = serializers.CharField(source="get_kind_display", help_text="业务类型（中文）")
    amount = money("发生额（元，支出为负）")
    balance_after = money("余额（元）")
    period = serializers.CharField(help_text="所属年月（汇缴、补缴）")
    memo = serializers.CharField(help_text="摘要")


class EntriesPageSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    opening_balance = money("期初余额")
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = EntrySerializer(many=True)


class MessageSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField(help_text="notice（消息）或 todo（待办）")
    business = serializers.CharField(help_text="业务名称")
    title = serializers.CharField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
    done_at = serializers.DateTimeField(allow_null=True)


class OfferSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="提取类型（英文标识，亦为提交地址的一段）；standing 为委托提取")
    label = serializers.CharField(help_text="业务名称")
    tqyy = serializers.SerializerMethodField(help_text="提取原因 TQYY（国家标准代码；委托提取为 null）")
    available = serializers.BooleanField(source="ok", help_text="现在能否办理")
    answer = serializers.CharField(source="text", help_text="规则的答复：可提金额，或为什么暂不能办、怎么办")
    condition = serializers.CharField(help_text="办理的条件（如须上传退休证明）")
    amount = money("本次最多可提（元；不适用时为 null）", allow_null=True, source="most")

    def get_tqyy(self, offer) -> str | None:
        return WITHDRAWAL_REASON_CODES.get(offer.kind)


class TimelineStepSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="提交申请、中心审核、资金划转、到账（或已撤回）")
    state = serializers.CharField(help_text="done 已完成 / current 进行中 / waiting 未开始 / stopped 已终止")
    at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField(allow_blank=True, help_text="预计完成日期或终止原因")


class MaterialSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    slot = serializers.CharField(help_text="材料项目")
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()


class ApplicationSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", help_text="申请的地址标识")
    number = serializers.CharField(help_text="申请编号")
    kind = serializers.CharField(help_text="提取类型")
    kind_label = serializers.CharField(source="get_kind_display")
    tqyy = serializers.CharField(source="reason_code", help_text="提取原因 TQYY")
    status = serializers.CharField(help_text="状态：draft 草稿（待上传材料）、submitted 已提交、paid 已到账 …")
    status_label = serializers.CharField(source="get_status_display", help_text="状态（中文）")
    amount = money("提取金额（元）")
    bank = serializers.CharField()
    card_masked = serializers.SerializerMethodField()
    needs_materials = serializers.BooleanField()
    review_opinion = serializers.CharField(help_text="审批意见")
    submitted_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_card_masked(self, application) -> str:
        return mask_card(application.card_number)


class ApplicationDetailSerializer(ApplicationSerializer):
    steps = TimelineStepSerializer(many=True, help_text="办理进度")
    materials = MaterialSerializer(many=True)
    material_slots = serializers.ListField(child=serializers.CharField(), help_text="待上传的材料项目")
    withdrawable = serializers.BooleanField(help_text="能否撤回")


class LoanSerializer(serializers.Serializer):
    contract_no = serializers.CharField(help_text="借款合同编号")
    amount = money("贷款金额")
    term_months = serializers.IntegerField(help_text="贷款期限（月）")
    annual_rate = serializers.DecimalField(max_digits=6, decimal_places=4, help_text="年利率（%）")
    hkfs = serializers.CharField(source="method_code", help_text="还款方式 HKFS：01 等额本息，02 等额本金")
    method_label = serializers.CharField(source="get_method_display")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    disbursed_on = serializers.DateField(allow_null=True, help_text="放款日期（未发放为 null）")
    principal_balance = money("贷款余额")
    repay_bank = serializers.CharField()
    repay_card_masked = serializers.SerializerMethodField()

    def get_repay_card_masked(self, contract) -> str:
        return mask_card(contract.repay_card)


class InstalmentSerializer(serializers.Serializer):
    period = serializers.IntegerField()
    due_on = serializers.DateField()
    principal = money()
    interest = money()
    payment = money()
    balance_after = money()
    status = serializers.CharField()
    paid_on = serializers.DateField(allow_null=True)


class RepaymentSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    paid_on = serializers.DateField()
    principal = money()
    interest = money()
    amount = money()
    balance_after = money()
    reference = serializers.CharField()


class ProgressNodeSerializer(serializers.Serializer):
    label = serializers.CharField()
    state = serializers.CharField(help_text="done / current / pending")
    at = serializers.DateTimeField(allow_null=True, help_text="办结时间")


class TokenSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()
    token_type = serializers.CharField(default="Bearer")
    access_expires = serializers.DateTimeField()
    refresh_expires = serializers.DateTimeField()
    must_change_password = serializers.BooleanField(help_text="首次登录须先修改初始密码")


class SmsChallengeSerializer(serializers.Serializer):
    sms_required = serializers.BooleanField()
    challenge = serializers.CharField(help_text="随短信验证码一起提交")
    phone_masked = serializers.CharField()


class DoneSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    message = serializers.CharField()


# --- A form's fields as the contract's request body -------------------------------------------------------

_SIMPLE = {
    forms.BooleanField: lambda f: serializers.BooleanField(required=False, help_text=str(f.label or "")),
    forms.DecimalField: lambda f: serializers.DecimalField(
        max_digits=f.max_digits or 16,
        decimal_places=f.decimal_places or 2,
        required=f.required,
        help_text=f"{f.label or ''}（十进制字符串）",
    ),
    forms.IntegerField: lambda f: serializers.IntegerField(required=f.required, help_text=str(f.label or "")),
    forms.DateField: lambda f: serializers.DateField(required=f.required, help_text=str(f.label or "")),
}


def form_body(form_class: type[forms.Form], name: str, *, exclude=(), extra=None) -> type[serializers.Serializer]:
    """The request body a Django form takes, for the OpenAPI document only: the form itself validates (its
    rules are the pages' rules), so the contract is derived from it rather than written a second time."""
    fields: dict = {}
    for field_name, field in form_class.base_fields.items():
        if field_name in exclude:
            continue
        make = next((m for kind, m in _SIMPLE.items() if isinstance(field, kind)), None)
        if make is not None:
            fields[field_name] = make(field)
        elif isinstance(field, forms.ChoiceField) and isinstance(field.choices, list) and field.choices:
            choices = [c for c, _ in field.choices if c != ""]
            fields[field_name] = serializers.ChoiceField(
                choices=choices, required=field.required, help_text=str(field.label or "")
            )
        else:
            fields[field_name] = serializers.CharField(required=field.required, help_text=str(field.label or ""))
    fields.update(extra or {})
    return type(name, (serializers.Serializer,), fields)
