"""我的贷款 for the app: 贷款信息, 还款计划, 还款明细, 贷款进度, and 提前还款 — prepare (the new schedule and a
request id, as the confirmation page) then confirm once per Idempotency-Key. The business window (Liuzhou:
working days 7:00–17:00) is the middleware's, as for the page."""

from django.core.paginator import Paginator
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from loans import prepayment
from loans.forms import PrepaymentForm
from loans.models import LoanStatus
from loans.selectors import NO_LOAN, application_nodes, applications_of_user, contract_has_overdue, contracts_of_user
from loans.views import contract_nodes
from policy.center import current_policy

from ..errors import FormRefused
from ..serializers import (
    InstalmentSerializer,
    LoanSerializer,
    ProgressNodeSerializer,
    RepaymentSerializer,
    form_body,
    money,
)
from ..services import ApiError
from .base import ERRORS, IDEMPOTENCY_KEY, SUBMISSION_ERRORS, DepositorView, form_data, idempotent, page_number

CONTRACT = OpenApiParameter("contract_no", str, OpenApiParameter.PATH, description="借款合同编号")


class PlanSerializer(serializers.Serializer):
    request_id = serializers.UUIDField(help_text="确认提交时带上（15分钟内有效）")
    amount = money("还款金额")
    mode = serializers.CharField(help_text="还款后调整方式")
    balance_before = money("还款前贷款余额")
    balance_after = money("还款后贷款余额")
    months_before = serializers.IntegerField(help_text="原剩余期数")
    months_after = serializers.IntegerField(help_text="新剩余期数")
    payment_before = money("原月供")
    payment_after = money("新月供")
    interest_saved = money("节省利息")


class PrepaymentDone(serializers.Serializer):
    ok = serializers.BooleanField()
    message = serializers.CharField()
    repayment = RepaymentSerializer()
    loan = LoanSerializer()


class ContractView(DepositorView):
    def contract(self, contract_no):
        found = next((c for c in contracts_of_user(user=self.request.user) if c.contract_no == contract_no), None)
        if found is None:
            raise ApiError(NO_LOAN, code="not_found", status=404)
        return found


class LoansView(ContractView):
    @extend_schema(
        operation_id="loans_list",
        summary="贷款信息（本人作为借款人或共同借款人的合同）",
        responses={200: LoanSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        return Response(LoanSerializer(contracts_of_user(user=request.user), many=True).data)


class ScheduleView(ContractView):
    @extend_schema(
        operation_id="loan_schedule",
        summary="还款计划（每页60期）",
        parameters=[CONTRACT, OpenApiParameter("page", int)],
        responses={200: InstalmentSerializer(many=True), **ERRORS},
    )
    def get(self, request, contract_no):
        page = Paginator(self.contract(contract_no).schedule.all(), 60).get_page(page_number(request.query_params))
        return Response(InstalmentSerializer(page.object_list, many=True).data)


class RepaymentsView(ContractView):
    @extend_schema(
        operation_id="loan_repayments",
        summary="还款明细",
        parameters=[CONTRACT],
        responses={200: RepaymentSerializer(many=True), **ERRORS},
    )
    def get(self, request, contract_no):
        return Response(RepaymentSerializer(self.contract(contract_no).repayments.all(), many=True).data)


class ProgressView(ContractView):
    @extend_schema(
        operation_id="loan_progress",
        summary="贷款进度（受理 → 审批 → 签订合同 → 抵押登记 → 放款）",
        parameters=[CONTRACT],
        responses={200: ProgressNodeSerializer(many=True), **ERRORS},
    )
    def get(self, request, contract_no):
        return Response(ProgressNodeSerializer(contract_nodes(self.contract(contract_no)), many=True).data)


def _prepayment_form(contract, data):
    form = PrepaymentForm(
        data,
        contract=contract,
        has_overdue=contract_has_overdue(contract=contract),
        minimum=current_policy().prepay_min_amount,
    )
    if contract.status != LoanStatus.DISBURSED or not form.is_valid():
        if contract.status != LoanStatus.DISBURSED:
            raise ApiError(form.eligibility_problem() or "该贷款现在不能提前还款。", code="refused")
        raise FormRefused(form)
    return form


class PrepareView(ContractView):
    @extend_schema(
        operation_id="prepayment_prepare",
        summary="提前还款试算：新的还款计划与确认编号",
        parameters=[CONTRACT],
        request=form_body(PrepaymentForm, "Prepayment"),
        responses={200: PlanSerializer, **ERRORS},
    )
    def post(self, request, contract_no):
        contract = self.contract(contract_no)
        form = _prepayment_form(contract, form_data(request.data))
        prepared, plan = prepayment.prepayment_prepare(
            contract=contract, user=request.user, amount=form.cleaned_data["amount"], mode=form.cleaned_data["mode"]
        )
        body = {
            **{
                k: getattr(plan, k)
                for k in (
                    "amount",
                    "mode",
                    "balance_before",
                    "balance_after",
                    "months_before",
                    "months_after",
                    "payment_before",
                    "payment_after",
                    "interest_saved",
                )
            },
            "request_id": prepared.public_id,
        }
        return Response(PlanSerializer(body).data)


class PrepayView(ContractView):
    @extend_schema(
        operation_id="prepayment_confirm",
        summary="确认提前还款：立即从还款卡扣款（同一 Idempotency-Key 只扣一次）",
        parameters=[CONTRACT, IDEMPOTENCY_KEY],
        request=inline_serializer(
            "PrepaymentConfirm",
            {
                "request_id": serializers.UUIDField(help_text="试算答复的 request_id"),
                "amount": serializers.DecimalField(16, 2, help_text="还款金额（与试算相同）"),
            },
        ),
        responses={200: PrepaymentDone, **SUBMISSION_ERRORS},
    )
    def post(self, request, contract_no):
        contract = self.contract(contract_no)
        data = form_data(request.data)

        def run():
            form = PrepaymentForm(
                {"amount": data.get("amount", ""), "mode": "shorten"},
                contract=contract,
                has_overdue=False,
                minimum=current_policy().prepay_min_amount,
            )
            if not form.is_valid() and "amount" in form.errors:
                raise FormRefused(form)
            repayment = prepayment.prepayment_confirm(
                user=request.user,
                request_id=data.get("request_id", "")[:64],
                amount=form.cleaned_data.get("amount"),
                today=timezone.localdate(),
            )
            contract.refresh_from_db()
            message = f"提前还款 {repayment.amount:,.2f} 元已扣款成功，还款计划已更新。"
            body = {
                "ok": True,
                "message": message,
                "repayment": RepaymentSerializer(repayment).data,
                "loan": LoanSerializer(contract).data,
            }
            return 200, body

        return idempotent(request, f"prepayment:{contract_no}", run, atomic=False)


class LoanApplicationSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    number = serializers.CharField(help_text="申请编号")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    amount = money("申请金额")
    term_months = serializers.IntegerField(help_text="申请期限（月）")
    approved_amount = money("核准金额（未审批为 null）", allow_null=True)
    opinion = serializers.CharField(help_text="意见")
    submitted_at = serializers.DateTimeField()
    nodes = ProgressNodeSerializer(many=True, help_text="贷款进度：申请 → 受理 → 审批 → 签订合同 → 抵押登记 → 放款")


class LoanApplicationsView(DepositorView):
    @extend_schema(
        operation_id="loan_applications_list",
        summary="我发起的（贷款申请）与各自的贷款进度",
        description="贷款申请本身在网页（我的贷款 → 贷款申请）办理。",
        responses={200: LoanApplicationSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        rows = list(applications_of_user(user=request.user)[:20])
        for row in rows:
            row.nodes = application_nodes(row)
        return Response(LoanApplicationSerializer(rows, many=True).data)
