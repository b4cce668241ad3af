"""登录 for the app: captcha → password (and, where the policy asks, an SMS code) → a token pair bound to the
device; refresh, 退出, 退出所有设备, 修改密码. The web login's own form does the checking, so the lockout, the
address budget, the captcha, the 面签 gate and the first-login rule are the same."""

import re
import secrets

from captcha.models import CaptchaStore
from django.core.cache import cache
from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts.forms import ChangePasswordForm, DepositorLoginForm
from accounts.models import SmsCode, User
from accounts.services import IdentityError, password_set
from accounts.sms import SmsError, sms_code_check, sms_code_send
from accounts.views import ENROLL_MESSAGE
from gjj_portal.http import client_ip
from gjj_portal.identity import mask_phone
from policy.center import current_policy

from ..errors import FormRefused
from ..serializers import DoneSerializer, SmsChallengeSerializer, TokenSerializer, form_body
from ..services import ApiError, token_issue, token_refresh, token_revoke, tokens_revoke_all
from .base import ERRORS, DepositorView, PublicView, form_data

CHALLENGE_SECONDS = 300
CHALLENGE_SHAPE = re.compile(r"[A-Za-z0-9_-]{32}")
DEVICE_ID = serializers.CharField(max_length=64, help_text="设备标识（App 首次启动时生成并保存，≤64 字符）")

LoginBody = inline_serializer(
    "Login",
    {
        "identifier": serializers.CharField(help_text="身份证号、手机号或个人账号"),
        "password": serializers.CharField(help_text="用户密码"),
        "captcha_key": serializers.CharField(help_text="图形验证码编号（GET /api/v1/auth/captcha）"),
        "captcha_value": serializers.CharField(help_text="图形验证码"),
        "device_id": DEVICE_ID,
    },
)


def _device(data) -> str:
    device = data.get("device_id") if isinstance(data, dict) else None
    if not isinstance(device, str) or not device.strip() or len(device) > 64 or not device.isprintable():
        raise ApiError("请提供设备标识 device_id（不超过64个字符）。", field="device_id")
    return device.strip()


def _tokens(user, device) -> Response:
    pair = token_issue(user=user, device_id=device)
    body = {**pair.__dict__, "token_type": "Bearer", "must_change_password": user.must_change_password}
    return Response(TokenSerializer(body).data)


class CaptchaView(PublicView):
    @extend_schema(
        operation_id="auth_captcha",
        summary="图形验证码",
        responses={
            200: inline_serializer("Captcha", {"key": serializers.CharField(), "image_url": serializers.CharField()})
        },
    )
    def get(self, request):
        key = CaptchaStore.generate_key()
        return Response({"key": key, "image_url": reverse("captcha-image", kwargs={"key": key})})


class TokenView(PublicView):
    @extend_schema(
        operation_id="auth_login",
        summary="登录：密码 + 图形验证码",
        description="成功得到令牌；中心要求短信验证时答复 202 与 challenge，再调用 auth_login_sms。",
        request=LoginBody,
        responses={200: TokenSerializer, 202: SmsChallengeSerializer, **ERRORS},
    )
    def post(self, request):
        device, data = _device(request.data), form_data(request.data)
        data["captcha_0"], data["captcha_1"] = data.pop("captcha_key", ""), data.pop("captcha_value", "")
        form = DepositorLoginForm(request._request, data=data)
        if not form.is_valid():
            if getattr(request._request, "axes_locked_out", False):
                from accounts.views import LOCKED_MESSAGE

                raise ApiError(LOCKED_MESSAGE, code="locked_out", status=429)
            raise FormRefused(form)
        policy, user = current_policy(), form.user
        account = getattr(user, "account", None)
        if policy.login_requires_enrollment and (account is None or not account.online_enabled):
            raise ApiError(ENROLL_MESSAGE, code="not_enrolled", status=403)
        if policy.login_requires_sms:
            try:
                sms_code_send(phone=user.phone, purpose=SmsCode.Purpose.LOGIN, ip=client_ip(request))
            except SmsError as exc:
                raise ApiError(str(exc), code="sms_refused", status=429) from exc
            challenge = secrets.token_urlsafe(24)
            cache.set(f"api:challenge:{challenge}", {"user": user.pk, "device": device}, CHALLENGE_SECONDS)
            body = {"sms_required": True, "challenge": challenge, "phone_masked": mask_phone(user.phone)}
            return Response(SmsChallengeSerializer(body).data, status=202)
        return _tokens(user, device)


class TokenSmsView(PublicView):
    @extend_schema(
        operation_id="auth_login_sms",
        summary="登录第二步：短信验证码",
        request=inline_serializer(
            "LoginSms",
            {"challenge": serializers.CharField(), "sms_code": serializers.CharField(), "device_id": DEVICE_ID},
        ),
        responses={200: TokenSerializer, **ERRORS},
    )
    def post(self, request):
        device = _device(request.data)
        challenge = str(request.data.get("challenge") or "")
        # Only the shape this view hands out reaches the cache key (token_urlsafe(24): 32 of A-Z a-z 0-9 _ -).
        pending = cache.get(f"api:challenge:{challenge}") if CHALLENGE_SHAPE.fullmatch(challenge) else None
        if not pending or pending["device"] != device:
            raise ApiError("登录已过期，请重新输入密码登录。", code="challenge_invalid", field="challenge")
        user = User.objects.get(pk=pending["user"])
        try:
            sms_code_check(phone=user.phone, purpose=SmsCode.Purpose.LOGIN, code=str(request.data.get("sms_code", "")))
        except SmsError as exc:
            raise ApiError(str(exc), code="sms_code_invalid", field="sms_code") from exc
        cache.delete(f"api:challenge:{challenge}")
        return _tokens(user, device)


class RefreshView(PublicView):
    @extend_schema(
        operation_id="auth_refresh",
        summary="刷新令牌（换发一对新令牌，旧的失效）",
        request=inline_serializer(
            "Refresh",
            {
                "refresh_token": serializers.CharField(help_text="登录或上次刷新得到的 refresh_token"),
                "device_id": DEVICE_ID,
            },
        ),
        responses={200: TokenSerializer, **ERRORS},
    )
    def post(self, request):
        device = _device(request.data)
        user, pair = token_refresh(refresh_token=str(request.data.get("refresh_token") or "")[:200], device_id=device)
        body = {**pair.__dict__, "token_type": "Bearer", "must_change_password": user.must_change_password}
        return Response(TokenSerializer(body).data)


class LogoutView(DepositorView):
    allowed_before_password_change = True

    @extend_schema(
        operation_id="auth_logout", summary="退出（本设备）", request=None, responses={200: DoneSerializer, **ERRORS}
    )
    def post(self, request):
        token_revoke(row=request.auth)
        return Response({"ok": True, "message": "您已安全退出。"})


class LogoutAllView(DepositorView):
    allowed_before_password_change = True

    @extend_schema(
        operation_id="auth_logout_all",
        summary="退出所有设备（App 与网页）",
        request=None,
        responses={200: DoneSerializer, **ERRORS},
    )
    def post(self, request):
        tokens_revoke_all(user=request.user)
        return Response({"ok": True, "message": "已退出所有设备上的登录。"})


class PasswordView(DepositorView):
    allowed_before_password_change = True

    @extend_schema(
        operation_id="me_password_change",
        summary="修改密码（首次登录须先修改初始密码）",
        description="成功后本人所有设备（含本设备）的登录失效，请用新密码重新登录。",
        request=form_body(ChangePasswordForm, "PasswordChange"),
        responses={200: DoneSerializer, **ERRORS},
    )
    def post(self, request):
        form = ChangePasswordForm(form_data(request.data), user=request.user)
        if not form.is_valid():
            raise FormRefused(form)
        try:
            password_set(user=request.user, password=form.cleaned_data["new_password1"])
        except IdentityError as exc:
            raise ApiError(str(exc), field="new_password1") from exc
        return Response({"ok": True, "message": "密码已修改，请用新密码重新登录。"})
