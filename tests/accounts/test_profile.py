"""个人信息变更 (#15 item 1): the reserved phone and the 收款银行卡, each re-verified (password, SMS codes,
the bank's 账户验证), each change recorded and told; a new card receives nothing during the cooling-off."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import SmsOutbox, User
from deposits.models import PersonalAccount, ProfileChange
from messages_center.models import Message
from withdrawals.models import WithdrawalApplication

NEW_CARD = "6222020200112233446"
CARD_URL = reverse("deposits:change_card")
PHONE_URL = reverse("deposits:change_phone")


def code_sent_to(phone: str) -> str:
    return re.search(r"\d{6}", SmsOutbox.objects.filter(phone=phone).latest("created_at").text).group()


@pytest.fixture
def client_zw(client, depositor):
    client.force_login(depositor)
    return client


def card_change(client, depositor, **changes):
    client.post(CARD_URL, {"action": "send"})
    data = {
        "action": "change",
        "bank": "工商银行",
        "card_number": NEW_CARD,
        "password": "demo1234",
        "sms_code": code_sent_to(depositor.phone),
    }
    data.update(changes)
    return client.post(CARD_URL, data, follow=True)


def rent_post(client, card):
    year = timezone.localdate().year
    return client.post(
        reverse("withdrawals:rent_new"),
        {
            "region": "沈阳市",
            "address": "沈阳市和平区南京北街1号",
            "start_month": f"{year}-01",
            "end_month": f"{year}-03",
            "monthly_rent": "1200.00",
            "bank": "工商银行",
            "card_number": card,
            "amount": "3600.00",
            "pledge": "on",
        },
        follow=True,
    )


def test_a_card_change_with_password_and_sms_binds_the_card_records_it_and_tells_the_person(client_zw, depositor):
    response = card_change(client_zw, depositor)
    page = response.content.decode()
    assert "收款银行卡已变更为 工商银行" in page and "24小时" in page
    account = PersonalAccount.objects.get(user=depositor)
    assert (account.payee_bank, account.payee_card) == ("工商银行", NEW_CARD)
    change = ProfileChange.objects.get(user=depositor)
    assert change.field == "card" and change.old_masked == "" and change.channel == "online"
    assert change.new_masked.startswith("工商银行 6222") and NEW_CARD not in change.new_masked
    assert change.actor == depositor and change.ip == "127.0.0.1"
    assert NEW_CARD not in page and change.new_masked in page  # the record on the page, masked
    notice = Message.objects.get(recipient=depositor, title="收款银行卡已变更")
    assert "如非本人操作" in notice.body and NEW_CARD not in notice.body


def test_the_new_card_receives_nothing_until_the_cooling_off_is_over(client_zw, depositor):
    card_change(client_zw, depositor)
    refused = rent_post(client_zw, NEW_CARD).content.decode()
    assert "须满24小时后方可接收提取资金" in refused
    other = rent_post(client_zw, "6217000010001234").content.decode()
    assert "提取资金只能转入您绑定的收款银行卡（工商银行 尾号3446）" in other
    assert not WithdrawalApplication.objects.exists()
    # A day later (the bind time moved back: the clock is the policy's, not the test's).
    PersonalAccount.objects.filter(user=depositor).update(
        payee_card_since=timezone.now() - timedelta(hours=24, minutes=1)
    )
    rent_post(client_zw, NEW_CARD)
    application = WithdrawalApplication.objects.get()
    assert (application.bank, application.card_number) == ("工商银行", NEW_CARD)


def test_the_withdrawal_form_fills_in_the_bound_card(client_zw, depositor):
    card_change(client_zw, depositor)
    page = client_zw.get(reverse("withdrawals:rent_new")).content.decode()
    assert f'value="{NEW_CARD}"' in page and "已填入您绑定的收款银行卡" in page


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"password": "wrong-pass"}, "登录密码不正确"),
        ({"sms_code": "000000"}, "短信验证码错误"),
        ({"card_number": "6222020200112211111"}, "不是您本人名下的银行卡"),
        ({"card_number": "6222020200112252222"}, "Ⅱ类或Ⅲ类账户"),
        ({"bank": "花旗银行"}, "收款银行"),
        ({"card_number": "62220202"}, "16至19位数字"),
    ],
)
def test_a_refused_card_change_says_why_in_chinese_keeps_the_input_and_changes_nothing(
    client_zw, depositor, changes, message
):
    response = card_change(client_zw, depositor, **changes)
    page = response.content.decode()
    assert message in page, page[:3000]
    assert PersonalAccount.objects.get(user=depositor).payee_card == ""
    assert not ProfileChange.objects.exists()
    typed = changes.get("card_number", NEW_CARD)
    assert f'value="{typed}"' in page


def test_a_phone_change_needs_both_codes_and_moves_login_and_sms_to_the_new_phone(client, client_zw, depositor):
    old_phone, new_phone = depositor.phone, "13912345678"
    client_zw.post(PHONE_URL, {"action": "send_old"})
    client_zw.post(PHONE_URL, {"action": "send_new", "new_phone": new_phone})
    data = {
        "action": "change",
        "password": "demo1234",
        "old_code": code_sent_to(old_phone),
        "new_phone": new_phone,
        "new_code": code_sent_to(new_phone),
    }
    page = client_zw.post(PHONE_URL, data, follow=True).content.decode()
    assert "预留手机号已变更为 139****5678" in page
    depositor.refresh_from_db()
    assert depositor.phone == new_phone and PersonalAccount.objects.get(user=depositor).phone == new_phone
    change = ProfileChange.objects.get(field="phone")
    assert change.old_masked == f"{old_phone[:3]}****{old_phone[-4:]}" and change.new_masked == "139****5678"
    assert Message.objects.filter(recipient=depositor, title="预留手机号已变更").exists()


def test_a_phone_change_with_the_wrong_new_code_changes_nothing(client_zw, depositor):
    old_phone = depositor.phone
    client_zw.post(PHONE_URL, {"action": "send_old"})
    client_zw.post(PHONE_URL, {"action": "send_new", "new_phone": "13912345678"})
    data = {
        "action": "change",
        "password": "demo1234",
        "old_code": code_sent_to(old_phone),
        "new_phone": "13912345678",
        "new_code": "000000",
    }
    page = client_zw.post(PHONE_URL, data).content.decode()
    assert "短信验证码错误" in page and 'value="13912345678"' in page
    assert User.objects.get(pk=depositor.pk).phone == old_phone and not ProfileChange.objects.exists()


def test_a_phone_another_depositor_uses_is_refused_before_any_code_is_sent(client_zw, depositor, other_depositor):
    client_zw.post(PHONE_URL, {"action": "send_new", "new_phone": other_depositor.phone})
    assert not SmsOutbox.objects.filter(phone=other_depositor.phone).exists()


def test_attempts_are_limited_per_person(client_zw, depositor):
    from deposits.profile_views import PROFILE_TRIES_PER_HOUR

    for _ in range(PROFILE_TRIES_PER_HOUR):
        client_zw.post(
            CARD_URL,
            {"action": "change", "bank": "工商银行", "card_number": NEW_CARD, "password": "x", "sms_code": "1"},
        )
    page = client_zw.post(CARD_URL, {"action": "change", "password": "demo1234"}).content.decode()
    assert "操作过于频繁" in page


def test_a_lost_old_phone_is_changed_at_the_counter_with_the_clerk_recorded(depositor, reviewer):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command(
        "change_phone_at_counter", depositor.id_number, "13912345678", "--clerk", reviewer.username, stdout=out
    )
    assert "139****5678" in out.getvalue() and "柜台办理" in out.getvalue()
    change = ProfileChange.objects.get()
    assert change.channel == "counter" and change.actor == reviewer and change.user == depositor
    assert User.objects.get(pk=depositor.pk).phone == "13912345678"
    with pytest.raises(CommandError, match="无需变更"):
        call_command("change_phone_at_counter", depositor.id_number, "13912345678", "--clerk", reviewer.username)
    with pytest.raises(CommandError, match="没有名为"):
        call_command("change_phone_at_counter", depositor.id_number, "13912345670", "--clerk", "nobody")
