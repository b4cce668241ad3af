from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import F

from gjj_portal.errors import DomainError

from .models import Role, User

# --- Depositor identity ----------------------------------------------------------------------------


class IdentityError(DomainError):
    """A refusal with a Chinese message."""


def depositor_user_new(
    *, id_number: str, full_name: str, phone: str, password: str | None, must_change_password: bool = False
) -> User:
    """A depositor's online user (注册, 面签开通, 政务服务网): `password` None leaves it unusable (single sign-on
    only). The caller links it to the account in the same transaction (deposits.onboarding, deposits.sso)."""
    user = User(
        username=id_number,
        role=Role.DEPOSITOR,
        full_name=full_name,
        id_number=id_number,
        phone=phone,
        must_change_password=must_change_password,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    return user


def depositor_find(*, full_name: str, id_number: str) -> User | None:
    """忘记密码 · 信息验证: the registered depositor with this name and ID, or None."""
    return User.objects.filter(
        role=Role.DEPOSITOR, id_number=(id_number or "").strip().upper(), full_name=(full_name or "").strip()
    ).first()


def password_set(*, user: User, password: str) -> None:
    """A new password (reset or change): it must follow the rule; every other session ends."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise IdentityError(" ".join(exc.messages)) from exc
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    for follow in PASSWORD_SET_FOLLOWERS:
        follow(user=user)


# Who must hear that a person chose a password, in its transaction (deposits closes the 待办 "请修改初始密码"
# of an account the center opened; deposits.apps registers it, this app imports none).
PASSWORD_SET_FOLLOWERS: list = []


def user_phone_set(*, user: User, phone: str) -> None:
    """The person's reserved phone on the user (login by phone, SMS codes); the caller holds the user's lock
    and records the change (deposits.profile)."""
    user.phone = phone
    user.save(update_fields=["phone"])


def logout_everywhere(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(session_version=F("session_version") + 1)
    user.refresh_from_db(fields=["session_version"])


def display_choice_carry(sender, request, user, **kwargs) -> None:
    """长辈版 switched on (or off) at the login page is kept after logging in: the choice this browser made
    last (its cookie) is stored on the person, who then sees it on every device."""
    from gjj_portal.context_processors import ELDER_COOKIE

    chosen = getattr(request, "COOKIES", {}).get(ELDER_COOKIE)
    if chosen in ("0", "1") and user.elder_mode != (chosen == "1"):
        display_set(user=user, elder_mode=chosen == "1")


def display_set(*, user, elder_mode: bool | None = None, sound_on: bool | None = None) -> None:
    """The person's display choices (长辈版, 提示音), kept on the user so every device shows them."""
    fields = []
    if elder_mode is not None:
        user.elder_mode = elder_mode
        fields.append("elder_mode")
    if sound_on is not None:
        user.sound_on = sound_on
        fields.append("sound_on")
    if fields:
        user.save(update_fields=fields)
