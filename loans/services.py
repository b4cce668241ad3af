"""Loans. Contract: applying → disbursed (还款中) → settled (已结清). Instalment: due → paid, or
due → overdue → paid. `principal_balance` moves only here, with the contract row locked, and always
with a Repayment row (还款记录) whose unique reference makes every collection idempotent.

Prepayment (提前还款) is loans/prepayment.py, repricing on the rate table's changes loans/repricing.py;
both move a contract through the recorders here.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from gjj_portal.bank import BankGateway, GatewayTimeout, bank_gateway
from gjj_portal.cache import everyone_changed, person_changed
from gjj_portal.errors import DomainError
from gjj_portal.states import change_record, moves_record
from messages_center.services import message_send

from .models import (
    INSTALMENT_TRANSITIONS,
    LOAN_TRANSITIONS,
    Instalment,
    InstalmentChange,
    LoanContract,
    LoanContractChange,
    LoanStatus,
    ProgressNode,
    Repayment,
)
from .schedule import add_months, build_schedule


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


def loan_contract_open(*, reason: str = "贷款申请受理", actor=None, **fields) -> LoanContract:
    """签订合同: a contract enters the center's books (未发放), with the first row of its history."""
    contract = LoanContract.objects.create(**fields)
    change_record(LoanContractChange, {"contract": contract}, to=contract.status, reason=reason, actor=actor)
    contracts_people_changed([contract.pk])
    return contract


def instalment_row(contract: LoanContract, r) -> Instalment:
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


def unpaid_replace(*, contract: LoanContract, rows, from_period: int = 0) -> None:
    """Replace the unpaid instalments from `from_period` on (all of them by default)."""
    contract.schedule.exclude(status=Instalment.State.PAID).filter(period__gte=from_period).delete()
    Instalment.objects.bulk_create(instalment_row(contract, r) for r in rows)
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
    unpaid_replace(contract=contract, rows=rows)
    # The remaining nodes (放款 and any not yet recorded) are done on the disbursement day, not whenever
    # this runs (a demo or an import disburses loans dated in the past).
    done_at = timezone.now() if on >= timezone.localdate() else _day_start(on)
    ProgressNode.objects.filter(contract=contract, done_at__isnull=True).update(done_at=done_at)
    return contract


def _day_start(day: date):
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def repayment_record(*, contract, kind, paid_on, principal, interest, reference, bank_reference, **extra):
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
        .exclude(status=Instalment.State.PAID)
        .order_by("contract_id", "period")
    )
    if not rows:
        return 0
    instalments_record(
        moves=[(r, r.status) for r in rows], to=Instalment.State.PAID, reason=f"委托扣款成功（{paid_on}）"
    )
    Instalment.objects.filter(pk__in=[r.pk for r in rows]).update(status=Instalment.State.PAID, paid_on=paid_on)
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
        status__in=[Instalment.State.DUE, Instalment.State.OVERDUE],
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
                became_overdue = Instalment.objects.filter(pk=row.pk, status=Instalment.State.DUE).update(
                    status=Instalment.State.OVERDUE
                )
                if became_overdue:
                    instalments_record(
                        moves=[(row, Instalment.State.DUE)],
                        to=Instalment.State.OVERDUE,
                        reason=f"扣款失败：{result.message}",
                    )
            if became_overdue:
                borrower_notify(
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


def borrower_notify(contract: LoanContract, title: str, body: str) -> None:
    user = contract.borrower.user
    if user is not None:
        message_send(recipient=user, business="住房公积金贷款", title=title, body=body)


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
