"""贷款申请, from submission to 放款. States (models.APPLICATION_TRANSITIONS):

  submitted (待受理) → accepted (受理) → approved (审批, by another person) → signed (签订合同: the contract
  enters the books, 未发放) → mortgaged (抵押登记) → released (放款, by a third person) → disbursed (the
  worker paid the seller's or developer's supervised account; the contract starts: balance and schedule).
  submitted ⇄ materials (补件); submitted / materials → withdrawn (撤回, the depositor, before 受理);
  submitted / accepted → rejected; released → failed (the bank refused) → released again (a new key).

Every rule of 可贷额度 (lending.py) runs again here under the account locks. Every move goes through
`gjj_portal.states.moves_record` (who, when, why) and tells the depositor.

LOCK ORDER: personal accounts (by id) → loan application → signing slot / loan contract.
"""

import secrets
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.sms import sms_code_check
from deposits.services import account_lock
from gjj_portal.bank import BankGateway, GatewayTimeout, bank_gateway
from gjj_portal.cache import person_changed
from gjj_portal.errors import InvalidTransition
from gjj_portal.states import change_record, moves_record
from messages_center.services import message_send
from policy.center import WorkingCalendar, current_policy, loan_rate_on

from .lending import LoanAsk, amount_problem
from .models import (
    APPLICATION_TRANSITIONS,
    ApplicationStatus,
    LoanApplication,
    LoanApplicationChange,
    LoanContract,
    LoanMaterial,
    SigningSlot,
)
from .selectors import quote_for
from .services import LoanError, loan_contract_open, loan_disburse


class ApplicationMoveRefused(LoanError, InvalidTransition):
    """A move the table does not allow (e.g. 审批 before 受理): a LoanError the pages already show."""


CO_SMS_PURPOSE = "loan_co"
WITHDRAWABLE = (ApplicationStatus.SUBMITTED, ApplicationStatus.MATERIALS_REQUESTED)
REJECTABLE = (ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED)
ONE_OPEN = "您已有正在办理的贷款申请，办结或撤回后才能再次申请。"


def _new_number() -> str:
    return f"DK{timezone.localtime():%Y%m%d}{secrets.randbelow(10**8):08d}"


def application_move(application: LoanApplication, *, to: str, reason: str, actor=None, fields=()) -> None:
    """Check and record one move (the row is locked by the caller), save the status and `fields`, tell
    the depositor."""
    moves_record(
        LoanApplicationChange,
        APPLICATION_TRANSITIONS,
        ApplicationStatus,
        [({"application": application}, application.status, f"贷款申请{application.number}")],
        to=to,
        reason=reason[:500],
        actor=actor,
        error=ApplicationMoveRefused,
    )
    application.status = to
    application.save(update_fields=["status", "updated_at", *fields])
    _notify(application, reason)


def _notify(application: LoanApplication, reason: str) -> None:
    message_send(
        recipient_id=application.applicant_id,
        business="住房公积金贷款",
        title=f"贷款申请{application.get_status_display()}",
        body=f"您的贷款申请{application.number}：{application.get_status_display()}。{reason}"[:500],
        link=reverse("loans:application", args=[application.public_id]),
    )


def _locked(application_id: int) -> LoanApplication:
    return LoanApplication.objects.select_for_update().get(pk=application_id)


# ——— the depositor ———


def signing_days(*, today: date) -> list[date]:
    """面签 can be booked from the next working day on, for the policy's number of working days."""
    count = current_policy().loan_signing_days
    calendar = WorkingCalendar.around(today, today, count)  # one read of staff's calendar, not one a day
    return [calendar.after(today, k) for k in range(1, count + 1)]


def _slot_book(*, day: date, half: str, today: date) -> None:
    if day not in signing_days(today=today):
        raise LoanError("面签日期须为可预约范围内的工作日，请重新选择。")
    SigningSlot.objects.get_or_create(day=day, half=half)
    capacity = current_policy().loan_signing_capacity
    if not SigningSlot.objects.filter(day=day, half=half, booked__lt=capacity).update(booked=F("booked") + 1):
        raise LoanError(f"{day:%Y-%m-%d}该时段面签已约满，请选择其他时段。")


def _slot_free(application: LoanApplication) -> None:
    SigningSlot.objects.filter(day=application.signing_on, half=application.signing_half, booked__gt=0).update(
        booked=F("booked") - 1
    )


def loan_application_submit(
    *, user, account, co_account=None, fields: dict, materials: list, co_code: str = "", today: date
) -> LoanApplication:
    """提交: the co-borrower's SMS confirmation, then every rule again under the account locks, a 面签 slot,
    the application, its materials and its first change row, in one transaction."""
    policy = current_policy()
    if fields.get("co_name"):
        sms_code_check(
            phone=co_account.phone if co_account else fields["co_phone"], purpose=CO_SMS_PURPOSE, code=co_code
        )
    missing = [kind for kind in policy.loan_materials if kind not in {m[0] for m in materials}]
    if missing:
        raise LoanError(f"请上传申请材料：{'、'.join(missing)}。")
    if problem := policy.bank_problem(fields["repay_bank"]):
        raise LoanError(problem.replace("收款银行", "还款银行"))
    try:
        with transaction.atomic():
            for locked_id in sorted({account.pk, *([co_account.pk] if co_account else [])}):
                account_lock(account_id=locked_id)  # LOCK ORDER: accounts by id
            ask = LoanAsk(
                house_price=fields["house_price"],
                second_home=fields["second_home"],
                term_months=fields["term_months"],
                method=fields["method"],
                other_debts=fields.get("other_debts") or Decimal("0"),
                co_income=fields.get("co_income") or Decimal("0"),
            )
            quote = quote_for(account=account, co_account=co_account, ask=ask, today=today)
            if quote.problems:
                raise LoanError(quote.problems[0])
            if problem := amount_problem(amount=fields["amount"], quote=quote):
                raise LoanError(problem)
            _slot_book(day=fields["signing_on"], half=fields["signing_half"], today=today)
            application = LoanApplication.objects.create(
                number=_new_number(),
                applicant=user,
                account=account,
                co_account=co_account,
                co_confirmed_at=timezone.now() if fields.get("co_name") else None,
                quote={
                    "amount": str(quote.amount),
                    "binding": quote.binding,
                    "rate": str(quote.rate),
                    "limits": [{"name": x.name, "amount": str(x.amount), "detail": x.detail} for x in quote.limits],
                },
                **fields,
            )
            change_record(
                LoanApplicationChange,
                {"application": application},
                to=application.status,
                reason="网上提交贷款申请",
                actor=user,
            )
            _materials_add(application, materials)
            _notify(
                application,
                f"已预约{application.signing_on:%Y年%m月%d日}{application.get_signing_half_display()}面签。",
            )
    except IntegrityError as exc:  # the one-open constraint: a second tab or a double click
        raise LoanError(ONE_OPEN) from exc
    return application


def _materials_add(application: LoanApplication, materials: list) -> None:
    """Files already checked by `gjj_portal.uploads.material_check`: (kind, original name, clean file, type)."""
    for kind, name, clean, content_type in materials:
        LoanMaterial.objects.create(
            application=application,
            kind=kind,
            file=clean,
            original_name=name[:200],
            content_type=content_type,
            size=clean.size,
        )


@transaction.atomic
def loan_application_withdraw(*, user, application_id: int) -> LoanApplication:
    """撤回: the depositor's own, before 受理; the 面签 slot is freed."""
    application = _locked(application_id)
    if application.applicant_id != user.pk:
        raise LoanError("只能撤回本人的申请。")
    if application.status not in WITHDRAWABLE:
        raise LoanError("申请已受理，不能撤回；如需终止请联系中心。")
    application_move(application, to=ApplicationStatus.WITHDRAWN, reason="申请人撤回申请", actor=user)
    _slot_free(application)
    return application


@transaction.atomic
def loan_materials_resubmit(*, user, application_id: int, materials: list) -> LoanApplication:
    """补件: the requested documents added, back in the 受理 queue."""
    application = _locked(application_id)
    if application.applicant_id != user.pk or application.status != ApplicationStatus.MATERIALS_REQUESTED:
        raise LoanError("该申请当前不需要补充材料。")
    if not materials:
        raise LoanError("请选择要补充的材料文件。")
    _materials_add(application, materials)
    application_move(application, to=ApplicationStatus.SUBMITTED, reason="申请人已补充材料", actor=user)
    return application


# ——— staff ———


@transaction.atomic
def loan_accept(*, application_id: int, staff, opinion: str = "") -> LoanApplication:
    application = _locked(application_id)
    application.accepted_by, application.opinion = staff, opinion
    application_move(
        application,
        to=ApplicationStatus.ACCEPTED,
        reason=opinion or "材料齐全，予以受理",
        actor=staff,
        fields=["accepted_by", "opinion"],
    )
    return application


@transaction.atomic
def loan_materials_request(*, application_id: int, staff, reason: str) -> LoanApplication:
    if not reason.strip():
        raise LoanError("请写明需要补充的材料。")
    application = _locked(application_id)
    application.opinion = reason
    application_move(
        application,
        to=ApplicationStatus.MATERIALS_REQUESTED,
        reason=f"请补充材料：{reason}",
        actor=staff,
        fields=["opinion"],
    )
    return application


@transaction.atomic
def loan_reject(*, application_id: int, staff, reason: str) -> LoanApplication:
    if not reason.strip():
        raise LoanError("不予受理或审批不通过须写明原因。")
    application = _locked(application_id)
    if application.status not in REJECTABLE:
        raise LoanError(f"申请当前状态为“{application.get_status_display()}”，不能驳回。")
    application.opinion = reason
    application_move(application, to=ApplicationStatus.REJECTED, reason=reason, actor=staff, fields=["opinion"])
    _slot_free(application)
    return application


def loan_approve(
    *, application_id: int, staff, amount: Decimal | None = None, term_months: int | None = None, opinion: str = ""
) -> LoanApplication:
    """审批: by someone other than who accepted it; the amount and term may be reduced, never raised, and
    the amount stays within 可贷额度 run again today. The rate is fixed here by term and 首套 / 二套."""
    today = timezone.localdate()
    with transaction.atomic():
        account_id, co_id = LoanApplication.objects.values_list("account_id", "co_account_id").get(pk=application_id)
        accounts = {i: account_lock(account_id=i) for i in sorted({account_id, *([co_id] if co_id else [])})}
        application = _locked(application_id)
        if application.accepted_by_id == staff.pk:
            raise LoanError("审批须由受理人以外的人员办理。")
        amount = amount if amount is not None else application.amount
        term = term_months or application.term_months
        if amount > application.amount or term > application.term_months:
            raise LoanError("核准金额和期限不能超过申请金额和期限。")
        ask = LoanAsk(
            house_price=application.house_price,
            second_home=application.second_home,
            term_months=term,
            method=application.method,
            other_debts=application.other_debts,
            co_income=application.co_income,
        )
        quote = quote_for(
            account=accounts[account_id],
            co_account=accounts.get(co_id),
            ask=ask,
            today=today,
            excluding=application,
        )
        if quote.problems:
            raise LoanError(f"不符合贷款条件：{quote.problems[0]}")
        if problem := amount_problem(amount=amount, quote=quote):
            raise LoanError(problem)
        application.approved_amount, application.approved_term_months = amount, term
        application.annual_rate = loan_rate_on(
            current_policy().loan_rates, term, today, second_home=application.second_home
        )
        application.approved_by, application.opinion = staff, opinion
        application_move(
            application,
            to=ApplicationStatus.APPROVED,
            reason=f"审批通过：核准 {amount:,.2f} 元、{term} 个月。{opinion}",
            actor=staff,
            fields=["approved_amount", "approved_term_months", "annual_rate", "approved_by", "opinion"],
        )
    return application


@transaction.atomic
def loan_contract_sign(*, application_id: int, staff, contract_no: str, signed_on: date) -> LoanApplication:
    """签订借款合同 at the 面签: the contract enters the books, 未发放, on the approved terms."""
    application = _locked(application_id)
    contract_no = contract_no.strip()
    if not contract_no:
        raise LoanError("请填写借款合同编号。")
    if LoanContract.objects.filter(contract_no=contract_no).exists():
        raise LoanError(f"借款合同编号{contract_no}已存在，请核对。")
    if signed_on > timezone.localdate():
        raise LoanError("合同签订日期不能晚于今天。")
    if application.status != ApplicationStatus.APPROVED:
        raise LoanError(f"申请当前状态为“{application.get_status_display()}”，不能登记签订合同。")
    application.contract = loan_contract_open(
        reason=f"贷款申请{application.number}签订借款合同",
        actor=staff,
        contract_no=contract_no,
        borrower=application.account,
        co_borrower=application.co_account,
        amount=application.loan_amount,
        term_months=application.loan_term_months,
        annual_rate=application.annual_rate,
        rate_effective_on=signed_on,
        method=application.method,
        repay_bank=application.repay_bank,
        repay_card=application.repay_card,
        house_address=application.house_address,
    )
    application.signed_on = signed_on
    application_move(
        application,
        to=ApplicationStatus.SIGNED,
        reason=f"已签订借款合同{contract_no}",
        actor=staff,
        fields=["contract", "signed_on"],
    )
    return application


@transaction.atomic
def loan_mortgage_record(*, application_id: int, staff, on: date, certificate: str) -> LoanApplication:
    application = _locked(application_id)
    certificate = certificate.strip()
    if not certificate:
        raise LoanError("请填写不动产登记证明号。")
    if on > timezone.localdate():
        raise LoanError("抵押登记日期不能晚于今天。")
    application.mortgage_on, application.mortgage_certificate = on, certificate
    application_move(
        application,
        to=ApplicationStatus.MORTGAGED,
        reason=f"抵押登记已办结（不动产登记证明号{certificate}）",
        actor=staff,
        fields=["mortgage_on", "mortgage_certificate"],
    )
    return application


@transaction.atomic
def loan_release(*, application_id: int, staff) -> LoanApplication:
    """放款复核: a third person (neither who accepted nor who approved); the worker pays after commit."""
    application = _locked(application_id)
    if staff.pk in (application.accepted_by_id, application.approved_by_id):
        raise LoanError("放款复核须由受理人、审批人以外的人员办理。")
    application.released_by = staff
    application.disburse_attempt += 1  # a new key: a refused 放款 released again is a new transfer
    application.disbursing_at, application.failure = None, ""
    application_move(
        application,
        to=ApplicationStatus.RELEASED,
        reason=f"已复核放款，向{application.payee_name}付款",
        actor=staff,
        fields=["released_by", "disburse_attempt", "disbursing_at", "failure"],
    )
    disbursement_enqueue(application.pk)
    return application


def disbursement_enqueue(application_id: int) -> None:
    from .tasks import loan_disburse_send

    transaction.on_commit(partial(loan_disburse_send.delay, application_id))


# ——— the worker ———


def loan_disburse_execute(*, application_id: int, gateway: BankGateway | None = None) -> LoanApplication:
    """Claim (only a released, unclaimed one), ask the bank with the key, record its answer once. A crash
    after the claim leaves it claimed; the sweep asks the bank again with the same key."""
    now = timezone.now()
    if not LoanApplication.objects.filter(
        pk=application_id, status=ApplicationStatus.RELEASED, disbursing_at__isnull=True
    ).update(disbursing_at=now):
        return LoanApplication.objects.get(pk=application_id)
    return _disburse_ask(LoanApplication.objects.get(pk=application_id), gateway or bank_gateway())


def _disburse_ask(application: LoanApplication, gateway: BankGateway) -> LoanApplication:
    try:
        result = gateway.transfer(
            idempotency_key=application.disburse_key,
            amount=application.loan_amount,
            bank=application.payee_bank,
            card_number=application.payee_account,
            payee_name=application.payee_name,
        )
    except GatewayTimeout:
        return application  # claimed: the sweep asks again with the same key
    return _disburse_settle(
        application_id=application.pk,
        key=application.disburse_key,
        accepted=result.accepted,
        reference=result.reference,
        message=result.message,
    )


@transaction.atomic
def _disburse_settle(*, application_id: int, key: str, accepted: bool, reference: str, message: str):
    application = _locked(application_id)
    if application.status != ApplicationStatus.RELEASED or application.disburse_key != key:
        return application  # recorded already (a racing worker or the sweep)
    if not accepted:
        application.failure = (message or "银行退回")[:200]
        application_move(
            application,
            to=ApplicationStatus.FAILED,
            reason=f"放款未成功：{application.failure}，中心核实后将重新放款",
            fields=["failure"],
        )
        return application
    today = timezone.localdate()
    if application.contract_id is None:  # released only after 签订合同: the table says so
        raise LoanError(f"贷款申请{application.number}尚未签订借款合同，不能放款。")
    contract = loan_disburse(contract_id=application.contract_id, on=today)  # LOCK ORDER: application → contract
    application.bank_reference = reference
    application_move(
        application,
        to=ApplicationStatus.DISBURSED,
        reason=f"贷款 {application.loan_amount:,.2f} 元已发放至{application.payee_name}，银行流水号{reference}；"
        f"首次还款日 {contract.first_due_on:%Y-%m-%d}",
        fields=["bank_reference"],
    )
    person_changed(application.applicant_id)
    return application


def loan_disburse_sweep(*, now=None, gateway: BankGateway | None = None) -> int:
    """放款 whose message was lost (released, never claimed) or whose worker died (claimed too long ago):
    claim again and ask the bank with the same key — it answers a key it has seen with its first result."""
    now = now or timezone.now()
    gateway = gateway or bank_gateway()
    stale = now - timedelta(seconds=settings.GJJ_DISBURSE_STALE_SECONDS)
    found = LoanApplication.objects.filter(status=ApplicationStatus.RELEASED, updated_at__lt=stale).values_list(
        "pk", "disbursing_at"
    )
    settled = 0
    for application_id, claimed_at in found:
        if claimed_at is not None and claimed_at >= stale:
            continue
        if not LoanApplication.objects.filter(pk=application_id, disbursing_at=claimed_at).update(disbursing_at=now):
            continue  # another sweep or worker took it meanwhile
        _disburse_ask(LoanApplication.objects.get(pk=application_id), gateway)
        settled += 1
    return settled
