"""转移接续: a depositor's money moves from the old center (转出地) to the new one (转入地), with the national
platform's statuses (models.TRANSFER_TRANSITIONS):

new center  01 联系函复核通过 (the depositor online, or the counter) → 02 联系函确认接收 (the old center's
            receipt) → 08 账户信息复核通过 (the money arrived) → 00 正常办结 / 20 协商后办结 once credited;
            13 转出审核不通过 and 06 协商中 as the old center says; 05 转入撤销办结 — only at 01.
old center  02 on receipt → (06 协商中 →) 08: interest to date posted, the whole balance leaves the account
            (转移接续转出) and goes with the message → 00 / 20 once the new center acknowledged the credit,
            and only then the account closes (04 外部转出销户). If the new center cannot credit it, the money
            comes back (转出冲正) and the case ends 40 转出失败办结.

The amount credited is the one in the old center's message, signed by it; each ledger entry carries the
联系函 number as its reference, so a message delivered twice cannot move money twice."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from deposits.models import AccountStatus, EntryKind, LedgerEntry, PersonalAccount
from deposits.services import account_lock, account_transferred_out, interest_to_date_post, ledger_post
from gjj_portal.errors import DomainError
from gjj_portal.months import month_start
from gjj_portal.states import change_record
from loans.models import LoanContract, LoanStatus
from messages_center.services import message_send
from policy.center import current_policy
from withdrawals.models import Status as WithdrawalStatus
from withdrawals.models import WithdrawalApplication

from .cases import case_move, case_number_next, case_people_changed, due_after
from .messaging import Refused, handles, message_post
from .models import (
    TRANSFER_FINAL,
    TRANSFER_TRANSITIONS,
    TransferCase,
    TransferCaseChange,
    TransferDirection,
    TransferStatus,
)
from .signing import signing_problem

BUSINESS = "转移接续"
S = TransferStatus
OPEN_WITHDRAWAL = [
    WithdrawalStatus.DRAFT,
    WithdrawalStatus.SUBMITTED,
    WithdrawalStatus.MATERIALS_REQUESTED,
    WithdrawalStatus.APPROVED,
    WithdrawalStatus.PAYING,
]


class TransferError(DomainError):
    """A refusal in Chinese for the depositor or the clerk."""


def _move(case: TransferCase, to: str, *, actor=None, reason: str = "", **fields) -> None:
    case_move(case, TransferCaseChange, TRANSFER_TRANSITIONS, TransferStatus, to, actor=actor, reason=reason, **fields)


def _post(case: TransferCase, kind: str, **payload) -> None:
    message_post(
        partner=case.partner,
        kind=kind,
        case_number=case.letter_number,
        payload={"letter_number": case.letter_number, **payload},
    )


def _step_due() -> date:
    return due_after(current_policy().transfer_step_days)


def _account_locked(case: TransferCase) -> PersonalAccount:
    if case.account_id is None:
        raise Refused(409, "no account for this letter")
    return account_lock(account_id=case.account_id)


def _tell(case: TransferCase, title: str, body: str) -> None:
    if case.direction == TransferDirection.IN and case.account is not None and case.account.user_id:
        message_send(
            recipient_id=case.account.user_id,
            business=BUSINESS,
            title=title,
            body=body,
            link=reverse("crosscenter:transfer_detail", args=[case.public_id]),
        )


# --- 转入地 (the new center) -------------------------------------------------------------------------------


@transaction.atomic
def transfer_in_start(*, account: PersonalAccount, partner, old_account_number: str = "", actor=None) -> TransferCase:
    """申请转入: the 联系函 to the old center, reviewed at once (the person is the account's own, logged in or
    seen at the counter), so it starts at 01."""
    if problem := signing_problem():
        raise TransferError(problem)
    account = account_lock(account_id=account.pk)
    if account.status not in (AccountStatus.NORMAL, AccountStatus.SEALED):
        raise TransferError(f"您在本中心的账户状态为“{account.get_status_display()}”，不能办理转入。")
    if not partner.active:
        raise TransferError(f"{partner.name}暂未开通转移接续。")
    if partner.code == current_policy().center_code:
        raise TransferError("转出中心不能是本中心。")
    if (
        TransferCase.objects.filter(account=account, direction=TransferDirection.IN)
        .exclude(status__in=TRANSFER_FINAL)
        .exists()
    ):
        raise TransferError("您已有一笔转移接续正在办理，请在办理完结后再申请。")
    case = TransferCase.objects.create(
        letter_number=case_number_next(),
        direction=TransferDirection.IN,
        partner=partner,
        status=S.LETTER_REVIEWED,
        name=account.name,
        id_number=account.id_number,
        old_account_number=old_account_number.strip(),
        account=account,
        due_on=_step_due(),
        started_by=actor,
    )
    change_record(TransferCaseChange, {"case": case}, to=case.status, actor=actor, reason="联系函复核通过，发往转出地")
    case_people_changed(case)
    _post(
        case,
        "transfer.letter",
        name=case.name,
        id_number=case.id_number,
        old_account_number=case.old_account_number,
        new_account_number=account.grzh,
    )
    return case


@transaction.atomic
def transfer_cancel(*, case_id: int, actor=None, reason: str = "申请人撤销") -> TransferCase:
    """撤销: only while the 联系函 is 01 (the old center has not confirmed it)."""
    case = TransferCase.objects.select_for_update().get(pk=case_id, direction=TransferDirection.IN)
    if case.status != S.LETTER_REVIEWED:
        raise TransferError(f"联系函当前状态为“{case.get_status_display()}”，只有“01 联系函复核通过”时可以撤销。")
    _move(case, S.CANCELLED, actor=actor, reason=reason, due_on=None)
    _post(case, "transfer.cancel", reason=reason)
    return case


def _case_of(partner, payload, direction: str) -> TransferCase:
    """The locked case a partner's message is about; 404 to the partner for a letter this center never had."""
    case = (
        TransferCase.objects.select_for_update()
        .filter(partner=partner, direction=direction, letter_number=str(payload.get("letter_number", "")))
        .first()
    )
    if case is None:
        raise Refused(404, "unknown letter")
    return case


def _in_case(partner, payload) -> TransferCase:
    return _case_of(partner, payload, TransferDirection.IN)


@handles("transfer.received")
def on_received(*, partner, payload) -> None:
    case = _in_case(partner, payload)
    if case.status == S.LETTER_REVIEWED:
        _move(case, S.LETTER_RECEIVED, reason=f"{partner.name}已确认接收联系函", due_on=_step_due())
        _tell(case, "转移接续：转出地已接收", f"{partner.name}已接收您的转移接续联系函（{case.letter_number}）。")


@handles("transfer.negotiating")
def on_negotiating(*, partner, payload) -> None:
    case = _in_case(partner, payload)
    reason = str(payload.get("reason", ""))[:300]
    _move(case, S.NEGOTIATING, reason=f"{partner.name}：{reason}", negotiated=True, remark=reason, due_on=_step_due())


@handles("transfer.refused")
def on_refused(*, partner, payload) -> None:
    case = _in_case(partner, payload)
    reason = str(payload.get("reason", ""))[:300]
    _move(case, S.OUT_REFUSED, reason=f"{partner.name}：{reason}", due_on=None, remark=reason)
    _tell(case, "转移接续：转出审核不通过", f"{partner.name}未同意转出（联系函{case.letter_number}）：{reason}")


def _money(payload, key) -> Decimal:
    try:
        value = Decimal(str(payload[key]))
    except (KeyError, InvalidOperation) as exc:
        raise Refused(400, f"bad {key}") from exc
    if value != value.quantize(Decimal("0.01")) or value < 0:
        raise Refused(400, f"bad {key}")
    return value


@handles("transfer.funds")
def on_funds(*, partner, payload) -> None:
    """The old center sent the money: credit it once (the 联系函 number is the entry's reference) and say so;
    if it cannot be credited here, say that, and the old center puts it back."""
    case = _in_case(partner, payload)
    principal, interest, total = _money(payload, "principal"), _money(payload, "interest"), _money(payload, "total")
    if principal + interest != total or total <= 0:
        raise Refused(400, "amounts do not add up")
    facts = {
        "opened_month": str(payload.get("opened_month", ""))[:7],
        "paid_to_month": str(payload.get("paid_to_month", ""))[:7],
        "continuity": payload.get("continuity") if isinstance(payload.get("continuity"), list) else [],
        "loan_count": int(payload.get("loan_count") or 0),
    }
    if case.status not in (S.LETTER_RECEIVED, S.NEGOTIATING):
        # Cancelled here (05) while the old center had already sent the money: it goes back.
        _post(case, "transfer.credit_failed", reason=f"转入地联系函状态为“{case.get_status_display()}”，未入账")
        return
    _move(
        case,
        S.ACCOUNT_REVIEWED,
        reason=f"{partner.name}账户信息复核通过，转来{total}元",
        principal=principal,
        interest=interest,
        total=total,
        **facts,
    )
    account = _account_locked(case)
    if account.status not in (AccountStatus.NORMAL, AccountStatus.SEALED):
        reason = f"转入地账户状态为“{account.get_status_display()}”，不能入账"
        _move(case, S.OUT_FAILED, reason=reason, due_on=None)
        _post(case, "transfer.credit_failed", reason=reason)
        return
    ledger_post(
        account=account,
        kind=EntryKind.TRANSFER_IN,
        amount=total,
        reference=case.letter_number,
        occurred_on=timezone.localdate(),
        memo=f"转入自{partner.name}",
    )
    done = S.DONE_AFTER_NEGOTIATION if case.negotiated else S.DONE
    _move(case, done, reason=f"已转入个人账户{account.grzh}", due_on=None)
    _post(case, "transfer.credited", amount=str(total))
    _tell(
        case,
        "转移接续已办结",
        f"{partner.name}转来的{total}元（本金{principal}元、利息{interest}元）已转入您的公积金账户。",
    )


# --- 转出地 (the old center) -------------------------------------------------------------------------------


def _out_case(partner, payload) -> TransferCase:
    return _case_of(partner, payload, TransferDirection.OUT)


@handles("transfer.letter")
def on_letter(*, partner, payload) -> None:
    letter = str(payload.get("letter_number", ""))[:16]
    if TransferCase.objects.filter(partner=partner, direction=TransferDirection.OUT, letter_number=letter).exists():
        return
    name, id_number = str(payload.get("name", ""))[:50], str(payload.get("id_number", "")).upper()[:18]
    accounts = PersonalAccount.objects.filter(id_number=id_number, name=name)
    if payload.get("old_account_number"):
        accounts = accounts.filter(grzh=str(payload["old_account_number"])[:20])
    account = accounts.first()
    case = TransferCase.objects.create(
        letter_number=letter,
        direction=TransferDirection.OUT,
        partner=partner,
        status=S.LETTER_RECEIVED,
        name=name,
        id_number=id_number,
        old_account_number=account.grzh if account else "",
        account=account,
        due_on=_step_due(),
    )
    change_record(TransferCaseChange, {"case": case}, to=case.status, reason=f"确认接收{partner.name}的联系函")
    case_people_changed(case)
    _post(case, "transfer.received", due_on=f"{case.due_on:%Y-%m-%d}")


@handles("transfer.cancel")
def on_cancel(*, partner, payload) -> None:
    case = _out_case(partner, payload)
    if case.status == S.LETTER_RECEIVED:
        _move(case, S.CANCELLED, reason=f"{partner.name}撤销联系函", due_on=None)
    # Later (the money already left): the new center answers the money with credit_failed and it comes back.


def transfer_out_problem(case: TransferCase) -> str | None:
    """The old center's checks before any money moves."""
    account = case.account
    if account is None:
        return "转出地未查到与联系函姓名、身份证号一致的个人账户。"
    checks = [
        (account.status not in (AccountStatus.NORMAL, AccountStatus.SEALED),
         f"个人账户状态为“{account.get_status_display()}”，不能转出。"),
        (LoanContract.objects.of_account(account).filter(~Q(status=LoanStatus.SETTLED)).exists(),
         "缴存人在转出地有未结清的住房公积金贷款，须结清后方可转出。"),
        (WithdrawalApplication.objects.filter(account=account, status__in=OPEN_WITHDRAWAL).exists(),
         "缴存人有正在办理的提取申请，须办结后方可转出。"),
        (account.standing_instructions.filter(status="active").exists(),
         "缴存人有生效中的委托提取协议，须撤销后方可转出。"),
        (account.balance <= 0, "个人账户余额为0，无资金可转出。"),
    ]  # fmt: skip
    return next((problem for failed, problem in checks if failed), None)


def _continuity(account: PersonalAccount, today: date) -> list[dict]:
    """The last 6 months before this one: paid (汇缴 or 补缴 for that month) or not."""
    months = []
    first = month_start(today)
    for back in range(6, 0, -1):
        y, m = divmod(first.year * 12 + first.month - 1 - back, 12)
        months.append(f"{y}-{m + 1:02d}")
    paid = set(
        LedgerEntry.objects.filter(
            account=account, kind__in=[EntryKind.REMITTANCE, EntryKind.SUPPLEMENTARY], period__in=months
        ).values_list("period", flat=True)
    )
    return [{"month": month, "paid": month in paid} for month in months]


@transaction.atomic
def transfer_out_review(*, case_id: int, staff) -> TransferCase:
    """审核转出: the checks, then interest to date and the whole balance leave the account with the message
    (08); or 13 with the reason. The account closes later, when the new center has credited the money."""
    case = TransferCase.objects.select_for_update().get(pk=case_id, direction=TransferDirection.OUT)
    if case.status not in (S.LETTER_RECEIVED, S.NEGOTIATING):
        raise TransferError(f"联系函当前状态为“{case.get_status_display()}”，不能审核转出。")
    if case.account_id:
        case.account = _account_locked(case)  # LOCK ORDER: the case, then the account
    problem = transfer_out_problem(case)
    if problem or case.account is None:
        problem = problem or "转出地未查到个人账户。"
        _move(case, S.OUT_REFUSED, actor=staff, reason=problem, due_on=None, remark=problem)
        _post(case, "transfer.refused", reason=problem)
        return case
    account, today = case.account, timezone.localdate()
    principal = account.balance
    interest = interest_to_date_post(account=account, reference=f"ZYJX{case.letter_number}", memo="转移接续结息",
                                     today=today, rates=current_policy().interest_rates)  # fmt: skip
    total = account.balance
    ledger_post(
        account=account,
        kind=EntryKind.TRANSFER_OUT,
        amount=-total,
        reference=case.letter_number,
        occurred_on=today,
        memo=f"转出至{case.partner.name}",
    )
    facts = {
        "opened_month": f"{account.opened_on:%Y-%m}",
        "paid_to_month": f"{account.last_paid_month:%Y-%m}" if account.last_paid_month else "",
        "continuity": _continuity(account, today),
        "loan_count": LoanContract.objects.of_account(account).count(),
    }
    _move(
        case,
        S.ACCOUNT_REVIEWED,
        actor=staff,
        reason=f"账户信息复核通过，转出{total}元",
        principal=principal,
        interest=interest,
        total=total,
        due_on=_step_due(),
        **facts,
    )
    _post(case, "transfer.funds", principal=str(principal), interest=str(interest), total=str(total), **facts)
    return case


@transaction.atomic
def transfer_out_negotiate(*, case_id: int, staff, reason: str) -> TransferCase:
    """协商中: something in the 联系函 needs the two centers to agree (a name written differently …)."""
    if not reason.strip():
        raise TransferError("请填写协商事项。")
    case = TransferCase.objects.select_for_update().get(pk=case_id, direction=TransferDirection.OUT)
    _move(case, S.NEGOTIATING, actor=staff, reason=reason.strip(), negotiated=True, due_on=_step_due())
    _post(case, "transfer.negotiating", reason=reason.strip())
    return case


@transaction.atomic
def transfer_out_refuse(*, case_id: int, staff, reason: str) -> TransferCase:
    if not reason.strip():
        raise TransferError("请填写不同意转出的原因。")
    case = TransferCase.objects.select_for_update().get(pk=case_id, direction=TransferDirection.OUT)
    _move(case, S.OUT_REFUSED, actor=staff, reason=reason.strip(), due_on=None, remark=reason.strip())
    _post(case, "transfer.refused", reason=case.remark)
    return case


@handles("transfer.credited")
def on_credited(*, partner, payload) -> None:
    case = _out_case(partner, payload)
    if case.status != S.ACCOUNT_REVIEWED:
        raise Refused(409, "not waiting for a credit")
    if _money(payload, "amount") != case.total:
        raise Refused(400, "credited amount differs")
    account = _account_locked(case)
    done = S.DONE_AFTER_NEGOTIATION if case.negotiated else S.DONE
    _move(case, done, reason=f"{partner.name}已入账，转出办结", due_on=None)
    account_transferred_out(account=account, reason=f"转移接续转出至{partner.name}（联系函{case.letter_number}）")


@handles("transfer.credit_failed")
def on_credit_failed(*, partner, payload) -> None:
    """The new center could not credit it: the money comes back to the account, once (its reference)."""
    case = _out_case(partner, payload)
    if case.status != S.ACCOUNT_REVIEWED:
        raise Refused(409, "not waiting for a credit")
    reason = str(payload.get("reason", ""))[:300]
    account = _account_locked(case)
    ledger_post(
        account=account,
        kind=EntryKind.TRANSFER_REVERSAL,
        amount=case.total or Decimal("0"),
        reference=case.letter_number,
        occurred_on=timezone.localdate(),
        memo="转移接续转出失败，资金退回",
    )
    _move(case, S.OUT_FAILED, reason=f"{partner.name}未能入账：{reason}", due_on=None, remark=reason)
