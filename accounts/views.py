from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from gjj_portal.access import depositor_required
from gjj_portal.context_processors import ELDER_COOKIE
from gjj_portal.http import client_ip, is_api, json_error, posted
from gjj_portal.identity import mask_phone
from policy.center import current_policy
from policy.notices import notices_current

from . import services
from .audit import access_records_for
from .forms import (
    ChangePasswordForm,
    DepositorLoginForm,
    ForgotIdentityForm,
    ResetPasswordForm,
    SmsStepForm,
    UnitLoginForm,
)
from .models import SmsCode, User
from .sms import SmsError, sms_code_check, sms_code_send

PENDING_LOGIN = "gjj_pending_login"
RESET = "gjj_reset"
LOCKED_MESSAGE = "登录失败次数过多，已暂时锁定30分钟。请稍后再试，或通过“忘记密码”重置密码。"
ENROLL_MESSAGE = "您尚未开通网上业务，请携带本人身份证到中心服务大厅或受托银行网点办理面签开通后再登录。"


def _next_or(request, default):
    url = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site, without control characters (a header cannot carry them).
    if (
        url.startswith("/")
        and not any(ord(c) < 32 or ord(c) == 127 for c in url)
        and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure())
    ):
        return url
    return default


def login_view(request):
    """个人登录: 身份证号, 手机号 or 个人账号 + 用户密码 + 验证码; the policy may add an SMS code."""
    if request.user.is_authenticated and request.user.is_depositor:
        return redirect("home")
    form = DepositorLoginForm(request, data=posted(request))
    if request.method == "POST" and form.is_valid():
        policy, user = current_policy(), form.user
        account = getattr(user, "account", None)
        if policy.login_requires_enrollment and (account is None or not account.online_enabled):
            form.add_error(None, ENROLL_MESSAGE)
        elif policy.login_requires_sms:
            request.session[PENDING_LOGIN] = {"user": user.pk, "next": _next_or(request, "")}
            return redirect("accounts:login_sms")
        else:
            login(request, user, backend="accounts.backends.DepositorBackend")  # rotates the session key
            return redirect(_next_or(request, "home"))
    context = {
        "form": form,
        "next": request.GET.get("next", ""),
        "sso_enabled": settings.GJJ_OIDC_ENABLED,
        "sso_label": settings.GJJ_OIDC_LABEL,
        "sso_failed": request.GET.get("sso") == "failed",
        "notices": notices_current(limit=5),
    }
    return render(request, "accounts/login.html", context)


def login_sms_view(request):
    """The Ningbo step: a code to the reserved phone before the session opens."""
    pending = request.session.get(PENDING_LOGIN)
    if not pending:
        return redirect("accounts:login")
    user = User.objects.get(pk=pending["user"])
    form = SmsStepForm(posted(request))
    if request.method == "POST" and request.POST.get("action") == "send":
        code_send(request, user.phone, SmsCode.Purpose.LOGIN)
        form = SmsStepForm()
    elif request.method == "POST" and form.is_valid():
        try:
            sms_code_check(phone=user.phone, purpose=SmsCode.Purpose.LOGIN, code=form.cleaned_data["sms_code"])
        except SmsError as exc:
            form.add_error("sms_code", str(exc))
        else:
            del request.session[PENDING_LOGIN]
            login(request, user, backend="accounts.backends.DepositorBackend")
            return redirect(pending["next"] or "home")
    return render(request, "accounts/login_sms.html", {"form": form, "phone": mask_phone(user.phone)})


def code_send(request, phone, purpose):
    try:
        sms_code_send(phone=phone, purpose=purpose, ip=client_ip(request))
        messages.success(request, f"验证码已发送至 {mask_phone(phone)}，5分钟内有效。")
    except SmsError as exc:
        messages.error(request, str(exc))


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, "您已安全退出系统。")
    return redirect("accounts:login")


@require_POST
@login_required
def logout_all_view(request):
    """退出所有设备: every session of this user ends, this one included."""
    services.logout_everywhere(user=request.user)
    logout(request)
    messages.info(request, "已退出所有设备上的登录。")
    return redirect("accounts:login")


def forgot_view(request):
    """忘记密码: 信息验证 (name, ID, captcha) → the masked reserved phone → SMS code → new password."""
    state = request.session.get(RESET) or {}
    user = User.objects.filter(pk=state.get("user")).first()
    if user is None:
        form = ForgotIdentityForm(posted(request))
        if request.method == "POST" and form.is_valid():
            found = services.depositor_find(
                full_name=form.cleaned_data["full_name"], id_number=form.cleaned_data["id_number"]
            )
            if found is None:
                form.add_error(None, "信息验证不通过，请核对姓名和证件号码；尚未注册的请先注册。")
            else:
                request.session[RESET] = {"user": found.pk, "sms_ok": False}
                return redirect("accounts:forgot")
        return render(request, "accounts/forgot.html", {"form": form, "step": 1})
    if not state.get("sms_ok"):
        # Bound only to a 下一步 POST: the page reached after 信息验证 shows no error before any input.
        form = SmsStepForm(request.POST if request.method == "POST" and request.POST.get("action") != "send" else None)
        if request.method == "POST" and request.POST.get("action") == "send":
            code_send(request, user.phone, SmsCode.Purpose.RESET)
        elif request.method == "POST" and form.is_valid():
            try:
                sms_code_check(phone=user.phone, purpose=SmsCode.Purpose.RESET, code=form.cleaned_data["sms_code"])
            except SmsError as exc:
                form.add_error("sms_code", str(exc))
            else:
                request.session[RESET] = {"user": user.pk, "sms_ok": True}
                return redirect("accounts:forgot")
        return render(request, "accounts/forgot.html", {"form": form, "step": 2, "phone": mask_phone(user.phone)})
    form = ResetPasswordForm(posted(request), user=user)
    if request.method == "POST" and form.is_valid():
        services.password_set(user=user, password=form.cleaned_data["new_password1"])
        del request.session[RESET]
        return render(request, "accounts/forgot.html", {"step": 4})
    return render(request, "accounts/forgot.html", {"form": form, "step": 3})


@login_required
def password_change_view(request):
    """修改密码: 原密码, 新密码 (≠ 原密码), 确认密码; other sessions end, this one stays."""
    form = ChangePasswordForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_set(user=request.user, password=form.cleaned_data["new_password1"])
        except services.IdentityError as exc:
            form.add_error("new_password1", str(exc))
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码修改成功。")
            return redirect("unit:home" if request.user.is_unit_user else "home")
    return render(request, "accounts/password_change.html", {"form": form, "forced": request.user.must_change_password})


def unit_login_view(request):
    """单位登录: a separate door to the employer pages."""
    if request.user.is_authenticated and request.user.is_unit_user:
        return redirect("unit:home")
    form = UnitLoginForm(request, data=posted(request))
    if request.method == "POST" and form.is_valid():
        login(request, form.user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(_next_or(request, "unit:home"))
    return render(request, "accounts/unit_login.html", {"form": form})


def locked_out(request, credentials, *args, **kwargs):
    """django-axes: too many failures. The message never says whether the account exists."""
    if is_api(request):
        return json_error("locked_out", LOCKED_MESSAGE, status=429)
    context = {"form": DepositorLoginForm(request), "locked": LOCKED_MESSAGE}
    return render(request, "accounts/login.html", context, status=429)


@require_POST
def display_view(request):
    """长辈版 on or off, 新消息提示音 on or off: remembered for the person (or, before login, this browser)."""
    choice = request.POST.get("set")
    back = redirect(_next_or(request, "home" if request.user.is_authenticated else "accounts:login"))
    if choice not in ("elder_on", "elder_off", "sound_on", "sound_off"):
        return back
    on = choice.endswith("_on")
    if choice.startswith("elder"):
        if request.user.is_authenticated:
            services.display_set(user=request.user, elder_mode=on)
        # This browser remembers the latest choice ("1" on, "0" off); logging in carries it onto the person.
        back.set_cookie(ELDER_COOKIE, "1" if on else "0", max_age=365 * 24 * 3600, samesite="Lax",
                        secure=request.is_secure())  # fmt: skip
        messages.info(request, "已切换到长辈版：字更大，按钮更大。" if on else "已切换到标准版。")
    elif request.user.is_authenticated:
        services.display_set(user=request.user, sound_on=on)
        messages.info(request, "已开启新消息提示音。" if on else "已关闭音效：有新消息时不再发出提示音。")
    return back


@depositor_required
def access_records_view(request):
    """个人信息查询记录: which office (or partner application) saw this person's data, what, and when."""
    records = access_records_for(id_number=request.user.id_number)
    page = Paginator(records, 20).get_page(request.GET.get("page"))
    return render(
        request, "accounts/access_records.html", {"page": page, "years": current_policy().access_record_years}
    )
