"""Writes to personal accounts. A balance moves only through `ledger_post`, on a row locked by the caller's
transaction; the account's `balance` is the running sum of its entries (`manage.py reconcile` proves it)."""

import uuid
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from django.db import connection, models, transaction
from django.utils import timezone

from gjj_portal.cache import everyone_changed, person_changed
from gjj_portal.db import copy_insert
from gjj_portal.errors import DomainError
from gjj_portal.states import change_record, moves_record

from .interest import interest_reference
from .models import (
    ACCOUNT_TRANSITIONS,
    AccountChange,
    AccountStatus,
    EntryKind,
    LedgerEntry,
    PersonalAccount,
    SealReason,
)


class InsufficientBalance(DomainError):
    """The debit would take the balance below zero."""


def account_lock(*, account_id: int) -> PersonalAccount:
    """Lock one account row for the rest of the current transaction."""
    return PersonalAccount.objects.select_for_update().get(pk=account_id)


@transaction.atomic
def ledger_post(
    *,
    account: PersonalAccount,
    kind: str,
    amount: Decimal,
    reference: str,
    occurred_on: date,
    period: str = "",
    memo: str = "",
) -> LedgerEntry:
    """Append one entry and move the balance. `account` must have been locked with `account_lock`."""
    amount = Decimal(amount)
    new_balance = account.balance + amount
    if new_balance < 0:
        raise InsufficientBalance(f"账户余额不足：余额 {account.balance} 元，需支取 {-amount} 元。")
    entry = LedgerEntry.objects.create(
        account=account,
        kind=kind,
        amount=amount,
        balance_after=new_balance,
        occurred_on=occurred_on,
        period=period,
        reference=reference,
        memo=memo,
    )
    PersonalAccount.objects.filter(pk=account.pk).update(balance=new_balance)
    account.balance = new_balance
    person_changed(account.user_id)
    return entry


# --- The account's status: only these functions change it, each recording an AccountChange row. -------
# Each takes an account the caller has locked with `account_lock` (LOCK ORDER: account first).


class AccountLinked(DomainError):
    """The account already has an online user."""


def status_entry(account: PersonalAccount, kind: str, prefix: str, memo: str, on: date | None = None) -> LedgerEntry:
    """A 明细 row that moves no money (开户, 封存, 启封, 基数调整), so the depositor's statement shows the
    event; its own reference every time, so the same change may happen twice in a day."""
    return ledger_post(
        account=account,
        kind=kind,
        amount=Decimal("0"),
        reference=f"{prefix}{account.grzh}{uuid.uuid4().hex[:12]}",
        occurred_on=on or timezone.localdate(),
        memo=memo,
    )


def _account_move(account: PersonalAccount, to: str, *, actor, reason: str, **fields) -> None:
    moves = [({"account": account}, account.status, f"账户{account.grzh}")]
    moves_record(AccountChange, ACCOUNT_TRANSITIONS, AccountStatus, moves, to=to, reason=reason, actor=actor)
    fields["status"] = to
    PersonalAccount.objects.filter(pk=account.pk).update(**fields)
    person_changed(account.user_id)
    for name, value in fields.items():
        setattr(account, name, value)


def account_opened(*, account: PersonalAccount, actor=None, reason: str = "开户") -> None:
    """The first row of a new account's history (and its 开户 明细 entry)."""
    status_entry(account, EntryKind.OPENING, "KH", "开户")
    change_record(AccountChange, {"account": account}, to=account.status, actor=actor, reason=reason)


def account_seal(
    *, account: PersonalAccount, seal_reason: str, actor=None, reason: str = "", on: date | None = None
) -> None:
    """封存 (on `on`, today by default): deposits stop; the money stays and keeps earning interest."""
    on = on or timezone.localdate()
    label = SealReason(seal_reason).label
    _account_move(
        account,
        AccountStatus.SEALED,
        actor=actor,
        reason=reason or f"封存：{label}",
        seal_reason=seal_reason,
        sealed_on=on,
    )
    status_entry(account, EntryKind.SEALING, "FC", f"封存：{label}", on=on)


def account_unseal(*, account: PersonalAccount, actor=None, reason: str = "启封") -> None:
    """启封: back to normal deposits."""
    _account_move(account, AccountStatus.NORMAL, actor=actor, reason=reason, seal_reason="", sealed_on=None)
    status_entry(account, EntryKind.UNSEALING, "QF", "启封")


def account_close(*, account: PersonalAccount, actor=None, reason: str) -> str:
    """销户 after a closing withdrawal took the whole balance. Returns the status it had, so a failed
    payment can reopen it as it was."""
    before = account.status
    _account_move(account, AccountStatus.WITHDRAWN, actor=actor, reason=reason)
    return before


def interest_to_date_post(*, account: PersonalAccount, reference: str, memo: str, today: date, rates) -> Decimal:
    """Interest since the last 年终结息 up to yesterday, as its own 09 entry, before the whole balance leaves
    the account (a closing withdrawal, a 转移接续). `account` is locked by the caller."""
    from .selectors import account_interest_to_date

    interest = account_interest_to_date(account=account, today=today, rates=rates)
    if interest > 0:
        ledger_post(
            account=account, kind=EntryKind.INTEREST, amount=interest, reference=reference, occurred_on=today, memo=memo
        )
    return interest


def account_transferred_out(*, account: PersonalAccount, reason: str) -> None:
    """外部转出销户 (04): the money is at the new center, which acknowledged crediting it."""
    _account_move(account, AccountStatus.TRANSFERRED_OUT, actor=None, reason=reason)


def account_reopen(*, account: PersonalAccount, to: str, actor=None, reason: str) -> None:
    """The closing withdrawal's money came back (付款失败): the account is open again, as it was."""
    if account.status != AccountStatus.WITHDRAWN:
        return  # already reopened (a rerun of the same failure)
    _account_move(account, to, actor=actor, reason=reason)


@transaction.atomic
def account_user_link(*, account_id: int, user, how: str, enable_online: bool = False) -> PersonalAccount:
    """开通网上服务: the account gets its online user (注册, 面签开通 or 政务服务网), once. The row is
    locked, so two registrations of one person cannot both win."""
    account = account_lock(account_id=account_id)
    if account.user_id is not None:
        raise AccountLinked("该账户已开通网上服务。")
    account.user = user
    account.online_enabled = account.online_enabled or enable_online
    account.save(update_fields=["user", "online_enabled"])
    change_record(
        AccountChange, {"account": account}, before=account.status, to=account.status, reason=f"开通网上服务（{how}）"
    )
    return account


def account_phone_set(*, account_id: int, phone: str) -> tuple[PersonalAccount, str]:
    """预留手机号 of the account (accounts.profile records who changed it and why). Returns the old one."""
    account = account_lock(account_id=account_id)
    old = account.phone
    account.phone = phone
    account.save(update_fields=["phone"])
    return account, old


def account_payee_card_set(*, account_id: int, bank: str, card_number: str, at) -> tuple[PersonalAccount, str, str]:
    """收款银行卡 of the account, bound from `at` (the cooling-off counts from then). Returns the old bank
    and card."""
    account = account_lock(account_id=account_id)
    old_bank, old_card = account.payee_bank, account.payee_card
    account.payee_bank, account.payee_card, account.payee_card_since = bank, card_number, at
    account.save(update_fields=["payee_bank", "payee_card", "payee_card_since"])
    return account, old_bank, old_card


CLOSED_STATUSES = ("merged", "transferred_out", "withdrawn")


@transaction.atomic
def account_interest_settle(*, account_id: int, settle_on: date, rates, dry_run: bool = False) -> Decimal | None:
    """Post one 09 年终结息 entry for the period ending `settle_on`; None if already posted (idempotent)."""
    from .interest import interest_for_period, interest_period

    account = account_lock(account_id=account_id)
    reference = interest_reference(settle_on)
    if LedgerEntry.objects.filter(account=account, kind=EntryKind.INTEREST, reference=reference).exists():
        return None
    start, end = interest_period(settle_on)
    before = LedgerEntry.objects.filter(account=account, occurred_on__lt=start).aggregate(s=models.Sum("amount"))
    movements = LedgerEntry.objects.filter(account=account, occurred_on__range=(start, end)).values_list(
        "occurred_on", "amount"
    )
    interest = interest_for_period(
        opening_balance=before["s"] or Decimal("0"), movements=movements, start=start, end=end, rates=rates
    )
    if interest > 0 and not dry_run:
        ledger_post(
            account=account,
            kind=EntryKind.INTEREST,
            amount=interest,
            reference=reference,
            occurred_on=settle_on,
            memo=f"{start:%Y}-{end:%Y}年度结息",
        )
    return interest


@dataclass
class InterestRun:
    settled: int = 0
    already: int = 0
    zero: int = 0
    total: Decimal = Decimal("0.00")


INTEREST_CHUNK = 10_000


def interest_settle_all(
    *, settle_on: date, dry_run: bool = False, progress=None, chunk: int = INTEREST_CHUNK
) -> InterestRun:
    """Settle every account that can earn interest. On PostgreSQL set-based, a chunk of `chunk`
    accounts (by id) per transaction: the chunk's accounts locked in id order, the interest of all of
    them from one pass over their entries, their 09 entries in one INSERT and their balances in one
    UPDATE. A rerun (after a crash, or by mistake) skips the accounts whose entry is there, so it
    picks up where it stopped and never posts twice. Elsewhere (the SQLite demo) account by account."""
    from policy.center import current_policy

    if (settle_on.month, settle_on.day) != (6, 30):
        raise ValueError("结息日须为每年6月30日。")
    rates = current_policy().interest_rates
    if connection.vendor != "postgresql":
        return interest_settle_each(settle_on=settle_on, rates=rates, dry_run=dry_run, progress=progress)
    from .interest import day_weights, interest_period

    start, end = interest_period(settle_on)
    weights = day_weights(start=start, end=end, rates=rates)
    run = InterestRun()
    bounds = _account_id_chunks(chunk)
    for lo, hi in progress(bounds) if progress else bounds:
        with transaction.atomic():
            everyone_changed()
            eligible, todo, settled, total = _interest_settle_chunk(
                lo=lo, hi=hi, settle_on=settle_on, start=start, weights=weights, dry_run=dry_run
            )
        run.already += eligible - todo
        run.settled += settled
        run.zero += todo - settled
        run.total += total
    return run


def _account_id_chunks(size: int) -> list[tuple[int, int]]:
    """(first id, last id) of each run of `size` accounts, in id order: one pass over the primary key."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(id), max(id) FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / %s AS n "
            "FROM deposits_personalaccount) c GROUP BY n ORDER BY n",
            [size],
        )
        return cursor.fetchall()


def _interest_settle_chunk(*, lo, hi, settle_on, start, weights, dry_run) -> tuple[int, int, int, Decimal]:
    """One chunk, in the caller's transaction: (accounts that earn, of which not yet settled, posted, total)."""
    days = list(weights)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH w (day, w) AS (SELECT * FROM unnest(%(days)s::date[], %(weights)s::numeric[])),
            eligible AS (
                SELECT a.id, a.balance FROM deposits_personalaccount a
                WHERE a.id BETWEEN %(lo)s AND %(hi)s AND a.status <> ALL(%(closed)s) AND a.opened_on <= %(end)s
                ORDER BY a.id FOR UPDATE),
            todo AS (
                SELECT e.id, e.balance FROM eligible e
                WHERE NOT EXISTS (SELECT 1 FROM deposits_ledgerentry x
                                  WHERE x.account_id = e.id AND x.kind = 'interest' AND x.reference = %(ref)s)),
            sums AS (
                SELECT l.account_id, sum(l.amount * coalesce(w.w, %(w_start)s)) AS t
                FROM deposits_ledgerentry l LEFT JOIN w ON w.day = l.occurred_on
                WHERE l.account_id BETWEEN %(lo)s AND %(hi)s AND l.occurred_on <= %(end)s
                  AND l.account_id IN (SELECT id FROM todo)
                GROUP BY l.account_id),
            earned AS (
                SELECT t.id, t.balance, round(s.t / 360, 2) AS amount
                FROM todo t JOIN sums s ON s.account_id = t.id WHERE round(s.t / 360, 2) > 0),
            posted AS (
                INSERT INTO deposits_ledgerentry
                    (account_id, kind, amount, balance_after, occurred_on, period, reference, memo, created_at)
                SELECT id, 'interest', amount, balance + amount, %(end)s, '', %(ref)s, %(memo)s, now()
                FROM earned WHERE NOT %(dry_run)s
                RETURNING account_id, amount),
            moved AS (
                UPDATE deposits_personalaccount a SET balance = a.balance + p.amount
                FROM posted p WHERE a.id = p.account_id RETURNING a.id)
            SELECT (SELECT count(*) FROM eligible), (SELECT count(*) FROM todo), (SELECT count(*) FROM earned),
                   (SELECT coalesce(sum(amount), 0) FROM earned), (SELECT count(*) FROM moved)
            """,
            {
                "days": days,
                "weights": [weights[d] for d in days],
                "w_start": weights[start],
                "lo": lo,
                "hi": hi,
                "closed": list(CLOSED_STATUSES),
                "end": settle_on,
                "ref": interest_reference(settle_on),
                "memo": f"{start:%Y}-{settle_on:%Y}年度结息",
                "dry_run": dry_run,
            },
        )
        eligible, todo, earned, total, moved = cursor.fetchone()
    if not dry_run and moved != earned:  # the statement's own invariant: never commit half of it
        raise RuntimeError(f"结息入账{earned}笔，余额只更新{moved}笔：已回滚")
    return eligible, todo, earned, total


def interest_settle_each(*, settle_on: date, rates, dry_run: bool = False, progress=None) -> InterestRun:
    """The reference: account by account, each in its own transaction (`account_interest_settle`).
    The set-based settlement is tested against it on random accounts."""
    ids = list(
        PersonalAccount.objects.exclude(status__in=CLOSED_STATUSES)
        .filter(opened_on__lte=settle_on)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    run = InterestRun()
    for account_id in progress(ids) if progress else ids:
        interest = account_interest_settle(account_id=account_id, settle_on=settle_on, rates=rates, dry_run=dry_run)
        if interest is None:
            run.already += 1
        elif interest == 0:
            run.zero += 1
        else:
            run.settled += 1
            run.total += interest
    return run


@transaction.atomic
def certificate_issue(*, account: PersonalAccount, center_name: str, today: date):
    """Freeze what the certificate says (masked) under a fresh verification code."""
    from gjj_portal.identity import mask_id_number

    from .models import DocumentKind
    from .selectors import account_deposit_periods

    periods = sorted(account_deposit_periods(account=account))
    snapshot = {
        "name": account.name,
        "id_number_masked": mask_id_number(account.id_number),
        "grzh": account.grzh,
        "employer": account.employer.name,
        "status": account.get_status_display(),
        "base": f"{account.base:,.2f}",
        "ratios": f"{account.employer_ratio * 100:.0f}% / {account.employee_ratio * 100:.0f}%",
        "monthly_amount": f"{account.monthly_amount:,.2f}",
        "deposit_months": len(periods),
        "first_period": periods[0] if periods else "-",
        "last_period": periods[-1] if periods else "-",
        "balance": f"{account.balance:,.2f}",
        "as_of": f"{today:%Y年%m月%d日}",
        "issued_on": f"{today:%Y年%m月%d日}",
        "center_name": center_name,
    }
    return document_issue(account=account, kind=DocumentKind.DEPOSIT, snapshot=snapshot)


def document_issue(*, account: PersonalAccount, kind: str, snapshot: dict):
    """Record an issued document (缴存证明, 结息对账单, 贷款结清证明) under a fresh verification code. The same
    document with the same content asked again the same day is the one already issued (same code): printing
    it twice, or a script asking 1,000 times, writes one row."""
    from gjj_portal.pdf import document_code

    from .models import DepositCertificate

    today = timezone.localdate()
    same = DepositCertificate.objects.filter(
        account=account, kind=kind, snapshot=snapshot, issued_at__date=today
    ).first()
    if same is not None:
        return same
    return DepositCertificate.objects.create(code=document_code(), account=account, kind=kind, snapshot=snapshot)


@dataclass(frozen=True)
class Posting:
    account_id: int
    kind: str
    amount: Decimal
    reference: str
    occurred_on: date
    period: str = ""
    memo: str = ""


@dataclass(slots=True)
class LockedAccount:
    """What a list's posting reads of an account it has locked (ten thousand of them: no model rows)."""

    pk: int
    grzh: str
    status: str
    base: Decimal
    employer_ratio: Decimal
    employee_ratio: Decimal
    employer_id: int
    user_id: int | None
    balance: Decimal


_LOCKED_COLUMNS = [f.name for f in fields(LockedAccount)]


def accounts_lock_many(ids) -> dict[int, LockedAccount]:
    """Lock many account rows in one statement, in id order (the fixed order every service locks
    accounts in), and read what posting needs of them."""
    ids = sorted(set(ids))
    if connection.vendor != "postgresql":  # the SQLite demo: one writer at a time anyway
        rows = PersonalAccount.objects.filter(pk__in=ids).order_by("pk").values_list(*_LOCKED_COLUMNS)
    else:
        columns = ", ".join("id" if c == "pk" else c for c in _LOCKED_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM deposits_personalaccount WHERE id = ANY(%s) "  # noqa: S608 - names are ours
                "ORDER BY id FOR UPDATE",
                [ids],
            )
            rows = cursor.fetchall()
    return {row[0]: LockedAccount(*row) for row in rows}


@transaction.atomic
def ledger_post_many(
    *, postings: list[Posting], locked: dict[int, LockedAccount] | None = None, also: dict | None = None
) -> int:
    """Many entries at once (an employer's list), set-based: the accounts locked in id order (or by the
    caller, who passes them as `locked` inside the same transaction), every entry carrying its running
    balance exactly as `ledger_post` would write it, the entries written with one COPY and the balances
    (and the `also` columns, e.g. 缴至年月) with one UPDATE."""
    accounts = locked if locked is not None else accounts_lock_many(p.account_id for p in postings)
    entries = []
    for p in postings:
        account = accounts[p.account_id]
        account.balance += p.amount
        if account.balance < 0:
            raise InsufficientBalance(f"账户{account.grzh}余额不足。")
        entries.append(
            {
                "account_id": p.account_id,
                "kind": p.kind,
                "amount": p.amount,
                "balance_after": account.balance,
                "occurred_on": p.occurred_on,
                "period": p.period,
                "reference": p.reference,
                "memo": p.memo,
            }
        )
    copy_insert(LedgerEntry, entries)
    everyone_changed()  # a list of many people: every page reads again once
    _balances_write([accounts[i] for i in sorted({p.account_id for p in postings})], also or {})
    return len(entries)


def _balances_write(accounts: list[LockedAccount], also: dict) -> None:
    if connection.vendor != "postgresql":
        for account in accounts:
            PersonalAccount.objects.filter(pk=account.pk).update(balance=account.balance, **also)
        return
    extra = "".join(f", {connection.ops.quote_name(field)} = %s" for field in also)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE deposits_personalaccount a SET balance = v.balance{extra} "  # noqa: S608 - names are ours
            "FROM unnest(%s::bigint[], %s::numeric[]) AS v(id, balance) WHERE a.id = v.id",
            [*also.values(), [a.pk for a in accounts], [a.balance for a in accounts]],
        )


@transaction.atomic
def interest_statement_issue(*, account: PersonalAccount, settle_on: date, rates, center_name: str, today: date):
    """结息对账单 of one settled year, frozen (masked where shown publicly) under a verification code.
    None if that year's interest was not posted to the account."""
    from gjj_portal.identity import mask_id_number

    from .models import DocumentKind
    from .selectors import interest_statement

    statement = interest_statement(account=account, settle_on=settle_on, rates=rates)
    if statement is None:
        return None
    money = "{:,.2f}".format
    snapshot = {
        "name": account.name,
        "id_number_masked": mask_id_number(account.id_number),
        "grzh": account.grzh,
        "employer": account.employer.name,
        "year_label": f"{statement['start']:%Y}—{statement['end']:%Y}年度",
        "start": f"{statement['start']:%Y-%m-%d}",
        "end": f"{statement['end']:%Y-%m-%d}",
        "opening": money(statement["opening"]),
        "entries": [
            {
                "date": f"{e.occurred_on:%Y-%m-%d}",
                "kind": e.get_kind_display(),
                "memo": e.memo,
                "amount": money(e.amount),
                "balance": money(balance),
            }
            for e, balance in statement["entries"]
        ],
        "runs": [
            {
                "start": f"{r.start:%Y-%m-%d}",
                "end": f"{r.end:%Y-%m-%d}",
                "days": r.days,
                "balance": money(r.balance),
                "rate": f"{r.rate * 100:.2f}%",
                "product": money(r.product),
            }
            for r in statement["runs"]
        ],
        "products": money(sum((r.product for r in statement["runs"]), Decimal("0"))),
        "interest": money(statement["interest"]),
        "computed": money(statement["computed"]),
        "closing": money(statement["closing"]),
        "issued_on": f"{today:%Y年%m月%d日}",
        "center_name": center_name,
    }
    return document_issue(account=account, kind=DocumentKind.INTEREST_STATEMENT, snapshot=snapshot)
