"""个人信息变更: the reserved phone (预留手机号) and the 收款银行卡. The views re-verify the person first (the
login password, an SMS code to the phone on file, and for a new phone a code to that phone); these
services check what the bank says about the card, write the change on the user and the account, record
it (who, when, how, old and new masked) and tell the person. A newly bound card receives no withdrawal
for the policy's cooling-off hours (withdrawals.rules.bound_card_problem)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import user_phone_set
from gjj_portal.bank import GatewayTimeout, bank_gateway, card_number_problem
from gjj_portal.errors import DomainError
from gjj_portal.identity import mask_card, mask_phone
from messages_center.services import message_send
from policy.center import current_policy

from .models import ProfileChange
from .services import account_payee_card_set, account_phone_set

BUSINESS = "个人信息变更"


class ProfileError(DomainError):
    """A refusal with a Chinese message; nothing was changed."""


def phone_problem(*, user, new_phone: str) -> str | None:
    if new_phone == user.phone:
        return "新手机号与原手机号相同，无需变更。"
    if User.objects.filter(role=Role.DEPOSITOR, phone=new_phone).exclude(pk=user.pk).exists():
        return "该手机号已被其他缴存职工绑定，请更换手机号；如有疑问请拨打12329。"
    return None


@transaction.atomic
def phone_change(*, user, new_phone: str, channel: str, actor=None, ip: str | None = None) -> ProfileChange:
    """The reserved phone of the user and of the account (login by phone and every SMS use it)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    problem = phone_problem(user=user, new_phone=new_phone)
    if problem:
        raise ProfileError(problem)
    old = user.phone
    user_phone_set(user=user, phone=new_phone)
    account = getattr(user, "account", None)
    if account is not None:
        account_phone_set(account_id=account.pk, phone=new_phone)
    change = ProfileChange.objects.create(
        user=user,
        field=ProfileChange.Field.PHONE,
        old_masked=mask_phone(old) if old else "",
        new_masked=mask_phone(new_phone),
        channel=channel,
        actor=actor or user,
        ip=ip,
    )
    message_send(
        recipient=user,
        business=BUSINESS,
        title="预留手机号已变更",
        body=(
            f"您的预留手机号已于{timezone.localtime(change.at):%Y-%m-%d %H:%M}由{change.old_masked or '（无）'}"
            f"变更为{change.new_masked}（{change.get_channel_display()}）。如非本人操作，请立即拨打12329。"
        ),
    )
    return change


def payee_card_check(*, user, bank: str, card_number: str) -> None:
    """Before anything is written: the bank is on the policy's list, the number is a card number, the
    card is this person's own and a Ⅰ类账户 (the bank's 账户验证)."""
    account = user.account
    problem = current_policy().bank_problem(bank) or card_number_problem(card_number)
    if problem:
        raise ProfileError(problem)
    if (bank, card_number) == (account.payee_bank, account.payee_card):
        raise ProfileError("该卡已是您绑定的收款银行卡，无需变更。")
    try:
        check = bank_gateway().card_check(
            bank=bank, card_number=card_number, name=account.name, id_number=account.id_number
        )
    except (GatewayTimeout, NotImplementedError) as exc:
        raise ProfileError("暂时无法向银行核验该卡，本次未作变更，请稍后再试或到柜台办理。") from exc
    if not check.own:
        raise ProfileError(
            "银行核验：该卡不是您本人名下的银行卡（持卡人姓名或身份证号不符），请使用本人名下的Ⅰ类借记卡。"
        )
    if not check.class_one:
        raise ProfileError("银行核验：该卡为Ⅱ类或Ⅲ类账户，不能接收公积金提取资金，请使用本人名下的Ⅰ类借记卡。")


@transaction.atomic
def payee_card_change(*, user, bank: str, card_number: str, channel: str, actor=None, ip=None) -> ProfileChange:
    """Bind the checked card (payee_card_check first): withdrawals go to it once the cooling-off is over."""
    now = timezone.now()
    account, old_bank, old_card = account_payee_card_set(
        account_id=user.account.pk, bank=bank, card_number=card_number, at=now
    )
    change = ProfileChange.objects.create(
        user=user,
        field=ProfileChange.Field.CARD,
        old_masked=f"{old_bank} {mask_card(old_card)}" if old_card else "",
        new_masked=f"{bank} {mask_card(card_number)}",
        channel=channel,
        actor=actor or user,
        ip=ip,
    )
    hours = current_policy().card_cooling_hours
    ready = timezone.localtime(now + timedelta(hours=hours))
    message_send(
        recipient=user,
        business=BUSINESS,
        title="收款银行卡已变更",
        body=(
            f"您的收款银行卡已于{timezone.localtime(now):%Y-%m-%d %H:%M}变更为{change.new_masked}。"
            f"为保障资金安全，新卡自{ready:%Y-%m-%d %H:%M}起方可接收提取资金。如非本人操作，请立即拨打12329。"
        ),
    )
    return change
