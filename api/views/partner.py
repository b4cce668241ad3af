"""Partner applications (a bank, a government service platform): their key, only the endpoints the center
granted, only people who consented, at the rate the center set — and every call recorded (application,
person, endpoint, answer, address). The depositor grants and withdraws consent from the app (or the page)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.audit import access_record
from accounts.models import AccessRecord, Role, User
from gjj_portal.http import client_ip
from loans.selectors import contracts_of_user

from ..authentication import IsPartner, PartnerKeyAuthentication, PartnerRateThrottle
from ..models import ApiCall, PartnerApp, PartnerConsent, PartnerEndpoint
from ..serializers import AccountSerializer, DoneSerializer, EntriesPageSerializer, LoanSerializer
from ..services import ApiError, consent_grant, consent_withdraw
from .account import entries_page
from .base import ERRORS, DepositorView

# The person is named in the body, never in the address: an ID number in a URL would sit in every access log.
PersonBody = inline_serializer("PartnerPerson", {"id_number": serializers.CharField(help_text="缴存人身份证号码")})
EntriesBody = inline_serializer(
    "PartnerEntries",
    {
        "id_number": serializers.CharField(help_text="缴存人身份证号码"),
        "start": serializers.DateField(required=False, help_text="开始日期（默认近一年）"),
        "end": serializers.DateField(required=False, help_text="结束日期（不晚于今天；区间不超过两年）"),
        "page": serializers.IntegerField(required=False, help_text="页码（每页50条）"),
    },
)
NO_CONSENT = "该缴存人未授权本应用查询其公积金信息，或授权已撤销。"


class PartnerView(APIView):
    authentication_classes = [PartnerKeyAuthentication]
    permission_classes = [IsPartner]
    throttle_classes = [PartnerRateThrottle]
    partner_endpoint = ""

    def body(self) -> dict:
        return {k: str(v) for k, v in self.request.data.items()} if isinstance(self.request.data, dict) else {}

    def person(self):
        """The consenting person named in the body, else 404 — the same answer whether the ID is unknown or has
        not consented, so a partner learns nothing about who deposits here."""
        value = self.body().get("id_number", "").strip().upper()[:18]
        user = User.objects.filter(role=Role.DEPOSITOR, id_number=value).select_related("account__employer").first()
        self.person_found = user
        if (
            user is None
            or not PartnerConsent.objects.filter(app=self.request.auth, user=user, withdrawn_at__isnull=True).exists()
        ):
            raise ApiError(NO_CONSENT, code="not_found", status=404)
        return user

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(request.auth, PartnerApp):
            ApiCall.objects.create(
                app=request.auth,
                user=getattr(self, "person_found", None),
                endpoint=self.partner_endpoint,
                status_code=response.status_code,
                address=client_ip(request),
            )
            person = getattr(self, "person_found", None)
            if person is not None and response.status_code == 200:
                access_record(
                    id_numbers=[person.id_number],
                    what=f"接口 {PartnerEndpoint(self.partner_endpoint).label}",
                    channel=AccessRecord.Channel.PARTNER,
                    office=request.auth.name,
                    address=client_ip(request),
                )
        return response


class PartnerAccountView(PartnerView):
    partner_endpoint = PartnerEndpoint.ACCOUNT

    @extend_schema(
        operation_id="partner_account",
        summary="合作应用：缴存人账户信息",
        request=PersonBody,
        responses={200: AccountSerializer, **ERRORS},
        tags=["partner"],
    )
    def post(self, request):
        return Response(AccountSerializer(self.person().account).data)


class PartnerEntriesView(PartnerView):
    partner_endpoint = PartnerEndpoint.ENTRIES

    @extend_schema(
        operation_id="partner_entries",
        summary="合作应用：缴存明细",
        request=EntriesBody,
        responses={200: EntriesPageSerializer, **ERRORS},
        tags=["partner"],
    )
    def post(self, request):
        account = self.person().account
        return Response(entries_page(account=account, query=self.body(), today=timezone.localdate()))


class PartnerLoansView(PartnerView):
    partner_endpoint = PartnerEndpoint.LOANS

    @extend_schema(
        operation_id="partner_loans",
        summary="合作应用：贷款信息",
        request=PersonBody,
        responses={200: LoanSerializer(many=True), **ERRORS},
        tags=["partner"],
    )
    def post(self, request):
        return Response(LoanSerializer(contracts_of_user(user=self.person()), many=True).data)


class ConsentSerializer(serializers.Serializer):
    client_id = serializers.UUIDField(source="app.client_id", help_text="合作应用编号")
    app_name = serializers.CharField(source="app.name")
    organization = serializers.CharField(source="app.organization")
    granted_at = serializers.DateTimeField(help_text="授权时间")
    withdrawn_at = serializers.DateTimeField(allow_null=True, help_text="撤销时间（有效授权为 null）")


def _app(client_id):
    found = PartnerApp.objects.filter(client_id=client_id, active=True).first()
    if found is None:
        raise ApiError("未找到该应用。", code="not_found", status=404)
    return found


class ConsentsView(DepositorView):
    @extend_schema(
        operation_id="consents_list",
        summary="授权管理：哪些合作应用可以查询我的信息",
        responses={200: ConsentSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        rows = PartnerConsent.objects.filter(user=request.user).select_related("app").order_by("-granted_at")[:100]
        return Response(ConsentSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="consent_grant",
        summary="授权一个合作应用查询我的信息",
        request=inline_serializer("ConsentGrant", {"client_id": serializers.UUIDField()}),
        responses={201: ConsentSerializer, **ERRORS},
    )
    def post(self, request):
        field = serializers.UUIDField()
        try:
            client_id = field.to_internal_value(
                request.data.get("client_id") if isinstance(request.data, dict) else None
            )
        except serializers.ValidationError as exc:
            raise ApiError("应用编号 client_id 格式不正确。", field="client_id") from exc
        consent = consent_grant(user=request.user, app=_app(client_id))
        return Response(ConsentSerializer(consent).data, status=201)


class ConsentView(DepositorView):
    @extend_schema(
        operation_id="consent_withdraw", summary="撤销对一个合作应用的授权", responses={200: DoneSerializer, **ERRORS}
    )
    def delete(self, request, client_id):
        consent_withdraw(user=request.user, app=_app(client_id))
        return Response({"ok": True, "message": "已撤销授权。"})
