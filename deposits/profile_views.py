"""个人信息变更: the page, 变更收款银行卡 and 变更手机号. Each change asks for the login password and SMS
codes again; at most PROFILE_TRIES_PER_HOUR attempts an hour per person (a password guesser in an
open session gets nowhere)."""

from django.contrib import messages
from django.shortcuts import redirect, render

from accounts.forms import CardChangeForm, PhoneChangeForm
from accounts.models import SmsCode
from accounts.sms import SmsError, sms_code_check
from accounts.views import code_send
from gjj_portal.access import depositor_required
from gjj_portal.http import client_ip, hits_allowed, posted
from gjj_portal.identity import mask_card, mask_phone
from policy.center import current_policy

from .models import ProfileChange
from .profile import ProfileError, payee_card_change, payee_card_check, phone_change, phone_problem

PROFILE_TRIES_PER_HOUR = 10
TOO_MANY = "操作过于频繁，请一小时后再试；如有疑问请拨打12329。"


def tries_left(user) -> bool:
    """One attempt of 个人信息变更 counted (the page's and the app's budget together)."""
    return hits_allowed(f"profile-tries:{user.pk}", limit=PROFILE_TRIES_PER_HOUR, seconds=3600)


@depositor_required
def profile_change(request):
    """个人信息变更: what is on file (masked), the two changes, and the record of past changes."""
    account = request.user.account
    policy = current_policy()
    context = {
        "account": account,
        "phone": mask_phone(request.user.phone),
        "card": f"{account.payee_bank} {mask_card(account.payee_card)}" if account.payee_card else "",
        "changes": ProfileChange.objects.filter(user=request.user)[:20],
        "cooling_hours": policy.card_cooling_hours,
    }
    return render(request, "accounts/profile_change.html", context)


@depositor_required
def change_card(request):
    """变更收款银行卡: bank and card, the login password, an SMS code to the reserved phone; the bank
    checks the card is the person's own Ⅰ类卡 before anything changes."""
    user, policy = request.user, current_policy()
    context = {"phone": mask_phone(user.phone), "cooling_hours": policy.card_cooling_hours}
    if request.POST.get("action") == "send":
        code_send(request, user.phone, SmsCode.Purpose.PROFILE)
        form = CardChangeForm(initial=request.POST.dict(), user=user, banks=policy.banks)
    else:
        form = CardChangeForm(posted(request), user=user, banks=policy.banks)
        if request.method == "POST" and not tries_left(request.user):
            context["refused"] = TOO_MANY
        elif request.method == "POST" and form.is_valid():
            change = card_change_submit(user=user, form=form, ip=client_ip(request))
            if change is not None:
                hours = policy.card_cooling_hours
                messages.success(
                    request,
                    f"收款银行卡已变更为 {change.new_masked}。为保障资金安全，新卡须满{hours}小时后方可接收提取资金。",
                )
                return redirect("deposits:profile_change")
    context["form"] = form
    return render(request, "accounts/change_card.html", context)


def card_change_submit(*, user, form, ip) -> ProfileChange | None:
    """变更收款银行卡 once the form is valid: the bank's check of the card, the SMS code, the change; a refusal
    lands on its field and changes nothing (the page and the app)."""
    bank, card = form.cleaned_data["bank"], form.cleaned_data["card_number"]
    try:
        payee_card_check(user=user, bank=bank, card_number=card)
        sms_code_check(phone=user.phone, purpose=SmsCode.Purpose.PROFILE, code=form.cleaned_data["sms_code"])
        return payee_card_change(user=user, bank=bank, card_number=card, channel="online", ip=ip)
    except SmsError as exc:
        form.add_error("sms_code", str(exc))
    except ProfileError as exc:
        form.add_error("card_number", str(exc))
    return None


def _phone_codes_send(request, action: str) -> None:
    """发送验证码 beside the old phone (the reserved one) or beside the new phone typed in."""
    user = request.user
    if action == "send_old":
        code_send(request, user.phone, SmsCode.Purpose.PROFILE)
        return
    new_phone = (request.POST.get("new_phone") or "").strip()
    looks_right = len(new_phone) == 11 and new_phone.isdigit() and new_phone.startswith("1")
    problem = phone_problem(user=user, new_phone=new_phone) if looks_right else "请输入11位手机号。"
    if problem:
        messages.error(request, problem)
    else:
        code_send(request, new_phone, SmsCode.Purpose.NEW_PHONE)


def phone_change_submit(*, user, form, ip) -> ProfileChange | None:
    """Both codes, the old phone's first; a refusal lands on its field and changes nothing."""
    new_phone = form.cleaned_data["new_phone"]
    steps = [
        ("new_phone", lambda: _raise_if(phone_problem(user=user, new_phone=new_phone))),
        (
            "old_code",
            lambda: sms_code_check(
                phone=user.phone, purpose=SmsCode.Purpose.PROFILE, code=form.cleaned_data["old_code"]
            ),
        ),
        (
            "new_code",
            lambda: sms_code_check(
                phone=new_phone, purpose=SmsCode.Purpose.NEW_PHONE, code=form.cleaned_data["new_code"]
            ),
        ),
    ]
    for field, step in steps:
        try:
            step()
        except (SmsError, ProfileError) as exc:
            form.add_error(field, str(exc))
            return None
    try:
        return phone_change(user=user, new_phone=new_phone, channel="online", ip=ip)
    except ProfileError as exc:
        form.add_error("new_phone", str(exc))
        return None


def _raise_if(problem: str | None) -> None:
    if problem:
        raise ProfileError(problem)


@depositor_required
def change_phone(request):
    """变更手机号: the login password, a code to the old phone and a code to the new one. A person whose old
    phone is lost changes it at the counter (the page says so)."""
    user = request.user
    context: dict = {"phone": mask_phone(user.phone)}
    action = request.POST.get("action", "")
    if action in ("send_old", "send_new"):
        _phone_codes_send(request, action)
        form = PhoneChangeForm(initial=request.POST.dict(), user=user)
    else:
        form = PhoneChangeForm(posted(request), user=user)
        if request.method == "POST" and not tries_left(request.user):
            context["refused"] = TOO_MANY
        elif request.method == "POST" and form.is_valid():
            change = phone_change_submit(user=user, form=form, ip=client_ip(request))
            if change is not None:
                messages.success(request, f"预留手机号已变更为 {change.new_masked}，今后登录和短信验证请使用新手机号。")
                return redirect("deposits:profile_change")
    context["form"] = form
    return render(request, "accounts/change_phone.html", context)
