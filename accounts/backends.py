from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from .models import Role, User


class DepositorBackend(ModelBackend):
    """个人登录: a depositor identifies with 身份证号, 手机号 or 个人账号 (the username of the login form)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        identifier = username.strip().upper()
        by_any = Q(id_number=identifier) | Q(phone=identifier) | Q(account__grzh=identifier)
        users = list(User.objects.filter(role=Role.DEPOSITOR).filter(by_any)[:2])
        if len(users) != 1:
            # Unknown, or a phone shared by two people: run the hasher anyway so timing tells nothing.
            User().set_password(password)
            return None
        user = users[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
