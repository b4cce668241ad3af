"""Every refusal in one shape: {"code", "message" (Chinese, the page's words), "field"} — and, for a form,
every field's messages in "errors". Nothing a client sends becomes a 5xx: DRF's exceptions, Http404, a
domain refusal and a form's errors all land here."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from gjj_portal.errors import DomainError

from .services import ApiError

CODES = {
    exceptions.NotAuthenticated: ("not_authenticated", "请先登录。"),
    exceptions.AuthenticationFailed: ("token_invalid", "登录已过期，请重新登录。"),
    exceptions.NotFound: ("not_found", "未找到该记录。"),
    exceptions.MethodNotAllowed: ("method_not_allowed", "不支持该请求方法。"),
    exceptions.PermissionDenied: ("forbidden", "无权办理此项业务。"),
    exceptions.Throttled: ("throttled", "请求过于频繁，请稍后再试。"),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", "请求格式不支持，请以 JSON 提交。"),
    exceptions.ParseError: ("parse_error", "请求内容无法解析，请以 JSON 提交。"),
    exceptions.NotAcceptable: ("not_acceptable", "无法以所请求的格式答复。"),
}


def body(code: str, message: str, field: str | None = None, errors: dict | None = None) -> dict:
    found: dict = {"code": code, "message": message, "field": field}
    if errors:
        found["errors"] = errors
    return found


def form_error_body(form) -> dict:
    """A bound form's errors: the first (the non-field one first, as the page shows it) and all of them."""
    errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    field, messages = next(iter(sorted(errors.items(), key=lambda item: item[0] != "__all__")))
    return body("invalid", messages[0], None if field == "__all__" else field, errors)


class FormRefused(Exception):
    """A page's form refused the body: its errors are the answer."""

    def __init__(self, form):
        super().__init__("form refused")
        self.form = form


def handler(exc, context):
    if isinstance(exc, FormRefused):
        return Response(form_error_body(exc.form), status=400)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, ApiError):
        return Response(body(exc.code, str(exc), exc.field), status=exc.status)
    if isinstance(exc, DomainError):
        return Response(body("refused", str(exc)), status=400)
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: Django's 500 page (and its log) — never a client's doing
    code, message = next(((c, m) for kind, (c, m) in CODES.items() if isinstance(exc, kind)), ("invalid", ""))
    detail = exc.detail
    if isinstance(detail, dict) and "code" in detail and "message" in detail:
        code, message = str(detail["code"]), str(detail["message"])
    elif isinstance(exc, exceptions.ValidationError):
        return Response(_validation_body(detail), status=400)
    elif isinstance(exc, exceptions.AuthenticationFailed | exceptions.Throttled | exceptions.PermissionDenied):
        message = str(detail) if _chinese(str(detail)) else message
    response = Response(body(code, message), status=exc.status_code)
    if getattr(exc, "auth_header", None):
        response["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        response["Retry-After"] = str(int(exc.wait))
    return response


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _validation_body(detail) -> dict:
    if isinstance(detail, dict):
        errors = {name: [str(m) for m in (v if isinstance(v, list) else [v])] for name, v in detail.items()}
        field, messages = next(iter(errors.items()))
        return body("invalid", messages[0], None if field == "non_field_errors" else field, errors)
    messages = [str(m) for m in (detail if isinstance(detail, list) else [detail])]
    return body("invalid", messages[0] if messages else "请求内容有误。")


class ErrorSerializer(serializers.Serializer):
    """The one error shape (OpenAPI: Error)."""

    code = serializers.CharField(help_text="稳定的英文错误代码，如 invalid、closed、bank_not_allowed、not_found")
    message = serializers.CharField(help_text="中文说明，与网页上的提示相同")
    field = serializers.CharField(allow_null=True, help_text="出错的字段名；与具体字段无关时为 null")
    next_opening = serializers.DateTimeField(
        required=False, allow_null=True, help_text="不在办理时间（closed）时：下一次开始办理的时间"
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False, help_text="各字段的全部提示"
    )
