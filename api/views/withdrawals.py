"""提取 for the app: what each type would give this person now, the rules' answer to a filled form without
submitting it, 提交 once per Idempotency-Key, 影像上传, 确定, 撤回, and 我发起的 with 办理进度. The forms and
services are the pages' own (withdrawals.forms, withdrawals.services)."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from gjj_portal.errors import DomainError
from policy.center import current_policy
from withdrawals import services
from withdrawals.forms import ClosingWithdrawalForm, LoanWithdrawalForm, MaterialUploadForm, RentWithdrawalForm
from withdrawals.models import CLOSING_KINDS, Channel, Status, WithdrawalKind
from withdrawals.offers import withdrawal_offers
from withdrawals.selectors import (
    application_get_for_user,
    application_timeline,
    applications_of_user,
    commercial_loans_of,
    hpf_loan_of,
    hpf_loans_repaying,
)
from withdrawals.views import material_slots, material_upload, withdrawal_from_form

from ..errors import FormRefused
from ..serializers import ApplicationDetailSerializer, ApplicationSerializer, OfferSerializer, form_body, money
from ..services import ApiError
from .base import ERRORS, IDEMPOTENCY_KEY, SUBMISSION_ERRORS, DepositorView, form_data, idempotent

KIND = OpenApiParameter(
    "kind",
    str,
    OpenApiParameter.PATH,
    enum=[k.value for k in WithdrawalKind],
    description="rent 租房，commercial_loan 商贷还款，hpf_loan 公贷还款，retirement 退休，"
    "disability 完全丧失劳动能力，leaving 外地销户",
)
MATERIAL_NO = {
    "material_no": serializers.CharField(
        required=False, help_text="提取材料号：商贷记录的材料号或公积金借款合同编号（只有一笔时可省略）"
    )
}
WithdrawalBody = inline_serializer(
    "Withdrawal",
    {
        **{name: field for name, field in form_body(RentWithdrawalForm, "RentFields")().get_fields().items()},
        **MATERIAL_NO,
    },
)
WithdrawalBody.__doc__ = (
    "各类型所需字段：租房提取用全部字段；商贷/公贷还款提取用收款信息、amount 与 material_no；销户类只用收款信息。"
)


class CheckSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text="按所填内容可以提交")
    limit = money("商贷/公贷还款提取本次最多可提（其他类型为 null）", allow_null=True)


def _loan(account, kind, material_no):
    if kind == WithdrawalKind.COMMERCIAL_LOAN:
        records = list(commercial_loans_of(account=account))
        if not material_no and len(records) == 1:
            return records[0]
        return next((r for r in records if r.material_no == material_no), None)
    if not material_no:
        repaying = hpf_loans_repaying(account=account)
        return repaying[0] if len(repaying) == 1 else None
    return hpf_loan_of(account=account, contract_no=material_no)


def _form(kind, account, data):
    """The page's form for `kind`. Without a card in the body, the bound 收款银行卡 (as the page fills it in)."""
    policy = current_policy()
    if not data.get("card_number") and account.payee_card:
        data.setdefault("bank", account.payee_bank)
        data["card_number"] = account.payee_card
    if kind == WithdrawalKind.RENT:
        return RentWithdrawalForm(data, account=account, policy=policy), None
    if kind in CLOSING_KINDS:
        return ClosingWithdrawalForm(data, account=account, policy=policy, kind=kind), None
    loan = _loan(account, kind, (data.get("material_no") or "").strip()[:40])
    return LoanWithdrawalForm(data, account=account, policy=policy, kind=kind, loan=loan), loan


def _kind(kind: str) -> str:
    if kind not in WithdrawalKind.values:
        raise Http404
    return kind


def detail_body(application) -> dict:
    changes = list(application.changes.order_by("at", "id"))
    application.steps = application_timeline(application=application, changes=changes)
    application.material_slots = (
        material_slots(application) if application.status in (Status.DRAFT, Status.MATERIALS_REQUESTED) else []
    )
    application.withdrawable = application.status in services.WITHDRAWABLE and application.channel == Channel.ONLINE
    data = ApplicationDetailSerializer(application).data
    return data


class OffersView(DepositorView):
    @extend_schema(
        operation_id="withdrawal_offers",
        summary="我现在能办什么：每类提取的规则答复",
        responses={200: OfferSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        return Response(OfferSerializer(withdrawal_offers(account=self.account()), many=True).data)


class CheckView(DepositorView):
    @extend_schema(
        operation_id="withdrawal_check",
        summary="提交前检查：按所填内容给出规则的答复（不办理）",
        parameters=[KIND],
        request=WithdrawalBody,
        responses={
            200: CheckSerializer,
            **ERRORS,
        },
    )
    def post(self, request, kind):
        form, _ = _form(_kind(kind), self.account(), form_data(request.data))
        if not form.is_valid():
            raise FormRefused(form)
        return Response(CheckSerializer({"ok": True, "limit": getattr(form, "limit", None)}).data)


class SubmitView(DepositorView):
    @extend_schema(
        operation_id="withdrawal_submit",
        summary="提交提取申请（同一 Idempotency-Key 只办理一次）",
        description="答复 201 与申请；status 为 draft 时须按 material_slots 上传材料后调用 application_confirm。",
        parameters=[KIND, IDEMPOTENCY_KEY],
        request=WithdrawalBody,
        responses={201: ApplicationDetailSerializer, **SUBMISSION_ERRORS},
    )
    def post(self, request, kind):
        kind, account = _kind(kind), self.account()

        def run():
            form, loan = _form(kind, account, form_data(request.data))
            if not form.is_valid():
                raise FormRefused(form)
            application = withdrawal_from_form(user=request.user, account=account, kind=kind, form=form, loan=loan)
            return 201, detail_body(application)

        return idempotent(request, f"withdrawal:{kind}", run)


class ApplicationsView(DepositorView):
    @extend_schema(
        operation_id="applications_list",
        summary="我发起的（提取申请）",
        responses={200: ApplicationSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        return Response(ApplicationSerializer(applications_of_user(user=request.user)[:100], many=True).data)


class ApplicationView(DepositorView):
    @extend_schema(
        operation_id="application_get",
        summary="申请详情与办理进度",
        responses={200: ApplicationDetailSerializer, **ERRORS},
    )
    def get(self, request, application_id):
        return Response(detail_body(application_get_for_user(user=request.user, public_id=application_id)))


class WithdrawView(DepositorView):
    @extend_schema(
        operation_id="application_withdraw",
        summary="撤回申请（中心审核前）",
        request=None,
        responses={200: ApplicationDetailSerializer, **ERRORS},
    )
    def post(self, request, application_id):
        application = application_get_for_user(user=request.user, public_id=application_id)
        services.withdrawal_withdraw(application=application, user=request.user)
        application.refresh_from_db()
        return Response(detail_body(application))


class MaterialsView(DepositorView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="application_materials_upload",
        summary="影像上传：一项材料的文件（JPEG/PNG/PDF）",
        request={
            "multipart/form-data": inline_serializer(
                "MaterialUpload",
                {
                    "slot": serializers.CharField(help_text="材料项目（申请详情的 material_slots 之一）"),
                    "files": serializers.ListField(child=serializers.FileField(), help_text="文件，可多个"),
                },
            )
        },
        responses={200: ApplicationDetailSerializer, **ERRORS},
    )
    def post(self, request, application_id):
        application = application_get_for_user(user=request.user, public_id=application_id)
        if application.status not in (Status.DRAFT, Status.MATERIALS_REQUESTED):
            raise ApiError("该申请现在不需要上传材料。", code="refused")
        form = MaterialUploadForm(request.POST, request.FILES)
        if not request.POST.get("slot"):
            raise ApiError("请选择要上传的材料项目（slot）。", field="slot")
        if error := material_upload(request, application, form):
            raise ApiError(error, field="files")
        return Response(detail_body(application))


class ConfirmView(DepositorView):
    @extend_schema(
        operation_id="application_confirm",
        summary="材料上传完毕，确定提交审核",
        request=None,
        responses={200: ApplicationDetailSerializer, **ERRORS},
    )
    def post(self, request, application_id):
        application = application_get_for_user(user=request.user, public_id=application_id)
        if application.status not in (Status.DRAFT, Status.MATERIALS_REQUESTED):
            raise ApiError("该申请已提交，无需再次确定。", code="refused")
        try:
            services.withdrawal_submit(application=application, user=request.user)
        except DomainError as exc:
            raise ApiError(str(exc)) from exc
        application.refresh_from_db()
        return Response(detail_body(application))
