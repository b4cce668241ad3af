"""提前还款: a prepayment goes wholly to principal on the day it is made; the next instalment's interest is
computed on the reduced balance. Unpaid instalments are then replaced by a recomputed schedule. The
request: prepared (the confirmation page) → debiting (the bank asked once, by its key) → done / failed;
a sweep settles the ones a crash left debiting."""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gjj_portal.bank import BankGateway, GatewayTimeout, bank_gateway
from policy.center import current_policy

from . import rules
from .models import (
    Instalment,
    LoanContract,
    PrepaymentRequest,
    Repayment,
)
from .schedule import EQUAL_INSTALMENT, build_schedule, cents, months_to_repay
from .selectors import contract_has_overdue
from .services import LoanError, borrower_notify, contract_lock, repayment_record, unpaid_replace


@dataclass(frozen=True)
class PrepaymentPlan:
    amount: Decimal
    mode: str
    balance_before: Decimal
    balance_after: Decimal
    months_before: int
    months_after: int
    payment_before: Decimal
    payment_after: Decimal
    interest_before: Decimal
    interest_after: Decimal
    rows: list

    @property
    def interest_saved(self) -> Decimal:
        return self.interest_before - self.interest_after


def prepayment_plan(*, contract: LoanContract, amount: Decimal, mode: str) -> PrepaymentPlan:
    """What the schedule becomes after prepaying `amount` (checked by the caller's rules)."""
    unpaid = list(contract.schedule.exclude(status=Instalment.State.PAID).order_by("period"))
    if not unpaid:
        raise LoanError("该笔贷款没有待还款项。")
    first = unpaid[0]
    remaining = contract.principal_balance - amount
    if remaining == 0:
        months = 0
    elif mode == rules.REDUCE:
        months = len(unpaid)
    elif contract.method == EQUAL_INSTALMENT:
        months = months_to_repay(
            principal=remaining, annual_rate=contract.annual_rate, payment=first.payment, method=contract.method
        )
    else:
        part = cents(contract.amount / contract.term_months)
        months = months_to_repay(
            principal=remaining, annual_rate=contract.annual_rate, payment=part, method=contract.method
        )
    rows = (
        build_schedule(
            principal=remaining,
            annual_rate=contract.annual_rate,
            months=months,
            method=contract.method,
            first_due_on=first.due_on,
            first_period=first.period,
        )
        if months
        else []
    )
    return PrepaymentPlan(
        amount=amount,
        mode=mode,
        balance_before=contract.principal_balance,
        balance_after=remaining,
        months_before=len(unpaid),
        months_after=months,
        payment_before=first.payment,
        payment_after=rows[0].payment if rows else Decimal("0.00"),
        interest_before=sum((r.interest for r in unpaid), Decimal("0")),
        interest_after=sum((r.interest for r in rows), Decimal("0")),
        rows=rows,
    )


def _prepayment_problem(contract: LoanContract, amount: Decimal) -> str | None:
    return rules.prepayment_problem(
        contract_status=contract.status,
        has_overdue=contract_has_overdue(contract=contract),
        amount=amount,
        balance=contract.principal_balance,
        minimum=current_policy().prepay_min_amount,
    )


PREPARED_VALID_MINUTES = 15
PREVIEWS_PER_DAY = 30  # distinct confirmations a person may open in 24 hours (rows a script could pile up)
DEBIT_SETTLE_AFTER_SECONDS = 60
EXPIRED = "本次提前还款的确认已失效，请重新填写还款金额并确认。"


def _fingerprint(contract: LoanContract, amount: Decimal, mode: str) -> str:
    """What the person saw: the contract's balance and unpaid schedule, the amount and the mode."""
    unpaid = contract.schedule.exclude(status=Instalment.State.PAID).order_by("period")
    parts = [str(contract.pk), str(contract.principal_balance), f"{amount:.2f}", mode]
    parts += [f"{i.period}:{i.due_on}:{i.principal}:{i.interest}" for i in unpaid]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


@transaction.atomic
def prepayment_prepare(*, contract: LoanContract, user, amount: Decimal, mode: str):
    """The confirmation page: the new schedule, and a server-side request its form refers to by id."""
    contract = contract_lock(contract.pk)
    if problem := _prepayment_problem(contract, amount):
        raise LoanError(problem)
    plan = prepayment_plan(contract=contract, amount=amount, mode=mode)
    fingerprint = _fingerprint(contract, amount, mode)
    now = timezone.now()
    mine = PrepaymentRequest.objects.filter(
        contract=contract, requested_by=user, status=PrepaymentRequest.State.PREPARED
    )
    # The same preview again while it is valid is the same request; other previews count toward a day's cap.
    same = mine.filter(fingerprint=fingerprint, created_at__gte=now - timedelta(minutes=PREPARED_VALID_MINUTES)).first()
    if same is not None:
        return same, plan
    if mine.filter(created_at__gte=now - timedelta(days=1)).count() >= PREVIEWS_PER_DAY:
        raise LoanError(f"24小时内提前还款试算已达{PREVIEWS_PER_DAY}次，请明日再试，或到服务网点办理。")
    request = PrepaymentRequest.objects.create(
        contract=contract, requested_by=user, amount=amount, mode=mode, fingerprint=fingerprint
    )
    return request, plan


def _request_for(user, request_id) -> PrepaymentRequest:
    try:
        key = uuid.UUID(str(request_id))
    except ValueError as exc:
        raise LoanError(EXPIRED) from exc
    found = PrepaymentRequest.objects.select_for_update().filter(public_id=key, requested_by=user).first()
    if found is None:
        raise LoanError(EXPIRED)  # unknown or another person's: the same answer
    return found


def prepayment_confirm(
    *, user, request_id, amount: Decimal | None, today: date, gateway: BankGateway | None = None
) -> Repayment:
    """提交: every rule again under the contract lock, then the debit with the request's key, then the
    record. A crash between the bank's answer and the record leaves the request debiting for the sweeper."""
    with transaction.atomic():
        contract_id = (
            PrepaymentRequest.objects.filter(public_id=_uuid_or_none(request_id), requested_by=user)
            .values_list("contract_id", flat=True)
            .first()
        )
        if contract_id is None:
            raise LoanError(EXPIRED)
        contract = contract_lock(contract_id)  # LOCK ORDER: contract → request
        request = _request_for(user, request_id)
        if request.status == PrepaymentRequest.State.DONE:
            raise LoanError("这笔提前还款已经扣款成功，请勿重复提交。请在“还款明细”中查看。")
        if request.status == PrepaymentRequest.State.DEBITING:
            raise LoanError("这笔提前还款正在扣款，请稍后在“还款明细”中查看结果，勿重复提交。")
        if request.status != PrepaymentRequest.State.PREPARED:
            raise LoanError(EXPIRED)
        if timezone.now() - request.created_at > timedelta(minutes=PREPARED_VALID_MINUTES):
            raise LoanError(EXPIRED)
        if amount is not None and amount != request.amount:
            raise LoanError("还款金额与确认页不一致，请重新填写并确认。")
        if problem := _prepayment_problem(contract, request.amount):
            raise LoanError(problem)
        if _fingerprint(contract, request.amount, request.mode) != request.fingerprint:
            raise LoanError("您的贷款或还款计划已发生变化，请重新确认新的还款计划。")
        request.status = PrepaymentRequest.State.DEBITING
        request.debiting_at = timezone.now()
        request.save(update_fields=["status", "debiting_at"])
    try:
        result = _debit(gateway or bank_gateway(), request, contract)
    except GatewayTimeout as exc:
        raise LoanError("银行扣款暂无响应，系统将自动核实扣款结果，请稍后在“还款明细”中查看，勿重复提交。") from exc
    request = _prepayment_settle(request_id=request.pk, accepted=result.accepted, bank_reference=result.reference,
                                 message=result.message, today=today)  # fmt: skip
    if request.status == PrepaymentRequest.State.REFUSED:
        raise LoanError(f"银行扣款失败：{request.failure}。请确认还款账户余额充足后重新办理。")
    return request.repayment


def _debit(gateway: BankGateway, request: PrepaymentRequest, contract: LoanContract):
    """The entrusted card is debited by the request's key: asked again, the bank answers as it did."""
    return gateway.debit(
        idempotency_key=request.reference,
        amount=request.amount,
        bank=contract.repay_bank,
        card_number=contract.repay_card,
        payer_name=contract.borrower.name,
    )


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@transaction.atomic
def _prepayment_settle(*, request_id: int, accepted: bool, bank_reference: str, message: str, today: date):
    """Record the bank's answer once: the repayment and the new schedule, or the refusal."""
    contract_id = PrepaymentRequest.objects.values_list("contract_id", flat=True).get(pk=request_id)
    contract = contract_lock(contract_id)
    request = PrepaymentRequest.objects.select_for_update().get(pk=request_id)
    if request.status != PrepaymentRequest.State.DEBITING:
        return request  # settled already (the request itself, or the sweeper)
    if not accepted:
        request.status, request.failure = PrepaymentRequest.State.REFUSED, (message or "银行拒绝")[:200]
        request.save(update_fields=["status", "failure"])
        borrower_notify(
            contract,
            "提前还款未成功",
            f"合同{contract.contract_no}提前还款{request.amount:,.2f}元扣款失败：{request.failure}。",
        )
        return request
    plan = prepayment_plan(contract=contract, amount=request.amount, mode=request.mode)
    request.repayment = repayment_record(
        contract=contract,
        kind=Repayment.Kind.PREPAYMENT,
        paid_on=today,
        principal=request.amount,
        interest=Decimal("0.00"),
        reference=request.reference,
        bank_reference=bank_reference,
        mode=request.mode,
    )
    unpaid_replace(contract=contract, rows=plan.rows)
    request.status = PrepaymentRequest.State.DONE
    request.save(update_fields=["status", "repayment"])
    borrower_notify(
        contract,
        "提前还款成功",
        f"合同{contract.contract_no}提前还款{request.amount:,.2f}元已扣款成功，"
        f"贷款余额{contract.principal_balance:,.2f}元，剩余{len(plan.rows)}期。",
    )
    return request


def prepayment_sweep(*, now=None, gateway: BankGateway | None = None) -> int:
    """Settle requests left debiting (a crash or a timeout after the bank acted): ask the bank again
    with the same key — it answers a known key with its first result — and record that answer once."""
    now = now or timezone.now()
    gateway = gateway or bank_gateway()
    stale = PrepaymentRequest.objects.filter(
        status=PrepaymentRequest.State.DEBITING, debiting_at__lt=now - timedelta(seconds=DEBIT_SETTLE_AFTER_SECONDS)
    ).select_related("contract__borrower")
    settled = 0
    for request in stale:
        try:
            result = _debit(gateway, request, request.contract)
        except GatewayTimeout:
            continue  # the next sweep asks again
        _prepayment_settle(request_id=request.pk, accepted=result.accepted, bank_reference=result.reference,
                           message=result.message, today=timezone.localdate())  # fmt: skip
        settled += 1
    return settled
