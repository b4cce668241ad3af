"""注册: the page (accounts keeps the login, the SMS codes and the forms; the account lookup is this app's)."""

from django.contrib import messages
from django.shortcuts import redirect, render

from accounts.forms import RegisterForm
from accounts.models import SmsCode
from accounts.services import IdentityError
from accounts.sms import SmsError, sms_code_check
from accounts.views import code_send
from gjj_portal.http import client_ip, hits_allowed, posted

from .onboarding import depositor_register, registration_problem

IDENTITY_FIELDS = ("full_name", "id_number", "phone", "captcha")
REGISTER_CHECKS_PER_HOUR = 20  # identity checks one address may ask for (on top of the captcha)


def _register_check_allowed(request) -> bool:
    return hits_allowed(f"register-checks:{client_ip(request)}", limit=REGISTER_CHECKS_PER_HOUR, seconds=3600)


def register_view(request):
    """注册: the center must know the ID with this name and reserved phone; 发送验证码 then 注册."""
    form = RegisterForm(posted(request))
    sending = request.POST.get("action") == "send"
    valid = request.method == "POST" and form.is_valid()
    if sending:
        # 发送验证码 needs only who and which phone; the rest is checked at 注册.
        for name in [n for n in form.errors if n not in IDENTITY_FIELDS]:
            del form.errors[name]
    c = form.cleaned_data if request.method == "POST" else {}
    if (valid or sending) and all(n in c for n in IDENTITY_FIELDS):
        if not _register_check_allowed(request):
            problem = "操作过于频繁，请一小时后再试。"
        else:
            problem = registration_problem(full_name=c["full_name"], id_number=c["id_number"], phone=c["phone"])
        if problem:
            form.add_error(None, problem)
        elif sending:
            code_send(request, c["phone"], SmsCode.Purpose.REGISTER)
        else:
            try:
                sms_code_check(phone=c["phone"], purpose=SmsCode.Purpose.REGISTER, code=c["sms_code"])
                depositor_register(
                    full_name=c["full_name"], id_number=c["id_number"], phone=c["phone"], password=c["new_password1"]
                )
            except (SmsError, IdentityError) as exc:
                form.add_error("sms_code" if isinstance(exc, SmsError) else None, str(exc))
            else:
                messages.success(request, "注册成功，可用身份证号或手机号码登录个人网上服务大厅。")
                return redirect("accounts:login")
    return render(request, "accounts/register.html", {"form": form})
