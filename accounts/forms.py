from captcha.fields import CaptchaField
from django import forms
from django.contrib.auth import authenticate


class DepositorLoginForm(forms.Form):
    identifier = forms.CharField(
        label="身份证号/手机号",
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "username", "placeholder": "请输入身份证号或手机号"}),
    )
    password = forms.CharField(
        label="用户密码",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "placeholder": "请输入用户密码"}),
    )
    captcha = CaptchaField(label="验证码", error_messages={"invalid": "验证码错误，请重新输入。"})

    error_messages = {"invalid_login": "身份证号/手机号或密码错误，请重新输入。"}

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.user = authenticate(self.request, username=cleaned["identifier"], password=cleaned["password"])
        if self.user is None or not self.user.is_depositor:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return cleaned
