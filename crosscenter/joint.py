"""两地联办 withdrawals (seed 003 三 and 六; SPEC §9). States (models.JOINT_TRANSITIONS):

受理中心 (acceptance): 已受理 registered → 已发送 sent → 属地中心已接收 received → 审核通过 approved → 已办结
paid, or 不予办理 rejected, 需补充材料 materials (→ sent again with the new scans), 付款失败 failed.
属地中心 (home): the same case, received → … as its own withdrawal application moves: the case becomes an
ordinary application of the home center (its policy's rules, its reviewers' queue and its two-person
release, its payout through Celery and the bank), and every move of that application is reported back.

Messages: joint.submit / joint.materials (acceptance → home), joint.received / joint.result (home →
acceptance)."""

import base64
import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from deposits.models import PersonalAccount
from gjj_portal.errors import DomainError
from gjj_portal.identity import id_number_problem
from gjj_portal.states import change_record
from gjj_portal.uploads import material_check
from messages_center.services import message_send
from policy.center import current_policy
from withdrawals.models import Status, WithdrawalKind
from withdrawals.rules import card_number_problem

from .cases import case_move, case_number_next, case_people_changed, due_after
from .messaging import Refused, handles, message_post
from .models import JOINT_TRANSITIONS, CaseMaterial, JointCase, JointCaseChange, JointKind, JointStatus, Role
from .signing import signing_problem

BUSINESS = "跨省通办"


class JointError(DomainError):
    """A refusal at the window, in Chinese for the 专窗 clerk."""


def _move(case: JointCase, to: str, *, actor=None, reason: str = "", **fields) -> None:
    case_move(case, JointCaseChange, JOINT_TRANSITIONS, JointStatus, to, actor=actor, reason=reason, **fields)


@dataclass(frozen=True)
class JointRequest:
    kind: str
    name: str
    id_number: str
    phone: str
    amount: Decimal
    bank: str
    card_number: str
    rent_region: str = ""
    rent_address: str = ""
    rent_year: int | None = None
    rent_start_month: int | None = None
    rent_end_month: int | None = None
    monthly_rent: Decimal | None = None

    def case_fields(self) -> dict:
        """What the case keeps of the request (the same fields on both centers)."""
        fields = dataclasses.asdict(self)
        fields["id_number"] = self.id_number.upper()
        return fields


def _request_problem(request: JointRequest) -> str | None:
    if request.amount is None or request.amount <= 0:
        return "申请提取金额须大于0。"
    if request.kind == JointKind.RENT and not (
        request.rent_region
        and request.rent_year
        and request.rent_start_month
        and request.rent_end_month
        and request.monthly_rent
        and request.monthly_rent > 0
    ):
        return "租房提取须填写租房地区、租房年度、起止月份和月租金。"
    return id_number_problem(request.id_number) or card_number_problem(request.card_number)


# --- 受理中心 ------------------------------------------------------------------------------------------


@transaction.atomic
def joint_register(*, partner, request: JointRequest, scans: list, staff) -> JointCase:
    """专窗受理: identity seen by the clerk, materials scanned (checked like any upload); the 《"跨省通办"业务
    受理回执》 can be printed at once. To be sent to the home center within the policy's working days."""
    if problem := signing_problem():
        raise JointError(problem)
    problem = _request_problem(request)
    if problem:
        raise JointError(problem)
    if not partner.active:
        raise JointError(f"{partner.name}未启用跨省通办。")
    if not scans:
        raise JointError("请扫描上传申请人身份证及属地中心所需的证明材料。")
    checked = _scans_checked(scans)
    local = PersonalAccount.objects.filter(id_number=request.id_number.upper()).first()
    case = JointCase.objects.create(
        number=case_number_next(),
        role=Role.ACCEPTANCE,
        partner=partner,
        **request.case_fields(),
        account=local,
        due_on=due_after(current_policy().cross_send_days),
        registered_by=staff,
    )
    change_record(JointCaseChange, {"case": case}, to=case.status, actor=staff, reason="专窗受理，已核验身份")
    case_people_changed(case)
    _scans_save(case, checked)
    _tell_applicant(
        case,
        "跨省通办业务已受理",
        f"您的{case.get_kind_display()}（受理编号{case.number}）已受理，将转至{partner.name}办理。",
    )
    return case


# The scans travel inside one message, Base64 (a third larger), under the receiver's request size limit.
SCANS_MAX_BYTES = 8 * 1024 * 1024


def _scans_checked(scans, *, already: int = 0) -> list:
    if already + sum(scan.size for scan in scans) > SCANS_MAX_BYTES:
        raise JointError(
            f"一次发送的扫描材料合计不能超过{SCANS_MAX_BYTES // (1024 * 1024)}MB，请降低扫描分辨率后重新上传。"
        )
    checked = []
    for scan in scans:
        try:
            checked.append((scan.name, *material_check(scan)))
        except ValidationError as exc:
            raise JointError(exc.messages[0]) from exc
    return checked


def _scans_save(case: JointCase, checked) -> None:
    for original, file, content_type in checked:
        CaseMaterial.objects.create(
            case=case, file=file, original_name=original[:200], content_type=content_type, size=file.size
        )


@transaction.atomic
def joint_scans_add(*, case_id: int, scans: list) -> JointCase:
    """补充材料 at the window, before (re)sending."""
    case = JointCase.objects.select_for_update().get(pk=case_id, role=Role.ACCEPTANCE)
    if case.status not in (JointStatus.REGISTERED, JointStatus.MATERIALS):
        raise JointError("该业务已提交属地中心，不能再补充材料。")
    if not scans:
        raise JointError("请选择要上传的扫描材料。")
    unsent = sum(m.size for m in case.materials.filter(sent=False))
    _scans_save(case, _scans_checked(scans, already=unsent))
    return case


def _materials_payload(case: JointCase) -> list[dict]:
    scans = []
    for material in case.materials.filter(sent=False):
        with material.file.open("rb") as f:
            data = f.read()
        scans.append(
            {
                "name": material.original_name,
                "content_type": material.content_type,
                "data": base64.b64encode(data).decode(),
            }
        )
    case.materials.filter(sent=False).update(sent=True)
    return scans


@transaction.atomic
def joint_send(*, case_id: int, staff) -> JointCase:
    """发送至属地中心 (first time, or again with the materials it asked for)."""
    case = JointCase.objects.select_for_update().get(pk=case_id, role=Role.ACCEPTANCE)
    again = case.status == JointStatus.MATERIALS
    if again and not case.materials.filter(sent=False).exists():
        raise JointError("请先扫描上传属地中心要求补充的材料，再重新发送。")
    scans = _materials_payload(case)
    _move(
        case,
        JointStatus.SENT,
        actor=staff,
        reason="补充材料后重新发送" if again else "发送至属地中心",
        due_on=due_after(current_policy().review_sla_days),
    )
    if again:
        more = {"number": case.number, "materials": scans}
        message_post(partner=case.partner, kind="joint.materials", case_number=case.number, payload=more)
        return case
    payload: dict[str, object] = {
        "number": case.number,
        "kind": case.kind,
        "name": case.name,
        "id_number": case.id_number,
        "phone": case.phone,
        "amount": str(case.amount),
        "bank": case.bank,
        "card_number": case.card_number,
        "rent": {
            "region": case.rent_region,
            "address": case.rent_address,
            "year": case.rent_year,
            "start_month": case.rent_start_month,
            "end_month": case.rent_end_month,
            "monthly_rent": str(case.monthly_rent) if case.monthly_rent is not None else None,
        },
        "materials": scans,
    }
    message_post(partner=case.partner, kind="joint.submit", case_number=case.number, payload=payload)
    return case


def _tell_applicant(case: JointCase, title: str, body: str) -> None:
    """The applicant hears it in 消息中心 when the person also has an online account here."""
    if case.account is not None and case.account.user_id:
        message_send(
            recipient_id=case.account.user_id,
            business=BUSINESS,
            title=title,
            body=body,
            link=reverse("crosscenter:joint_detail", args=[case.public_id]),
        )


def _acceptance_case(partner, payload) -> JointCase:
    case = (
        JointCase.objects.select_for_update()
        .filter(partner=partner, role=Role.ACCEPTANCE, number=str(payload.get("number", "")))
        .first()
    )
    if case is None:
        raise Refused(404, "unknown case")
    return case


@handles("joint.received")
def on_received(*, partner, payload) -> None:
    case = _acceptance_case(partner, payload)
    due = payload.get("due_on")
    _move(
        case,
        JointStatus.RECEIVED,
        reason=f"{partner.name}已接收，审核中",
        due_on=date.fromisoformat(due) if due else None,
    )


_RESULTS = {
    "approved": (JointStatus.APPROVED, "属地中心审核通过"),
    "paid": (JointStatus.PAID, "资金已到账"),
    "rejected": (JointStatus.REJECTED, "不予办理"),
    "materials": (JointStatus.MATERIALS, "需补充材料"),
    "failed": (JointStatus.FAILED, "付款失败"),
}


@handles("joint.result")
def on_result(*, partner, payload) -> None:
    case = _acceptance_case(partner, payload)
    outcome = payload.get("outcome")
    if outcome not in _RESULTS:
        raise Refused(400, "unknown outcome")
    to, label = _RESULTS[outcome]
    reason = str(payload.get("reason", ""))[:300]
    fields: dict = {"result_reason": reason}
    if to == JointStatus.PAID:
        fields.update(paid_amount=Decimal(payload["amount"]), paid_at=timezone.now(), due_on=None)
    elif to == JointStatus.MATERIALS:
        fields["due_on"] = due_after(current_policy().cross_send_days)
    elif to in (JointStatus.REJECTED, JointStatus.FAILED):
        fields["due_on"] = None
    _move(case, to, reason=f"{partner.name}：{label}" + (f"（{reason}）" if reason else ""), **fields)
    texts = {
        JointStatus.APPROVED: f"{partner.name}已审核通过您的{case.get_kind_display()}，资金将转入您的银行卡。",
        JointStatus.PAID: (
            f"您的{case.get_kind_display()}资金{case.paid_amount}元已由{partner.name}"
            f"转入{case.bank}尾号{case.card_number[-4:]}的银行卡。"
        ),
        JointStatus.REJECTED: f"{partner.name}不予办理您的{case.get_kind_display()}：{reason}",
        JointStatus.MATERIALS: f"{partner.name}要求补充材料：{reason}。请携带材料到受理窗口补充。",
        JointStatus.FAILED: f"{partner.name}付款失败：{reason}。款项已退回您的公积金账户。",
    }
    _tell_applicant(case, f"跨省通办：{label}", texts[to])


# --- 属地中心 ------------------------------------------------------------------------------------------


def _reply(case: JointCase, kind: str, **payload) -> None:
    message_post(partner=case.partner, kind=kind, case_number=case.number, payload={"number": case.number, **payload})


def _scans_attach(application, scans) -> int:
    """The partner's scans become the application's materials, checked again here like any upload."""
    from withdrawals.services import materials_add

    checked = []
    for scan in scans or []:
        try:
            data = base64.b64decode(scan["data"], validate=True)
            upload = SimpleUploadedFile(str(scan.get("name", "scan"))[:100] or "scan", data)
            checked.append((upload.name or "scan", *material_check(upload)))
        except (KeyError, TypeError, ValueError, ValidationError):
            continue  # a scan that is not a clean JPG/PNG/PDF is not shown to a reviewer
    return materials_add(application=application, checked=checked)


def _parsed(payload) -> JointRequest:
    try:
        rent = payload.get("rent") or {}
        request = JointRequest(
            kind=JointKind(payload["kind"]),
            name=str(payload["name"])[:50],
            id_number=str(payload["id_number"]).upper()[:18],
            phone=str(payload.get("phone", ""))[:11],
            amount=Decimal(payload["amount"]).quantize(Decimal("0.01")),
            bank=str(payload["bank"])[:30],
            card_number=str(payload["card_number"])[:19],
            rent_region=str(rent.get("region") or "")[:30],
            rent_address=str(rent.get("address") or "")[:100],
            rent_year=int(rent["year"]) if rent.get("year") else None,
            rent_start_month=int(rent["start_month"]) if rent.get("start_month") else None,
            rent_end_month=int(rent["end_month"]) if rent.get("end_month") else None,
            monthly_rent=Decimal(rent["monthly_rent"]).quantize(Decimal("0.01")) if rent.get("monthly_rent") else None,
        )
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise Refused(400, "incomplete case") from exc
    if not request.amount.is_finite() or request.amount <= 0:
        raise Refused(400, "bad amount")
    return request


def _application_open(case: JointCase, account: PersonalAccount, request: JointRequest, scans):
    """The case as this center's own application: its rules, then its reviewers' queue."""
    from withdrawals import services

    payee = services.Payee(request.bank, request.card_number)
    user = account.user
    if request.kind == JointKind.RENT:
        rent = services.RentRequest(
            region=request.rent_region,
            address=request.rent_address,
            year=request.rent_year or 0,
            start_month=request.rent_start_month or 0,
            end_month=request.rent_end_month or 0,
            monthly_rent=request.monthly_rent or Decimal("0"),
            bank=request.bank,
            card_number=request.card_number,
            amount=request.amount,
        )
        application = services.rent_withdrawal_create(user=user, account=account, request=rent, channel="joint")
    else:
        # 偿还异地贷款: the loan is another center's or a bank's, so the reviewer 核定提取额度 from the scans.
        problem = services._payee_problem(payee, account)
        if problem:
            raise services.WithdrawalError(problem)
        application = services._open(
            user=user,
            account=account,
            kind=WithdrawalKind.COMMERCIAL_LOAN,
            amount=request.amount,
            payee=payee,
            needs_materials=True,
            channel="joint",
        )
        application = services._after_open(application, user)
    case.application = application
    case.save(update_fields=["application"])
    if _scans_attach(application, scans) and application.status == Status.DRAFT:
        application = services.withdrawal_submit(application=application, user=None)
    return application


@handles("joint.submit")
def on_submit(*, partner, payload) -> None:
    from withdrawals.services import WithdrawalError

    request = _parsed(payload)
    number = str(payload.get("number", ""))[:16]
    if JointCase.objects.filter(partner=partner, role=Role.HOME, number=number).exists():
        return  # the same case under a new message id: it is here already
    account = PersonalAccount.objects.filter(id_number=request.id_number).select_related("user").first()
    case = JointCase.objects.create(
        number=number,
        role=Role.HOME,
        partner=partner,
        status=JointStatus.SENT,
        **request.case_fields(),
        account=account,
    )
    change_record(JointCaseChange, {"case": case}, to=case.status, reason=f"收到{partner.name}发来的跨省通办申请")
    case_people_changed(case)
    problem = _request_problem(request)
    if not problem and (account is None or account.name != request.name):
        problem = "属地中心未查到与申请人姓名、身份证号一致的住房公积金账户。"
    if not problem and account is not None:
        try:
            with transaction.atomic():
                application = _application_open(case, account, request, payload.get("materials"))
        except WithdrawalError as exc:
            problem = str(exc)
    if problem:
        _move(case, JointStatus.REJECTED, reason=problem, result_reason=problem)
        _reply(case, "joint.result", outcome="rejected", reason=problem)
        return
    if application.status == Status.DRAFT:
        reason = "未收到属地中心所需的证明材料（租房合同或发票、银行卡等），请补充。"
        _move(case, JointStatus.MATERIALS, reason=reason, result_reason=reason)
        _reply(case, "joint.result", outcome="materials", reason=reason)
        return
    due = due_after(current_policy().review_sla_days)
    _move(case, JointStatus.RECEIVED, reason=f"已接收，转审核（申请编号{application.number}）", due_on=due)
    _reply(case, "joint.received", due_on=due.isoformat())


@handles("joint.materials")
def on_materials(*, partner, payload) -> None:
    from withdrawals.services import withdrawal_submit

    case = (
        JointCase.objects.select_for_update()
        .filter(partner=partner, role=Role.HOME, number=str(payload.get("number", "")))
        .first()
    )
    if case is None or case.status != JointStatus.MATERIALS or case.application is None:
        raise Refused(409, "no case waiting for materials")
    if _scans_attach(case.application, payload.get("materials")):
        # submitting moves the case back to 审核中 (joint_application_moved) and tells the partner
        withdrawal_submit(application=case.application, user=None)


_OUTCOMES: dict[str, tuple[JointStatus, str]] = {
    Status.APPROVED: (JointStatus.APPROVED, "approved"),
    Status.PAID: (JointStatus.PAID, "paid"),
    Status.REJECTED: (JointStatus.REJECTED, "rejected"),
    Status.MATERIALS_REQUESTED: (JointStatus.MATERIALS, "materials"),
    Status.FAILED: (JointStatus.FAILED, "failed"),
}


def joint_application_moved(*, applications, to: str, reasons: dict[int, str]) -> None:
    """Called by withdrawals.services for every move of a 两地联办 application: the home case follows it
    and the acceptance center is told (in the same transaction, so it is told exactly what happened)."""
    ids = [a.pk for a in applications]
    for case in JointCase.objects.select_for_update().filter(application_id__in=ids, role=Role.HOME):
        reason = reasons.get(case.application_id or 0, "")
        if to == Status.SUBMITTED and case.status == JointStatus.MATERIALS:
            due = due_after(current_policy().review_sla_days)
            _move(case, JointStatus.RECEIVED, reason="已收到补充材料，转审核", due_on=due)
            _reply(case, "joint.received", due_on=due.isoformat())
        elif to in _OUTCOMES:
            status, outcome = _OUTCOMES[to]
            application = next(a for a in applications if a.pk == case.application_id)
            fields: dict[str, object] = {"result_reason": reason[:300]}
            if status == JointStatus.PAID:
                fields.update(paid_amount=application.amount, paid_at=timezone.now(), due_on=None)
            elif status != JointStatus.APPROVED:
                fields["due_on"] = None
            _move(case, status, reason=reason or status.label, **fields)
            _reply(case, "joint.result", outcome=outcome, reason=reason, amount=str(application.amount))
