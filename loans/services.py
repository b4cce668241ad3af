"""Loans. Contract: applying → disbursed (还款中) → settled (已结清). Instalment: due → paid, or
due → overdue → paid. `principal_balance` moves only here, with the contract row locked, and always
with a Repayment row (还款记录) whose unique reference makes every collection idempotent.

A prepayment goes wholly to principal on the day it is made; the next instalment's interest is
computed on the reduced balance. Unpaid instalments are then replaced by a recomputed schedule.
"""

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from gjj_portal.bank import BankGateway, GatewayTimeout, bank_gateway
from gjj_portal.cache import everyone_changed, person_changed
from gjj_portal.errors import DomainError
from gjj_portal.policy import current_policy, loan_rate_on
from gjj_portal.states import moves_record
from messages_center.services import message_send

from . import rules
from .models import (
    INSTALMENT_TRANSITIONS,
    LOAN_TRANSITIONS,
    Instalment,
    InstalmentChange,
    LoanContract,
    LoanContractChange,
    LoanStatus,
    PrepaymentRequest,
    ProgressNode,
    Repayment,
)
from .schedule import EQUAL_INSTALMENT, add_months, build_schedule, cents, months_to_repay
from .selectors import contract_has_overdue


class LoanError(DomainError):
    """A refusal with a Chinese message."""


def contract_lock(contract_id: int) -> LoanContract:
    return LoanContract.objects.select_for_update().get(pk=contract_id)


def contracts_record(*, moves: list[tuple[LoanContract, str]], to: str, reason: str, actor=None) -> None:
    """Check and record contracts moving from their state before (each `(contract, before)`) to `to`;
    the caller writes the status (one row or a bulk UPDATE) in the same transaction."""
    entries = (({"contract": c}, before, f"合同{c.contract_no}") for c, before in moves)
    moves_record(LoanContractChange, LOAN_TRANSITIONS, LoanStatus, entries, to=to, reason=reason, actor=actor)
    contracts_people_changed([c.pk for c, _before in moves])


def instalments_record(*, moves: list[tuple[Instalment, str]], to: str, reason: str) -> None:
    """Check and record instalments moving to `to` (each `(row, its state before)`), in one INSERT."""
    entries = (({"contract_id": r.contract_id, "period": r.period}, before, f"第{r.period}期") for r, before in moves)
    moves_record(InstalmentChange, INSTALMENT_TRANSITIONS, Instalment.State, entries, to=to, reason=reason)
    contracts_people_changed(list({r.contract_id for r, _before in moves}))


def contracts_people_changed(contract_ids: list[int]) -> None:
    """The home page and 贷款信息 show each contract and its next instalment: the pages of its borrower and
    co-borrower read again."""
    if len(contract_ids) > 100:  # a day's collection or a repricing: everyone's pages, once
        everyone_changed()
        return
    people = LoanContract.objects.filter(pk__in=contract_ids).values_list("borrower__user_id", "co_borrower__user_id")
    person_changed(*{user_id for pair in people for user_id in pair})


def loan_contract_open(**fields) -> LoanContract:
    """受理: a contract enters the center's books (审批中), with the first row of its history."""
    contract = LoanContract.objects.create(**fields)
    LoanContractChange.objects.create(contract=contract, to_status=contract.status, reason="贷款申请受理")
    contracts_people_changed([contract.pk])
    return contract


def _instalment(contract: LoanContract, r) -> Instalment:
    """One schedule row (schedule.build_schedule) as the contract's unsaved instalment."""
    return Instalment(
        contract=contract,
        period=r.period,
        due_on=r.due_on,
        principal=r.principal,
        interest=r.interest,
        payment=r.payment,
        balance_after=r.balance_after,
        annual_rate=contract.annual_rate,
    )


def _replace_unpaid(*, contract: LoanContract, rows, from_period: int = 0) -> None:
    """Replace the unpaid instalments from `from_period` on (all of them by default)."""
    contract.schedule.exclude(state=Instalment.State.PAID).filter(period__gte=from_period).delete()
    Instalment.objects.bulk_create(_instalment(contract, r) for r in rows)
    contracts_people_changed([contract.pk])


@transaction.atomic
def loan_disburse(*, contract_id: int, on: date) -> LoanContract:
    """放款: the balance becomes the amount and the schedule is built; the first instalment is due a month later."""
    contract = contract_lock(contract_id)
    if contract.status != LoanStatus.APPLYING:
        raise LoanError(f"合同{contract.contract_no}已放款，不能重复放款。")
    contracts_record(moves=[(contract, contract.status)], to=LoanStatus.DISBURSED, reason=f"放款（{on:%Y-%m-%d}）")
    contract.status = LoanStatus.DISBURSED
    contract.disbursed_on = on
    contract.first_due_on = add_months(on, 1)
    contract.principal_balance = contract.amount
    contract.save(update_fields=["status", "disbursed_on", "first_due_on", "principal_balance"])
    rows = build_schedule(
        principal=contract.amount,
        annual_rate=contract.annual_rate,
        months=contract.term_months,
        method=contract.method,
        first_due_on=contract.first_due_on,
    )
    _replace_unpaid(contract=contract, rows=rows)
    # The remaining nodes (放款 and any not yet recorded) are done on the disbursement day, not whenever
    # this runs (a demo or an import disburses loans dated in the past).
    done_at = timezone.now() if on >= timezone.localdate() else _day_start(on)
    ProgressNode.objects.filter(contract=contract, done_at__isnull=True).update(done_at=done_at)
    return contract


def _day_start(day: date):
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _record_repayment(*, contract, kind, paid_on, principal, interest, reference, bank_reference, **extra):
    contract.principal_balance -= principal
    if contract.principal_balance == 0:
        contracts_record(
            moves=[(contract, contract.status)], to=LoanStatus.SETTLED, reason=f"贷款已还清（{reference}）"
        )
        contract.status = LoanStatus.SETTLED
    contract.save(update_fields=["principal_balance", "status"])
    contracts_people_changed([contract.pk])
    return Repayment.objects.create(
        contract=contract,
        kind=kind,
        paid_on=paid_on,
        principal=principal,
        interest=interest,
        amount=principal + interest,
        balance_after=contract.principal_balance,
        reference=reference,
        bank_reference=bank_reference,
        **extra,
    )


@transaction.atomic
def instalments_mark_paid(*, debits: dict[int, tuple[str, str]], paid_on: date) -> int:
    """Record the bank's debits {instalment id: (our key, the bank's reference)} in one commit: the
    contracts locked in id order, then their instalments (LOCK ORDER: contract → instalment); the
    instalments one UPDATE, the repayments one INSERT, the balances one UPDATE. An instalment already
    paid (a rerun, a racing run) is left alone. Returns how many were recorded."""
    contract_ids = sorted(set(Instalment.objects.filter(pk__in=debits).values_list("contract_id", flat=True)))
    locked = LoanContract.objects.select_for_update().filter(pk__in=contract_ids).order_by("pk")
    contracts = {c.pk: c for c in locked}
    rows = list(
        Instalment.objects.select_for_update()
        .filter(pk__in=debits)
        .exclude(state=Instalment.State.PAID)
        .order_by("contract_id", "period")
    )
    if not rows:
        return 0
    instalments_record(
        moves=[(r, r.state) for r in rows], to=Instalment.State.PAID, reason=f"委托扣款成功（{paid_on}）"
    )
    Instalment.objects.filter(pk__in=[r.pk for r in rows]).update(state=Instalment.State.PAID, paid_on=paid_on)
    repayments, settled = [], []
    for row in rows:
        contract = contracts[row.contract_id]
        contract.principal_balance -= row.principal
        if contract.principal_balance == 0:
            settled.append((contract, contract.status))
            contract.status = LoanStatus.SETTLED
        reference, bank_reference = debits[row.pk]
        repayments.append(
            Repayment(
                contract=contract,
                kind=Repayment.Kind.INSTALMENT,
                paid_on=paid_on,
                principal=row.principal,
                interest=row.interest,
                amount=row.principal + row.interest,
                balance_after=contract.principal_balance,
                reference=reference,
                bank_reference=bank_reference,
                instalment=row,
            )
        )
    contracts_record(moves=settled, to=LoanStatus.SETTLED, reason=f"贷款已还清（{paid_on}）")
    touched = sorted({row.contract_id for row in rows})
    LoanContract.objects.bulk_update([contracts[pk] for pk in touched], ["principal_balance", "status"])
    Repayment.objects.bulk_create(repayments)
    return len(rows)


@dataclass
class CollectRun:
    paid: int = 0
    overdue: int = 0
    retry: int = 0
    refusals: list[str] = field(default_factory=list)


COLLECT_CHUNK = 500


def _due_in_chunks(due, size: int):
    """The due instalments of `size` contracts at a time, by contract id (memory stays flat)."""
    last = 0
    while True:
        ids = due.filter(contract_id__gt=last).order_by("contract_id").values_list("contract_id", flat=True)
        contract_ids = list(ids.distinct()[:size])
        if not contract_ids:
            return
        yield list(
            due.filter(contract_id__in=contract_ids)
            .select_related("contract", "contract__borrower")
            .order_by("contract_id", "period")
        )
        last = contract_ids[-1]


def instalments_collect(
    *, on: date, gateway: BankGateway | None = None, progress=None, chunk: int = COLLECT_CHUNK
) -> CollectRun:
    """Debit every instalment due by `on` through the entrusted bank. A refused debit marks it 逾期.
    One debit key per instalment and day: a rerun asks the bank again with the same key and so never
    collects twice, even after a crash between the bank's answer and our write. The bank is asked
    once per instalment; the debits of `chunk` contracts are recorded in one transaction."""
    gateway = gateway or bank_gateway()
    run = CollectRun()
    due = Instalment.objects.filter(
        contract__status=LoanStatus.DISBURSED,
        state__in=[Instalment.State.DUE, Instalment.State.OVERDUE],
        due_on__lte=on,
    )
    chunks = _due_in_chunks(due, chunk)
    for rows in progress(chunks) if progress else chunks:
        debits = {}
        for row in rows:
            contract = row.contract
            key = f"HK{contract.contract_no}-{row.period}-{on:%Y%m%d}"
            try:
                result = gateway.debit(
                    idempotency_key=key,
                    amount=row.payment,
                    bank=contract.repay_bank,
                    card_number=contract.repay_card,
                    payer_name=contract.borrower.name,
                )
            except GatewayTimeout:
                run.retry += 1
                continue
            if result.accepted:
                debits[row.pk] = (key, result.reference)
                continue
            with transaction.atomic():
                became_overdue = Instalment.objects.filter(pk=row.pk, state=Instalment.State.DUE).update(
                    state=Instalment.State.OVERDUE
                )
                if became_overdue:
                    instalments_record(
                        moves=[(row, Instalment.State.DUE)],
                        to=Instalment.State.OVERDUE,
                        reason=f"扣款失败：{result.message}",
                    )
            if became_overdue:
                _notify(
                    contract,
                    "贷款扣款失败",
                    f"合同{contract.contract_no}第{row.period}期应还{row.payment:,.2f}元"
                    f"扣款失败（{result.message}），已逾期，请尽快存足款项。",
                )
            run.overdue += 1
            run.refusals.append(f"{contract.contract_no} 第{row.period}期：{result.message}")
        if debits:
            run.paid += instalments_mark_paid(debits=debits, paid_on=on)
    return run


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
    unpaid = list(contract.schedule.exclude(state=Instalment.State.PAID).order_by("period"))
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
DEBIT_SETTLE_AFTER_SECONDS = 60
EXPIRED = "本次提前还款的确认已失效，请重新填写还款金额并确认。"


def _fingerprint(contract: LoanContract, amount: Decimal, mode: str) -> str:
    """What the person saw: the contract's balance and unpaid schedule, the amount and the mode."""
    unpaid = contract.schedule.exclude(state=Instalment.State.PAID).order_by("period")
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
    request = PrepaymentRequest.objects.create(
        contract=contract, requested_by=user, amount=amount, mode=mode, fingerprint=_fingerprint(contract, amount, mode)
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
        if request.state == PrepaymentRequest.State.DONE:
            raise LoanError("这笔提前还款已经扣款成功，请勿重复提交。请在“还款明细”中查看。")
        if request.state == PrepaymentRequest.State.DEBITING:
            raise LoanError("这笔提前还款正在扣款，请稍后在“还款明细”中查看结果，勿重复提交。")
        if request.state != PrepaymentRequest.State.PREPARED:
            raise LoanError(EXPIRED)
        if timezone.now() - request.created_at > timedelta(minutes=PREPARED_VALID_MINUTES):
            raise LoanError(EXPIRED)
        if amount is not None and amount != request.amount:
            raise LoanError("还款金额与确认页不一致，请重新填写并确认。")
        if problem := _prepayment_problem(contract, request.amount):
            raise LoanError(problem)
        if _fingerprint(contract, request.amount, request.mode) != request.fingerprint:
            raise LoanError("您的贷款或还款计划已发生变化，请重新确认新的还款计划。")
        request.state = PrepaymentRequest.State.DEBITING
        request.debiting_at = timezone.now()
        request.save(update_fields=["state", "debiting_at"])
    try:
        result = _debit(gateway or bank_gateway(), request, contract)
    except GatewayTimeout as exc:
        raise LoanError("银行扣款暂无响应，系统将自动核实扣款结果，请稍后在“还款明细”中查看，勿重复提交。") from exc
    request = _prepayment_settle(request_id=request.pk, accepted=result.accepted, bank_reference=result.reference,
                                 message=result.message, today=today)  # fmt: skip
    if request.state == PrepaymentRequest.State.REFUSED:
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
    if request.state != PrepaymentRequest.State.DEBITING:
        return request  # settled already (the request itself, or the sweeper)
    if not accepted:
        request.state, request.failure = PrepaymentRequest.State.REFUSED, (message or "银行拒绝")[:200]
        request.save(update_fields=["state", "failure"])
        _notify(
            contract,
            "提前还款未成功",
            f"合同{contract.contract_no}提前还款{request.amount:,.2f}元扣款失败：{request.failure}。",
        )
        return request
    plan = prepayment_plan(contract=contract, amount=request.amount, mode=request.mode)
    request.repayment = _record_repayment(
        contract=contract,
        kind=Repayment.Kind.PREPAYMENT,
        paid_on=today,
        principal=request.amount,
        interest=Decimal("0.00"),
        reference=request.reference,
        bank_reference=bank_reference,
        mode=request.mode,
    )
    _replace_unpaid(contract=contract, rows=plan.rows)
    request.state = PrepaymentRequest.State.DONE
    request.save(update_fields=["state", "repayment"])
    _notify(
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
        state=PrepaymentRequest.State.DEBITING, debiting_at__lt=now - timedelta(seconds=DEBIT_SETTLE_AFTER_SECONDS)
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


def _notify(contract: LoanContract, title: str, body: str) -> None:
    user = contract.borrower.user
    if user is not None:
        message_send(recipient=user, business="住房公积金贷款", title=title, body=body)


@transaction.atomic
def contract_reprice(*, contract_id: int, on: date, rate: Decimal) -> bool:
    """From January 1 an existing loan takes the rate then in force; the remaining term is kept."""
    contract = contract_lock(contract_id)
    if contract.annual_rate == rate or contract.status != LoanStatus.DISBURSED:
        return False
    unpaid = contract.schedule.exclude(state=Instalment.State.PAID)
    ahead = list(unpaid.filter(due_on__gte=on).order_by("period"))
    if not ahead:
        return False
    # Overdue instalments before `on` keep their terms; only the principal after them is re-amortized.
    behind = sum((r.principal for r in unpaid.filter(due_on__lt=on)), Decimal("0"))
    contract.annual_rate = rate
    contract.rate_effective_on = on
    contract.save(update_fields=["annual_rate", "rate_effective_on"])
    rows = build_schedule(
        principal=contract.principal_balance - behind,
        annual_rate=rate,
        months=len(ahead),
        method=contract.method,
        first_due_on=ahead[0].due_on,
        first_period=ahead[0].period,
    )
    _replace_unpaid(contract=contract, rows=rows, from_period=ahead[0].period)
    return True


REPRICE_CHUNK = 500


def loans_reprice(*, on: date, chunk: int = REPRICE_CHUNK) -> int:
    """January 1: every disbursed loan whose rate differs from the one then in force moves to it,
    `chunk` contracts per transaction (locked in id order); their new schedules are computed in Python
    as `contract_reprice` computes one, then written at once: one DELETE of the unpaid rows ahead, one
    INSERT of the new rows, one UPDATE of the contracts. A rerun changes nothing (the rates are equal)."""
    if (on.month, on.day) != (1, 1):
        raise ValueError("贷款利率于每年1月1日调整。")
    rates = current_policy().loan_rates
    changed, last = 0, 0
    while True:
        with transaction.atomic():
            contracts = list(
                LoanContract.objects.select_for_update()
                .filter(status=LoanStatus.DISBURSED, pk__gt=last)
                .order_by("pk")[:chunk]
            )
            if not contracts:
                return changed
            last = contracts[-1].pk
            changed += _reprice_locked(contracts, on=on, rates=rates)


def _unpaid_split(contract_ids, on: date) -> tuple[dict, dict]:
    """The unpaid instalments of these contracts: {contract: [(period, due_on) due from `on`]} and
    {contract: principal of those overdue before `on`}."""
    unpaid = (
        Instalment.objects.filter(contract_id__in=contract_ids)
        .exclude(state=Instalment.State.PAID)
        .order_by("contract_id", "period")
        .values_list("contract_id", "period", "due_on", "principal")
    )
    ahead: dict[int, list[tuple[int, date]]] = {}
    behind: dict[int, Decimal] = {}
    for contract_id, period, due_on, principal in unpaid:
        if due_on >= on:
            ahead.setdefault(contract_id, []).append((period, due_on))
        else:  # overdue before `on`: keeps its terms; only the principal after it is re-amortized
            behind[contract_id] = behind.get(contract_id, Decimal("0")) + principal
    return ahead, behind


def _unpaid_delete_from(firsts: list[tuple[int, int]]) -> None:
    """Delete each contract's unpaid instalments from its period on, in one statement."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM loans_instalment i USING unnest(%s::bigint[], %s::int[]) AS v (contract_id, period) "
                "WHERE i.contract_id = v.contract_id AND i.period >= v.period AND i.state <> %s",
                [[pk for pk, _ in firsts], [period for _, period in firsts], Instalment.State.PAID],
            )
    else:  # the SQLite demo
        for pk, period in firsts:
            Instalment.objects.filter(contract_id=pk, period__gte=period).exclude(state=Instalment.State.PAID).delete()


def _reprice_locked(contracts: list[LoanContract], *, on: date, rates) -> int:
    new_rate = {}
    for contract in contracts:
        rate = loan_rate_on(rates, contract.term_months, on)
        if rate is not None and rate != contract.annual_rate:
            new_rate[contract.pk] = rate
    if not new_rate:
        return 0
    ahead, behind = _unpaid_split(list(new_rate), on)
    repriced, rows = [], []
    for contract in contracts:
        if contract.pk not in new_rate or contract.pk not in ahead:
            continue
        first_period, first_due_on = ahead[contract.pk][0]
        contract.annual_rate, contract.rate_effective_on = new_rate[contract.pk], on
        repriced.append(contract)
        for r in build_schedule(
            principal=contract.principal_balance - behind.get(contract.pk, Decimal("0")),
            annual_rate=contract.annual_rate,
            months=len(ahead[contract.pk]),
            method=contract.method,
            first_due_on=first_due_on,
            first_period=first_period,
        ):
            rows.append(_instalment(contract, r))
    if not repriced:
        return 0
    _unpaid_delete_from([(c.pk, ahead[c.pk][0][0]) for c in repriced])  # each contract's unpaid rows from there
    Instalment.objects.bulk_create(rows, batch_size=2000)
    LoanContract.objects.bulk_update(repriced, ["annual_rate", "rate_effective_on"])
    contracts_people_changed([c.pk for c in repriced])
    return len(repriced)


@transaction.atomic
def settlement_certificate_issue(*, contract: LoanContract, center_name: str, today: date):
    """贷款结清证明 of a settled loan, frozen (masked where shown publicly) under a verification code."""
    from deposits.models import DocumentKind
    from deposits.services import document_issue
    from gjj_portal.identity import mask_id_number

    if contract.status != LoanStatus.SETTLED:
        raise LoanError("该贷款尚未结清，不能出具结清证明。")
    # The business date: the last repayment's (the status change is stamped when it was recorded).
    last = contract.repayments.order_by("-paid_on").values_list("paid_on", flat=True).first()
    settled_on = last or today
    borrower = contract.borrower
    snapshot = {
        "name": borrower.name,
        "id_number_masked": mask_id_number(borrower.id_number),
        "grzh": borrower.grzh,
        "contract_no": contract.contract_no,
        "principal": f"{contract.amount:,.2f}",
        "term": f"{contract.term_months}个月",
        "disbursed_on": f"{contract.disbursed_on:%Y年%m月%d日}" if contract.disbursed_on else "-",
        "settled_on": f"{settled_on:%Y年%m月%d日}",
        "issued_on": f"{today:%Y年%m月%d日}",
        "center_name": center_name,
    }
    return document_issue(account=borrower, kind=DocumentKind.LOAN_SETTLED, snapshot=snapshot)
