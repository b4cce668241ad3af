"""个人信息变更 (变更收款银行卡, 变更手机号: the login password and SMS codes again, the same hourly budget as the
page) and 委托提取 (签订 once per Idempotency-Key, 撤销) for the app — the pages' forms and services."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts.forms import CardChangeForm, PhoneChangeForm
from accounts.models import SmsCode
from accounts.sms import SmsError, sms_code_send
from deposits.models import ProfileChange
from deposits.profile import phone_problem
from deposits.profile_views import TOO_MANY, card_change_submit, phone_change_submit, tries_left
from gjj_portal.http import client_ip
from gjj_portal.identity import mask_card, mask_phone
from policy.center import current_policy
from withdrawals.forms import StandingForm
from withdrawals.models import StandingInstruction
from withdrawals.standing import standing_cancel, standing_sign
from withdrawals.standing_views import standing_loans

from ..errors import FormRefused
from ..serializers import DoneSerializer, form_body, money
from ..services import ApiError
from .base import ERRORS, IDEMPOTENCY_KEY, SUBMISSION_ERRORS, DepositorView, form_data, idempotent


class ProfileChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="card 收款银行卡 / phone 手机号")
    field_label = serializers.CharField(source="get_field_display")
    old_masked = serializers.CharField()
    new_masked = serializers.CharField()
    channel = serializers.CharField()
    at = serializers.DateTimeField()


class ProfileSerializer(serializers.Serializer):
    phone_masked = serializers.CharField(help_text="预留手机号（遮挡）")
    payee_bank = serializers.CharField(help_text="收款银行")
    payee_card_masked = serializers.CharField(help_text="收款银行卡（遮挡）")
    card_cooling_hours = serializers.IntegerField(help_text="新卡须满多少小时后方可接收提取资金")
    changes = ProfileChangeSerializer(many=True, help_text="变更记录（最近20条）")


def _profile(user) -> dict:
    account = user.account
    return {
        "phone_masked": mask_phone(user.phone),
        "payee_bank": account.payee_bank,
        "payee_card_masked": mask_card(account.payee_card) if account.payee_card else "",
        "card_cooling_hours": current_policy().card_cooling_hours,
        "changes": ProfileChange.objects.filter(user=user)[:20],
    }


class ProfileView(DepositorView):
    @extend_schema(
        operation_id="profile_get",
        summary="个人信息变更：现有信息与变更记录",
        responses={200: ProfileSerializer, **ERRORS},
    )
    def get(self, request):
        self.account()
        return Response(ProfileSerializer(_profile(request.user)).data)


class ProfileSmsView(DepositorView):
    @extend_schema(
        operation_id="profile_sms_send",
        summary="个人信息变更：发送短信验证码（预留手机号，或变更手机号时的新手机号）",
        request=inline_serializer(
            "ProfileSms",
            {
                "to": serializers.ChoiceField(
                    choices=["reserved", "new_phone"], help_text="reserved 预留手机号 / new_phone 新手机号"
                ),
                "new_phone": serializers.CharField(required=False, help_text="to=new_phone 时填写"),
            },
        ),
        responses={200: DoneSerializer, **ERRORS},
    )
    def post(self, request):
        user, data = request.user, form_data(request.data)
        if data.get("to") == "new_phone":
            phone, purpose = (data.get("new_phone") or "").strip(), SmsCode.Purpose.NEW_PHONE
            looks_right = len(phone) == 11 and phone.isdigit() and phone.startswith("1")
            if problem := (phone_problem(user=user, new_phone=phone) if looks_right else "请输入11位手机号。"):
                raise ApiError(problem, field="new_phone")
        elif data.get("to") == "reserved":
            phone, purpose = user.phone, SmsCode.Purpose.PROFILE
        else:
            raise ApiError("请选择发送到预留手机号（reserved）还是新手机号（new_phone）。", field="to")
        try:
            sms_code_send(phone=phone, purpose=purpose, ip=client_ip(request))
        except SmsError as exc:
            raise ApiError(str(exc), code="sms_refused", status=429) from exc
        return Response({"ok": True, "message": f"验证码已发送至 {mask_phone(phone)}，5分钟内有效。"})


class CardChangeView(DepositorView):
    @extend_schema(
        operation_id="profile_card_change",
        summary="变更收款银行卡（登录密码 + 短信验证码）",
        request=form_body(CardChangeForm, "CardChange"),
        responses={200: ProfileSerializer, **ERRORS},
    )
    def post(self, request):
        user = request.user
        form = CardChangeForm(form_data(request.data), user=user, banks=current_policy().banks)
        if not tries_left(user):
            raise ApiError(TOO_MANY, code="throttled", status=429)
        if not form.is_valid() or card_change_submit(user=user, form=form, ip=client_ip(request)) is None:
            raise FormRefused(form)
        user.account.refresh_from_db()
        return Response(ProfileSerializer(_profile(user)).data)


class PhoneChangeView(DepositorView):
    @extend_schema(
        operation_id="profile_phone_change",
        summary="变更手机号（登录密码 + 原手机号与新手机号的验证码）",
        request=form_body(PhoneChangeForm, "PhoneChange"),
        responses={200: ProfileSerializer, **ERRORS},
    )
    def post(self, request):
        user = request.user
        form = PhoneChangeForm(form_data(request.data), user=user)
        if not tries_left(user):
            raise ApiError(TOO_MANY, code="throttled", status=429)
        if not form.is_valid() or phone_change_submit(user=user, form=form, ip=client_ip(request)) is None:
            raise FormRefused(form)
        user.refresh_from_db()
        return Response(ProfileSerializer(_profile(user)).data)


# --- 委托提取 ---------------------------------------------------------------------------------------------


class StandingRunSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="执行月份（当月1日）")
    outcome = serializers.CharField()
    outcome_label = serializers.CharField(source="get_outcome_display")
    amount = money("提取金额", allow_null=True)


class StandingSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    number = serializers.CharField(help_text="协议编号")
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    bank = serializers.CharField()
    card_masked = serializers.SerializerMethodField()
    monthly_rent = money("月租金", allow_null=True)
    region = serializers.CharField()
    address = serializers.CharField()
    runs = StandingRunSerializer(many=True, help_text="每月执行记录")

    def get_card_masked(self, instruction) -> str:
        return mask_card(instruction.card_number)


class StandingPageSerializer(serializers.Serializer):
    purposes = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()),
        help_text="可选的委托事项：value（提交 purpose）与 label",
    )
    instructions = StandingSerializer(many=True)


def _standing_form(request, data=None):
    account = request.user.account
    return StandingForm(data, account=account, policy=current_policy(), loans=standing_loans(account))


class StandingView(DepositorView):
    @extend_schema(
        operation_id="standing_list",
        summary="委托提取：可选事项与我的协议",
        responses={200: StandingPageSerializer, **ERRORS},
    )
    def get(self, request):
        account = self.account()
        purposes = [
            {"value": v, "label": str(label)} for v, label in _standing_form(request).fields["purpose"].choices if v
        ]
        rows = StandingInstruction.objects.filter(account=account).prefetch_related("runs")
        return Response(StandingPageSerializer({"purposes": purposes, "instructions": rows}).data)

    @extend_schema(
        operation_id="standing_sign",
        summary="签订委托提取协议（同一 Idempotency-Key 只签一次）",
        parameters=[IDEMPOTENCY_KEY],
        request=form_body(StandingForm, "StandingSign"),
        responses={201: StandingSerializer, **SUBMISSION_ERRORS},
    )
    def post(self, request):
        account = self.account()
        data = form_data(request.data)
        if not data.get("card_number") and account.payee_card:  # the bound card, as the page fills it in
            data.setdefault("bank", account.payee_bank)
            data["card_number"] = account.payee_card

        def run():
            form = _standing_form(request, data)
            if not form.is_valid():
                raise FormRefused(form)
            instruction = standing_sign(user=request.user, account=account, terms=form.to_terms())
            return 201, StandingSerializer(instruction).data

        return idempotent(request, "standing", run)


class StandingCancelView(DepositorView):
    @extend_schema(
        operation_id="standing_cancel",
        summary="撤销委托提取协议",
        request=None,
        parameters=[OpenApiParameter("standing_id", str, OpenApiParameter.PATH)],
        responses={200: StandingSerializer, **ERRORS},
    )
    def post(self, request, standing_id):
        instruction = get_object_or_404(StandingInstruction, public_id=standing_id, account__user=request.user)
        return Response(StandingSerializer(standing_cancel(instruction_id=instruction.pk, user=request.user)).data)
