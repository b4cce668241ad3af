"""What the depositor is told when an application changes state (消息) or must act (待办)."""

from django.urls import reverse

from messages_center.services import Notice, message_send, message_send_many, todo_close, todo_open

from .models import Status

_TEXTS: dict[str, tuple[str, str]] = {
    Status.SUBMITTED: ("申请已提交", "您的{kind}申请（{number}）已提交，待后台审核通过后，资金即可到账。"),
    Status.MATERIALS_REQUESTED: ("请补充材料", "您的{kind}申请（{number}）需要补充材料：{reason}"),
    Status.APPROVED: (
        "审核通过",
        "您的{kind}申请（{number}）已审核通过，提取金额{amount}元，资金将尽快到账。审批意见：{reason}",
    ),
    Status.REJECTED: ("审核不通过", "您的{kind}申请（{number}）审核不通过。审批意见：{reason}"),
    Status.PAYING: ("付款中", "您的{kind}申请（{number}）已提交银行付款，请留意到账信息。"),
    Status.PAID: ("资金已到账", "您的{kind}资金{amount}元已转入{bank}尾号{card_tail}的银行卡。"),
    Status.FAILED: ("付款失败", "您的{kind}资金{amount}元付款失败（{reason}），款项已退回公积金账户，中心将与您联系。"),
    Status.WITHDRAWN: ("申请已撤回", "您的{kind}申请（{number}）已撤回，本次申请终止；如需办理，请重新申请。"),
}


def materials_todo_key(application) -> str:
    return f"withdrawal:{application.number}:materials"


def application_notify(*, application, to_status: str, reason: str = "") -> None:
    if application.applicant_id is None:
        return  # a 两地联办 case of a depositor with no online account here: the accepting center tells them
    if to_status in (Status.SUBMITTED, Status.REJECTED, Status.WITHDRAWN):
        todo_close(recipient=application.applicant, key=materials_todo_key(application))
    if (
        to_status in (Status.DRAFT, Status.MATERIALS_REQUESTED)
        and application.needs_materials
        or (to_status == Status.MATERIALS_REQUESTED)
    ):
        asked = (
            f"中心要求补充材料：{reason}" if to_status == Status.MATERIALS_REQUESTED else "需上传材料后才能提交审核。"
        )
        todo_open(
            recipient=application.applicant,
            key=materials_todo_key(application),
            business=application.get_kind_display(),
            title="请上传申请材料",
            body=f"您的{application.get_kind_display()}申请（{application.number}）{asked}",
            link=reverse("withdrawals:materials", args=[application.public_id]),
        )
        if to_status == Status.DRAFT:
            return
    if to_status in _TEXTS:
        notice = _notice(application, to_status, reason)
        message_send(
            recipient_id=notice.recipient_id,
            business=notice.business,
            title=notice.title,
            body=notice.body,
            link=notice.link,
        )


# States whose only effect on the depositor is a notice (no 待办 opens or closes): these can be told in bulk.
_NOTICE_ONLY = {Status.APPROVED, Status.PAYING, Status.PAID, Status.FAILED}


def applications_notify_many(*, applications, to_status: str, reasons: dict[int, str]) -> None:
    """`application_notify` for many applications reaching a notice-only state: one COPY."""
    if to_status not in _NOTICE_ONLY:
        for application in applications:
            application_notify(application=application, to_status=to_status, reason=reasons[application.pk])
        return
    message_send_many(
        notices=[_notice(a, to_status, reasons[a.pk]) for a in applications if a.applicant_id is not None]
    )


def _notice(application, to_status: str, reason: str) -> Notice:
    title, body = _TEXTS[to_status]
    return Notice(
        recipient_id=application.applicant_id,
        business=application.get_kind_display(),
        title=title,
        body=body.format(
            kind=application.get_kind_display(),
            number=application.number,
            amount=f"{application.amount:,.2f}",
            bank=application.bank,
            card_tail=application.card_number[-4:],
            reason=reason or "无",
        ),
        link=reverse("withdrawals:detail", args=[application.public_id]),
    )
