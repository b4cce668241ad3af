"""Repricing: on the rate table's change, each contract's unpaid instalments from the effective date are
rebuilt at the new rate (one contract, or every contract in chunks, set-based)."""

from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from policy.center import current_policy, loan_rate_on

from .models import (
    Instalment,
    LoanContract,
    LoanStatus,
)
from .schedule import build_schedule
from .services import contract_lock, contracts_people_changed, instalment_row, unpaid_replace


@transaction.atomic
def contract_reprice(*, contract_id: int, on: date, rate: Decimal) -> bool:
    """From January 1 an existing loan takes the rate then in force; the remaining term is kept."""
    contract = contract_lock(contract_id)
    if contract.annual_rate == rate or contract.status != LoanStatus.DISBURSED:
        return False
    unpaid = contract.schedule.exclude(status=Instalment.State.PAID)
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
    unpaid_replace(contract=contract, rows=rows, from_period=ahead[0].period)
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
        .exclude(status=Instalment.State.PAID)
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
                "WHERE i.contract_id = v.contract_id AND i.period >= v.period AND i.status <> %s",
                [[pk for pk, _ in firsts], [period for _, period in firsts], Instalment.State.PAID],
            )
    else:  # the SQLite demo
        for pk, period in firsts:
            Instalment.objects.filter(contract_id=pk, period__gte=period).exclude(status=Instalment.State.PAID).delete()


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
            rows.append(instalment_row(contract, r))
    if not repriced:
        return 0
    _unpaid_delete_from([(c.pk, ahead[c.pk][0][0]) for c in repriced])  # each contract's unpaid rows from there
    Instalment.objects.bulk_create(rows, batch_size=2000)
    LoanContract.objects.bulk_update(repriced, ["annual_rate", "rate_effective_on"])
    contracts_people_changed([c.pk for c in repriced])
    return len(repriced)
