from django.contrib.auth.backends import ModelBackend

from .lockout import depositor_for
from .models import User


class DepositorBackend(ModelBackend):
    """个人登录: a depositor identifies with 身份证号, 手机号 or 个人账号 (the username of the login form)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = depositor_for(username, request)
        if user is None:
            # Unknown, or a phone shared by two people: run the hasher anyway so timing tells nothing.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The person behind a session, read on every page: with the account and its employer, which the
        header shows on every page too (one query instead of three)."""
        try:
            user = User._default_manager.select_related("account__employer").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
