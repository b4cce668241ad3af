from typing import cast

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password

from gjj_portal.forms import PortalForm
from gjj_portal.identity import validate_id_number

from .lockout import address_failed, address_wait_seconds

CAPTCHA_ERRORS = {"invalid": "验证码错误，请重新输入。", "required": "请输入验证码。"}


class LabelledCaptchaInput(CaptchaTextInput):
    """The image captcha as one labelled field: 验证码 names the text box itself (Django would wrap the
    two inputs in an unlabelled fieldset), and the picture says in Chinese what it is and that a tap
    changes it."""

    template_name = "accounts/widgets/captcha.html"
    use_fieldset = False


def captcha_field():
    return CaptchaField(label="验证码", error_messages=CAPTCHA_ERRORS, widget=LabelledCaptchaInput())


class DepositorLoginForm(PortalForm):
    identifier = forms.CharField(
        label="身份证号/手机号/个人账号",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "username", "placeholder": "请输入身份证号、手机号或个人账号"}),
    )
    password = forms.CharField(
        label="用户密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "placeholder": "请输入用户密码"}),
    )
    captcha = captcha_field()

    error_messages = {"invalid_login": "身份证号/手机号/个人账号或密码错误，请重新输入。"}
    role = "depositor"

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def credentials(self, cleaned):
        return {"username": cleaned["identifier"], "password": cleaned["password"]}

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if wait := address_wait_seconds(self.request):
            raise forms.ValidationError(
                f"您所在网络的登录失败次数较多，为保护账户安全，请{wait}秒后再试。", code="address_throttled"
            )
        self.user = authenticate(self.request, **self.credentials(cleaned))
        if self.user is None or self.user.role != self.role:
            self.user = None
            address_failed(self.request)
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return cleaned


class UnitLoginForm(DepositorLoginForm):
    identifier = forms.CharField(
        label="单位账号",
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "username", "placeholder": "请输入单位账号"}),
    )
    error_messages = {"invalid_login": "单位账号或密码错误，请重新输入。"}
    role = "unit"


class SmsCodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "短信验证码")
        kwargs.setdefault("max_length", 6)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))
        super().__init__(**kwargs)


class NewPasswordMixin(PortalForm):
    new_password1 = forms.CharField(
        label="新密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="6–18位，须同时包含字母和数字。",
    )
    new_password2 = forms.CharField(
        label="确认密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    user = None

    def clean_new_password2(self):
        p1, p2 = self.cleaned_data.get("new_password1"), self.cleaned_data.get("new_password2")
        if p1 and p2 and p1 != p2:
            raise forms.ValidationError("两次输入的密码不一致。")
        if p1:
            validate_password(p1, self.user)
        return p2


class RegisterForm(NewPasswordMixin):
    full_name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=18, validators=[validate_id_number])
    phone = forms.RegexField(label="手机号", regex=r"^1\d{10}$", error_messages={"invalid": "请输入11位手机号。"})
    captcha = captcha_field()
    sms_code = SmsCodeField(required=False)
    terms = forms.BooleanField(
        label="我已阅读并同意《网上服务条款》", error_messages={"required": "请阅读并同意《网上服务条款》。"}
    )
    field_order = ["full_name", "id_number", "phone", "captcha", "sms_code", "new_password1", "new_password2", "terms"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "登录密码"

    def clean_id_number(self):
        return self.cleaned_data["id_number"].strip().upper()


class ForgotIdentityForm(PortalForm):
    full_name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="证件号码", max_length=18)
    captcha = captcha_field()


class SmsStepForm(PortalForm):
    sms_code = SmsCodeField()


class ResetPasswordForm(NewPasswordMixin):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user


class ChangePasswordForm(NewPasswordMixin):
    old_password = forms.CharField(
        label="原密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_old_password(self):
        if not self.user.check_password(self.cleaned_data["old_password"]):
            raise forms.ValidationError("原密码不正确。")
        return self.cleaned_data["old_password"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("old_password") and cleaned.get("old_password") == cleaned.get("new_password1"):
            self.add_error("new_password1", "新密码不能与原密码相同。")
        return cleaned


class _ReverifyForm(PortalForm):
    """个人信息变更 asks for the login password again: a session left open is not enough."""

    password = forms.CharField(label="登录密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        if not self.user.check_password(self.cleaned_data["password"]):
            raise forms.ValidationError("登录密码不正确。")
        return self.cleaned_data["password"]


class PhoneChangeForm(_ReverifyForm):
    old_code = SmsCodeField(label="原手机号短信验证码")
    new_phone = forms.RegexField(
        label="新手机号",
        regex=r"^1\d{10}$",
        error_messages={"invalid": "请输入11位手机号。"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    new_code = SmsCodeField(label="新手机号短信验证码")
    field_order = ["password", "old_code", "new_phone", "new_code"]


class CardChangeForm(_ReverifyForm):
    bank = forms.ChoiceField(label="收款银行")
    card_number = forms.CharField(
        label="银行卡号码",
        max_length=23,
        help_text="须为本人名下Ⅰ类借记卡，16–19位数字；提交后由银行核验持卡人和账户类别。",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    sms_code = SmsCodeField()
    field_order = ["bank", "card_number", "password", "sms_code"]

    def __init__(self, *args, banks, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["bank"]).choices = [("", "请选择")] + [(b, b) for b in banks]

    def clean_card_number(self):
        return "".join(self.cleaned_data["card_number"].split())
