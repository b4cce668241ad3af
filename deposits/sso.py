"""Single sign-on with the provincial government-service account (政务服务网) or another provider,
through OpenID Connect (mozilla-django-oidc). Off unless GJJ_OIDC_ENABLED. Users are matched by the
ID number the provider vouches for; a depositor the center knows but who never registered is linked."""

from django.conf import settings
from django.db import transaction
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts.models import Role
from accounts.services import depositor_user_new
from gjj_portal.identity import id_number_problem

from .models import PersonalAccount
from .services import AccountLinked, account_user_link


def _id_number(claims) -> str | None:
    value = (claims.get(settings.GJJ_OIDC_ID_CLAIM) or "").strip().upper()
    return None if id_number_problem(value) else value


class GovOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims):
        return _id_number(claims) is not None

    def filter_users_by_claims(self, claims):
        id_number = _id_number(claims)
        if id_number is None:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(role=Role.DEPOSITOR, id_number=id_number)

    def create_user(self, claims):
        account = PersonalAccount.objects.filter(id_number=_id_number(claims), user__isnull=True).first()
        if account is None:
            return None  # the center has no deposit account for this person
        with transaction.atomic():
            user = depositor_user_new(
                id_number=account.id_number, full_name=account.name, phone=account.phone, password=None
            )
            try:
                account_user_link(account_id=account.pk, user=user, how="政务服务网登录")
            except AccountLinked:
                transaction.set_rollback(True)
                return None  # linked by someone else a moment ago
        return user

    def update_user(self, user, claims):
        return user


def _enabled(view):
    def wrapper(request, *args, **kwargs):
        if not settings.GJJ_OIDC_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


sso_start = _enabled(OIDCAuthenticationRequestView.as_view())
sso_callback = _enabled(OIDCAuthenticationCallbackView.as_view())
