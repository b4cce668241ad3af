"""个人账户: the account (balance = the page's, one read), 缴存支取信息 by range, 缴存证明 and 结息对账单 as PDF,
消息 (list, read, delete)."""

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from deposits import selectors, services
from deposits.certificates import CertificateUnavailable, certificate_pdf, interest_statement_pdf
from deposits.forms import StatementRangeForm, default_range
from gjj_portal.cache import person_reads
from gjj_portal.http import pdf_response
from messages_center import services as message_services
from messages_center.selectors import inbox_list, message_get_for_user
from policy.center import current_policy

from ..errors import FormRefused
from ..serializers import AccountSerializer, DoneSerializer, EntriesPageSerializer, MessageSerializer
from ..services import ApiError
from .base import ERRORS, DepositorView, page_number

ENTRIES_PER_PAGE = 50
PDF = OpenApiResponse(OpenApiTypes.BINARY, description="PDF 文件（application/pdf）")


class AccountView(DepositorView):
    @extend_schema(
        operation_id="account_get",
        summary="个人账户信息（余额、状态、缴存基数与比例）",
        responses={200: AccountSerializer, **ERRORS},
    )
    def get(self, request):
        return Response(AccountSerializer(self.account()).data)


def entries_page(*, account, query, today) -> dict:
    """缴存支取信息 for a range (the page's form: ≤ two years, not after today), 50 entries a page, as JSON —
    kept in the person's cache as the page's table is (gjj_portal/cache.py: any service that writes an entry
    changes the person's version, so a kept answer is never stale)."""
    start, end = default_range(today)
    form = StatementRangeForm(
        {"start": query.get("start") or f"{start:%Y-%m-%d}", "end": query.get("end") or f"{end:%Y-%m-%d}"}, today=today
    )
    if not form.is_valid():
        raise FormRefused(form)
    start, end, asked = form.cleaned_data["start"], form.cleaned_data["end"], page_number(query)

    def read():
        opening = selectors.account_balance_on(account=account, day=start.fromordinal(start.toordinal() - 1))
        # at most two years of one account: a few dozen rows, read once for the count and the page
        entries = list(selectors.account_entries_between(account=account, start=start, end=end, opening=opening))
        paginator = Paginator(entries, ENTRIES_PER_PAGE)
        page = paginator.get_page(asked)
        body = {
            "start": start,
            "end": end,
            "opening_balance": opening,
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "results": list(page.object_list),
        }
        return dict(EntriesPageSerializer(body).data)

    name = f"api-entries:{start}:{end}:{asked}"
    return person_reads(account.user_id, **{name: read})[name]


RANGE = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="开始日期（默认近一年）"),
    OpenApiParameter("end", OpenApiTypes.DATE, description="结束日期（不晚于今天；区间不超过两年）"),
    OpenApiParameter("page", int, description="页码（每页50条）"),
]


class EntriesView(DepositorView):
    @extend_schema(
        operation_id="entries_list",
        summary="缴存支取明细（按日期区间）",
        parameters=RANGE,
        responses={200: EntriesPageSerializer, **ERRORS},
    )
    def get(self, request):
        return Response(entries_page(account=self.account(), query=request.query_params, today=timezone.localdate()))


class CertificateView(DepositorView):
    @extend_schema(
        operation_id="certificate_issue",
        summary="打印缴存证明（PDF，带核验码）",
        request=None,
        responses={(200, "application/pdf"): PDF, **ERRORS},
    )
    def post(self, request):
        account, policy = self.account(), current_policy()
        verify_url = request.build_absolute_uri(reverse("deposits:verify"))
        try:
            issued = services.certificate_issue(
                account=account, center_name=policy.center_name, today=timezone.localdate()
            )
            pdf = certificate_pdf(issued.snapshot, code=issued.code, verify_url=verify_url)
        except CertificateUnavailable as exc:
            raise ApiError(str(exc), code="unavailable", status=503) from exc
        return pdf_response(pdf, f"缴存证明-{account.grzh}.pdf")


class InterestStatementView(DepositorView):
    @extend_schema(
        operation_id="interest_statement_issue",
        summary="结息对账单（PDF）",
        request=inline_serializer("InterestStatement", {"year": serializers.IntegerField(help_text="结息年度")}),
        responses={(200, "application/pdf"): PDF, **ERRORS},
    )
    def post(self, request):
        account, policy = self.account(), current_policy()
        years = selectors.interest_settled_years(account=account)
        asked = str(request.data.get("year", "")) if isinstance(request.data, dict) else ""
        settle_on = next((d for d in years if str(d.year) == asked), None)
        if settle_on is None:
            raise ApiError("该年度尚未结息，暂无结息对账单。", field="year")
        verify_url = request.build_absolute_uri(reverse("deposits:verify"))
        try:
            issued = services.interest_statement_issue(
                account=account,
                settle_on=settle_on,
                rates=policy.interest_rates,
                center_name=policy.center_name,
                today=timezone.localdate(),
            )
            pdf = interest_statement_pdf(issued.snapshot, code=issued.code, verify_url=verify_url)
        except CertificateUnavailable as exc:
            raise ApiError(str(exc), code="unavailable", status=503) from exc
        return pdf_response(pdf, f"结息对账单-{account.grzh}-{settle_on:%Y}.pdf")


BOXES = {"notices": "消息（未读）", "todos": "待办", "read": "已阅"}


class MessagesView(DepositorView):
    @extend_schema(
        operation_id="messages_list",
        summary="消息中心：消息 / 待办 / 已阅",
        parameters=[
            OpenApiParameter("box", str, enum=list(BOXES), description="notices 消息，todos 待办，read 已阅"),
            OpenApiParameter("page", int),
        ],
        responses={
            200: inline_serializer(
                "MessagePage",
                {
                    "count": serializers.IntegerField(),
                    "page": serializers.IntegerField(),
                    "results": MessageSerializer(many=True),
                },
            ),
            **ERRORS,
        },
    )
    def get(self, request):
        box = request.query_params.get("box") or "notices"
        if box not in BOXES:
            raise ApiError("box 只能是 notices、todos 或 read。", field="box")
        paginator = Paginator(inbox_list(user=request.user, tab=box), 20)
        page = paginator.get_page(page_number(request.query_params))
        rows = MessageSerializer(page.object_list, many=True).data
        return Response({"count": paginator.count, "page": page.number, "results": rows})


class MessageView(DepositorView):
    @extend_schema(operation_id="message_get", summary="查看一条消息", responses={200: MessageSerializer, **ERRORS})
    def get(self, request, message_id):
        return Response(MessageSerializer(message_get_for_user(user=request.user, public_id=message_id)).data)

    @extend_schema(operation_id="message_delete", summary="删除一条消息", responses={200: DoneSerializer, **ERRORS})
    def delete(self, request, message_id):
        message_services.message_delete(message=message_get_for_user(user=request.user, public_id=message_id))
        return Response({"ok": True, "message": "已删除。"})


class MessageReadView(DepositorView):
    @extend_schema(
        operation_id="message_mark_read", summary="标为已阅", request=None, responses={200: DoneSerializer, **ERRORS}
    )
    def post(self, request, message_id):
        message_services.message_mark_read(message=message_get_for_user(user=request.user, public_id=message_id))
        return Response({"ok": True, "message": "已标为已阅。"})
