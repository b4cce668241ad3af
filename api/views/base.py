"""What every API view shares: the depositor's authentication, binding a page's form to a JSON body, and
answering a submission once per Idempotency-Key."""

import json
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.response import Response
from rest_framework.views import APIView

from deposits.selectors import account_or_404

from ..authentication import AnonymousRateThrottle, BearerAuthentication, IsDepositor
from ..errors import ErrorSerializer, form_error_body
from ..models import IdempotentRequest
from ..services import ApiError, idempotent_claim, idempotent_replay, idempotent_store, request_fingerprint

ERRORS = {
    code: OpenApiResponse(ErrorSerializer, description=text)
    for code, text in {
        400: "请求被拒绝（字段有误或规则不允许），见 code / message / field",
        401: "未登录或登录已过期",
        403: "不在办理时间（closed）、须先修改初始密码或无权调用",
        404: "不存在，或不是本人的",
        429: "请求过于频繁",
    }.items()
}
SUBMISSION_ERRORS = {
    **ERRORS,
    409: OpenApiResponse(ErrorSerializer, description="同一 Idempotency-Key 的请求正在处理"),
    422: OpenApiResponse(ErrorSerializer, description="Idempotency-Key 已用于另一笔请求"),
}
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="本次提交的唯一编号（如 UUID，≤64 字符）。网络重试时带同一编号，只会办理一次，并得到第一次的答复。",
)
IN_PROGRESS_STALE = timedelta(minutes=2)


class DepositorView(APIView):
    authentication_classes = [BearerAuthentication]
    permission_classes = [IsDepositor]

    def account(self):
        return account_or_404(self.request.user)


class PublicView(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [AnonymousRateThrottle]


def form_data(data) -> dict:
    """A JSON body as a page's form would receive it: every value a string (a form reads strings; a number or
    a list where text is expected is then refused by the form, never a crash)."""
    if not isinstance(data, dict):
        raise ApiError("请求内容应为 JSON 对象。", code="parse_error")
    bound = {}
    for name, value in data.items():
        if value is None:
            continue
        if isinstance(value, bool):
            bound[str(name)] = "true" if value else ""
        elif isinstance(value, str | int | Decimal) or isinstance(value, float):
            bound[str(name)] = str(value)
        else:
            bound[str(name)] = json.dumps(value, ensure_ascii=False)
    return bound


def form_refused(form) -> Response:
    return Response(form_error_body(form), status=400)


def _replayed(found: IdempotentRequest) -> Response:
    if found.status_code == 0:
        raise ApiError("同一 Idempotency-Key 的请求正在处理，请稍后用同一编号重试。", code="in_progress", status=409)
    response = Response(found.body, status=found.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def _key(request) -> str:
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key or len(key) > 64 or not key.isascii() or not key.isprintable():
        raise ApiError(
            "请在请求头 Idempotency-Key 中提供本次提交的唯一编号（如 UUID，不超过64个字符）。",
            code="idempotency_key_required",
            field="Idempotency-Key",
        )
    return key


def idempotent(request, endpoint: str, run, *, atomic: bool = True) -> Response:
    """Run a submission once per key. `run()` returns (status, body) or raises a refusal (nothing is kept, so
    the corrected request may reuse the key). `atomic`: the key's row and the submission commit together (a
    database-only submission); otherwise the key is claimed first and the submission — which talks to a bank
    between its own transactions — runs after it (a crash leaves the row claimed; after two minutes a retry runs
    the submission again, which its own request id makes safe)."""
    key, user = _key(request), request.user
    fingerprint = request_fingerprint(endpoint, request.data)
    found = idempotent_replay(user=user, key=key, endpoint=endpoint, fingerprint=fingerprint)
    if found is not None:
        if found.status_code or found.created_at > timezone.now() - IN_PROGRESS_STALE:
            return _replayed(found)
        found.delete()
    try:
        if atomic:
            with transaction.atomic():
                row = idempotent_claim(user=user, key=key, endpoint=endpoint, fingerprint=fingerprint)
                status, body = run()
                idempotent_store(row=row, status_code=status, body=body)
        else:
            row = idempotent_claim(user=user, key=key, endpoint=endpoint, fingerprint=fingerprint)
            try:
                status, body = run()
            except BaseException:
                row.delete()
                raise
            idempotent_store(row=row, status_code=status, body=body)
    except IntegrityError:  # the same key's other request committed first: its answer
        found = idempotent_replay(user=user, key=key, endpoint=endpoint, fingerprint=fingerprint)
        if found is None:
            raise
        return _replayed(found)
    return Response(body, status=status)


def page_number(query) -> int:
    """?page=: a positive number, anything else is page 1 (as the pages' paginators read it)."""
    asked = str(query.get("page") or "1")
    return int(asked) if asked.isdigit() and len(asked) < 7 and int(asked) > 0 else 1
