"""A depositor's online user, linked to the account the center holds: 注册 (the center must know the ID with
this name and reserved phone), 面签开通 at the counter (an initial password to change at first login,
and a 待办 that says so) and the link made at a single sign-on (deposits.sso)."""

from django.db import transaction

from accounts.models import User
from accounts.services import IdentityError, depositor_user_new
from gjj_portal.identity import id_number_problem
from messages_center.services import todo_close, todo_open

from .models import PersonalAccount
from .services import AccountLinked, account_user_link

FIRST_LOGIN_TODO = "first-login-password"

# One answer for every mismatch (unknown ID, another name, already registered, another phone), so the
# register page cannot be used to look up who has an account, who registered, or whose phone is whose.
REGISTER_MISMATCH = (
    "信息核验未通过：姓名、身份证号须与中心登记的一致，手机号须为中心预留手机号。"
    "已注册过的请直接登录，或点击“忘记密码”找回；预留手机号有变更的请到中心窗口办理。"
)


def registration_problem(*, full_name: str, id_number: str, phone: str) -> str | None:
    """May this person register? The center must know the ID, with this name and this reserved phone."""
    if problem := id_number_problem(id_number):
        return problem  # the shape of what was typed, not a lookup
    account = PersonalAccount.objects.filter(id_number=id_number.upper()).only("name", "phone", "user_id").first()
    if account is None or account.name != full_name.strip() or account.user_id is not None or account.phone != phone:
        return REGISTER_MISMATCH
    return None


@transaction.atomic
def depositor_register(*, full_name: str, id_number: str, phone: str, password: str) -> User:
    id_number = id_number.upper()
    if problem := registration_problem(full_name=full_name, id_number=id_number, phone=phone):
        raise IdentityError(problem)
    account_id = PersonalAccount.objects.values_list("pk", flat=True).get(id_number=id_number)
    user = depositor_user_new(id_number=id_number, full_name=full_name.strip(), phone=phone, password=password)
    try:
        account_user_link(account_id=account_id, user=user, how="网上注册")
    except AccountLinked as exc:  # a concurrent registration won; this user row rolls back with the rest
        raise IdentityError(REGISTER_MISMATCH) from exc
    return user


@transaction.atomic
def online_access_open(*, account, initial_password: str) -> User:
    """The center opens web access at its counter with an initial password (Ningbo): the depositor must
    change it at first login, and a 待办 says so."""
    if account.user_id is not None:
        raise IdentityError("该身份证已注册")
    user = depositor_user_new(
        id_number=account.id_number,
        full_name=account.name,
        phone=account.phone,
        password=initial_password,
        must_change_password=True,
    )
    try:
        account_user_link(account_id=account.pk, user=user, how="中心面签开通", enable_online=True)
    except AccountLinked as exc:
        raise IdentityError("该身份证已注册") from exc
    todo_open(
        recipient=user,
        key=FIRST_LOGIN_TODO,
        business="账户安全",
        title="请修改初始密码",
        body="您的网上服务大厅账户由中心开通，使用的是初始密码，请修改为只有您知道的密码。",
    )
    return user


def first_login_todo_close(*, user) -> None:
    """The person chose a password: the 待办 "请修改初始密码" is done (accounts.services.PASSWORD_SET_FOLLOWERS)."""
    todo_close(recipient=user, key=FIRST_LOGIN_TODO)
