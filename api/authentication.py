"""Who is calling: the app with a depositor's access token (`Authorization: Bearer …`), or a partner
application with its key (`X-Api-Key: …`). Tokens travel only in headers: a token in a URL would end up in
proxy logs, so none is read from one."""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import BaseThrottle

from gjj_portal.http import client_ip, hits_allowed

from .models import DeviceToken, PartnerApp
from .services import digest, token_valid

EXPIRED = "登录已过期，请重新登录。"


class BearerAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(EXPIRED)
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(EXPIRED) from exc
        row = (
            DeviceToken.objects.select_related("user", "user__account__employer")
            .filter(access_digest=digest(token))
            .first()
        )
        if not token_valid(row) or row.access_expires <= timezone.now():
            raise exceptions.AuthenticationFailed(EXPIRED)
        return row.user, row

    def authenticate_header(self, request):
        return 'Bearer realm="gjj"'


class PartnerKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        key = request.META.get("HTTP_X_API_KEY")
        if not key:
            return None
        app = PartnerApp.objects.filter(key_digest=digest(key), active=True).first()
        if app is None:
            raise exceptions.AuthenticationFailed("应用密钥无效或应用已停用。")
        request.partner_app = app
        return None, app

    def authenticate_header(self, request):
        return "ApiKey"


class IsDepositor(BasePermission):
    """A depositor's token. An account the center opened with an initial password may only change it first
    (the web's rule): everything else answers 403 password_change_required."""

    message = "请先登录。"

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and isinstance(request.auth, DeviceToken)):
            return False
        if not user.is_depositor:
            raise exceptions.NotFound()
        if user.must_change_password and not getattr(view, "allowed_before_password_change", False):
            raise exceptions.PermissionDenied(
                detail={"code": "password_change_required", "message": "首次登录请先修改初始密码后再办理业务。"}
            )
        return True


class IsPartner(BasePermission):
    message = "请提供应用密钥。"

    def has_permission(self, request, view):
        app = request.auth
        if not isinstance(app, PartnerApp):
            return False
        if getattr(view, "partner_endpoint", None) not in app.grants:
            raise exceptions.PermissionDenied(
                detail={"code": "not_granted", "message": "该应用未获授权调用此接口，请联系公积金中心开通。"}
            )
        return True


class PartnerRateThrottle(BaseThrottle):
    """The rate the center set for the application, counted in the shared cache per minute."""

    def allow_request(self, request, view):
        app = request.auth
        if not isinstance(app, PartnerApp):
            return True
        minute = int(timezone.now().timestamp() // 60)
        return hits_allowed(f"api:partner:{app.pk}:{minute}", limit=app.rate_per_minute, seconds=60)

    def wait(self):
        return 60


class AnonymousRateThrottle(BaseThrottle):
    """Calls without a login (captcha, login, refresh) from one address: a budget per minute."""

    LIMIT = 60

    def allow_request(self, request, view):
        minute = int(timezone.now().timestamp() // 60)
        return hits_allowed(f"api:anon:{client_ip(request)}:{minute}", limit=self.LIMIT, seconds=60)

    def wait(self):
        return 60


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerAuthentication"
    name = "bearer"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "登录（/api/v1/auth/token）得到的 access_token"}


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PartnerKeyAuthentication"
    name = "partnerKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "X-Api-Key", "description": "合作应用密钥（中心登记时发放）"}
