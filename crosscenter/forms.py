from django import forms

from .models import PartnerCenter


class TransferInForm(forms.Form):
    partner = forms.ModelChoiceField(
        label="转出地中心",
        queryset=PartnerCenter.objects.filter(active=True),
        empty_label="请选择原缴存地公积金中心",
        error_messages={"required": "请选择转出地中心。", "invalid_choice": "请选择列表中的中心。"},
    )
    old_account_number = forms.RegexField(
        label="原个人账号（选填）",
        regex=r"^\d{6,20}$",
        required=False,
        max_length=20,
        help_text="不清楚可不填，转出地中心按姓名和身份证号查找。",
        error_messages={"invalid": "原个人账号应为6至20位数字。"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    agree = forms.BooleanField(
        label="本人确认申请将原缴存地住房公积金转入本中心账户，转出后原账户销户。",
        error_messages={"required": "请确认申请事项。"},
    )
