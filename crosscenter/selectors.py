"""Reads for the case pages, the receipts, the case board and the operator's lists."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from gjj_portal.identity import mask_card, mask_id_number
from gjj_portal.pdf import IssuedPdf
from policy.center import center_seal_png, current_policy

from .cases import deadline_state
from .models import (
    JOINT_FINAL,
    TRANSFER_FINAL,
    JointCase,
    JointStatus,
    OutboxMessage,
    Role,
    TransferCase,
    TransferDirection,
    TransferStatus,
)


def cases_of_user(*, user) -> dict:
    """我发起的: the person's 两地联办 cases accepted here and transfer-ins into this center, newest first."""
    return {
        "joint": list(
            JointCase.objects.filter(role=Role.ACCEPTANCE, account__user=user)
            .select_related("partner")
            .order_by("-created_at", "-id")
        ),
        "transfers": list(
            TransferCase.objects.filter(direction=TransferDirection.IN, account__user=user)
            .select_related("partner")
            .order_by("-created_at", "-id")
        ),
    }


@dataclass(frozen=True)
class Delivery:
    """What became of the latest message this center sent about a case, as the outbox knows it."""

    state: str  # pending / delivered / failed
    label: str
    at: datetime | None


def case_delivery(*, partner_id: int, case_number: str) -> Delivery | None:
    message = (
        OutboxMessage.objects.filter(partner_id=partner_id, case_number=case_number)
        .order_by("-id")
        .only("status", "attempts", "created_at", "delivered_at", "kind")
        .first()
    )
    if message is None:
        return None
    State = OutboxMessage.State
    if message.status == State.DELIVERED:
        return Delivery("delivered", "已送达对方中心", message.delivered_at)
    if message.status in (State.REFUSED, State.FAILED):
        return Delivery("failed", "发送失败，中心工作人员正在处理，处理后将重新发送", message.created_at)
    if message.attempts:
        return Delivery("pending", f"待发送（已尝试{message.attempts}次未送达，系统将自动重试）", message.created_at)
    return Delivery("pending", "待发送", message.created_at)


def transfer_page(*, case: TransferCase) -> dict:
    return {
        "case": case,
        "delivery": case_delivery(partner_id=case.partner_id, case_number=case.letter_number),
        "changes": case.changes.all(),
        "deadline": deadline_state(case.due_on, case.is_final),
        "may_cancel": case.direction == TransferDirection.IN and case.status == TransferStatus.LETTER_REVIEWED,
    }


def joint_page(*, case: JointCase) -> dict:
    return {
        "case": case,
        "changes": case.changes.all(),
        "deadline": deadline_state(case.due_on, case.is_final),
        "delivery": case_delivery(partner_id=case.partner_id, case_number=case.number),
    }


def joint_receipt_pdf(*, case: JointCase) -> bytes:
    """《"跨省通办"业务受理回执》 (seed 003 附件3), given to the applicant at the window."""
    policy = current_policy()
    delivery = case_delivery(partner_id=case.partner_id, case_number=case.number)
    doc = IssuedPdf(title="“跨省通办”业务受理回执", pdf_title=f"受理回执 {case.number}")
    doc.table(
        [
            ("受理编号", case.number),
            ("申请人", case.name),
            ("身份证号", mask_id_number(case.id_number)),
            ("办理事项", case.get_kind_display()),
            ("申请提取金额", f"{case.amount:,.2f} 元"),
            ("收款银行", f"{case.bank} {mask_card(case.card_number)}"),
            ("受理中心", policy.center_name),
            ("属地中心", case.partner.name),
            ("受理时间", timezone.localtime(case.created_at).strftime("%Y-%m-%d %H:%M")),
            (
                "发送时限",
                f"{case.due_on:%Y-%m-%d} 前发送属地中心"
                if case.status == JointStatus.REGISTERED or delivery is None
                else delivery.label,
            ),
        ]
    )
    doc.text("属地中心收到申请后按其政策在规定工作日内审核，办理结果将通知您。", size=11)
    doc.text(f"咨询电话：{policy.hotline}", size=11)
    return doc.close(
        center_name=policy.center_name, issued_on=f"{timezone.localdate():%Y-%m-%d}", seal_png=center_seal_png()
    )


def joint_result_pdf(*, case: JointCase) -> bytes:
    """《"跨省通办"业务办理回执》 (附件5): what the home center decided."""
    policy = current_policy()
    home = policy.center_name if case.role == "home" else case.partner.name
    doc = IssuedPdf(title="“跨省通办”业务办理回执", pdf_title=f"办理回执 {case.number}")
    rows: list[tuple[str, object]] = [
        ("受理编号", case.number),
        ("申请人", case.name),
        ("身份证号", mask_id_number(case.id_number)),
        ("办理事项", case.get_kind_display()),
        ("属地中心", home),
        ("办理结果", case.get_status_display()),
    ]
    if case.status == JointStatus.PAID:
        rows.append(("提取金额", f"{case.paid_amount:,.2f} 元，已转入 {case.bank} {mask_card(case.card_number)}"))
    if case.result_reason:
        rows.append(("审核意见", case.result_reason[:40]))
    doc.table(rows)
    return doc.close(
        center_name=policy.center_name, issued_on=f"{timezone.localdate():%Y-%m-%d}", seal_png=center_seal_png()
    )


def stuck_cases(*, today=None):
    """Cases past their step's deadline, and messages a partner has not taken for an hour."""
    today = today or timezone.localdate()
    joint = JointCase.objects.exclude(status__in=JOINT_FINAL).filter(due_on__lt=today).select_related("partner")
    transfers = (
        TransferCase.objects.exclude(status__in=TRANSFER_FINAL).filter(due_on__lt=today).select_related("partner")
    )
    hour_ago = timezone.now() - timedelta(hours=1)
    messages = OutboxMessage.objects.filter(
        Q(status__in=[OutboxMessage.State.REFUSED, OutboxMessage.State.FAILED])
        | Q(status=OutboxMessage.State.PENDING, created_at__lt=hour_ago)
    ).select_related("partner")
    return list(joint), list(transfers), list(messages)


def transfer_mismatches() -> list[str]:
    """Each transfer case against the ledger: the money left (or arrived) once, for the amount the case
    says, and came back when the case failed. Part of `manage.py reconcile`."""
    from django.db.models import Sum

    from deposits.models import EntryKind, LedgerEntry

    problems = []
    rows = (
        LedgerEntry.objects.filter(
            kind__in=[EntryKind.TRANSFER_IN, EntryKind.TRANSFER_OUT, EntryKind.TRANSFER_REVERSAL]
        )
        .values("reference", "kind")
        .annotate(total=Sum("amount"))
    )
    sums = {(row["reference"], row["kind"]): row["total"] for row in rows}
    for case in TransferCase.objects.all():
        ref = case.letter_number
        moved_in = sums.pop((ref, EntryKind.TRANSFER_IN), None) if case.direction == "in" else None
        moved_out = sums.pop((ref, EntryKind.TRANSFER_OUT), None) if case.direction == "out" else None
        back = sums.pop((ref, EntryKind.TRANSFER_REVERSAL), None) if case.direction == "out" else None
        credited = case.status in (TransferStatus.DONE, TransferStatus.DONE_AFTER_NEGOTIATION)
        if case.direction == "in":
            expected_in = case.total if credited else None
            if moved_in != expected_in:
                problems.append(f"联系函{ref}（转入）：应转入 {expected_in}，账户明细 {moved_in}")
        else:
            sent = case.status in (TransferStatus.ACCOUNT_REVIEWED, TransferStatus.OUT_FAILED) or credited
            expected_out = -case.total if sent and case.total is not None else None
            expected_back = case.total if case.status == TransferStatus.OUT_FAILED else None
            if moved_out != expected_out or back != expected_back:
                problems.append(
                    f"联系函{ref}（转出）：应转出 {expected_out}、退回 {expected_back}，账户明细 {moved_out}、{back}"
                )
    problems += [f"账户明细 {ref} {kind} {total} 没有对应的转移接续业务" for (ref, kind), total in sums.items()]
    return problems
