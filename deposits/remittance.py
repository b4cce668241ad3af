"""Employers' lists (清册): 当月汇缴, 补缴清册 and 变更清册 (开户, 封存, 启封, 基数/比例调整).

A list is validated whole before anything is written: one bad row rejects it with a report of every
bad row (row number, field, reason). Posting writes one ledger entry per employee in one transaction;
a month is remitted once (a unique constraint on the batch, and on each entry's reference).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from gjj_portal.db import copy_insert
from gjj_portal.errors import DomainError
from gjj_portal.identity import id_number_problem
from gjj_portal.months import month_index, period_index
from gjj_portal.states import change_record, moves_record
from messages_center.services import Notice, message_send_many
from policy.center import current_policy

from . import services
from .collection import due_date, payment_code_for
from .models import (
    REMITTANCE_TRANSITIONS,
    AccountStatus,
    Employer,
    EntryKind,
    LedgerEntry,
    PersonalAccount,
    RemittanceBatch,
    RemittanceBatchChange,
    RemittanceLine,
    SealReason,
    SuspenseEntry,
)
from .rules import base_ratio_problem, monthly_contribution, supplementary_month_problem
from .selectors import accounts_deposit_periods
from .services import (
    CLOSED_STATUSES,
    Posting,
    account_lock,
    account_opened,
    accounts_lock_many,
    ledger_post_many,
    status_entry,
)
from .spreadsheets import Limits, TableRefused, read_rows

MONTHLY_HEADERS = ["个人账号", "姓名", "月缴存额"]
OPENING_HEADERS = ["姓名", "身份证号", "手机号", "缴存基数", "起缴年月"]
SUPPLEMENTARY_HEADERS = ["个人账号", "姓名", "补缴年月", "补缴金额"]


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    reason: str


class ListRejected(DomainError):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)}处错误")
        self.errors = errors


class EmployerError(DomainError):
    """A refusal with a Chinese message."""


def amount_for(account: PersonalAccount, rounding: str | None = None) -> Decimal:
    """The month's amount from base × ratios; a list passes the policy's rounding, read once."""
    rounding = current_policy().contribution_rounding if rounding is None else rounding
    return monthly_contribution(account.base, account.employer_ratio, account.employee_ratio, rounding)


# What list validation reads of each employee (not the whole row), and what posting reads.
_LIST_FIELDS = ["grzh", "name", "status", "base", "employer_ratio", "employee_ratio", "opened_on"]
_LINE_FIELDS = ["id", "account_id", "period", "amount"]


class _Line(NamedTuple):
    """A list's line as posting reads it (10,000 of them: no model instances)."""

    id: int
    account_id: int
    period: str
    amount: Decimal


def month_start(period: str) -> date:
    return date(int(period[:4]), int(period[5:7]), 1)


def read_table(upload_name: str, content: bytes, headers: list[str], *, max_rows: int | None = None) -> list[dict]:
    """An uploaded XLSX or CSV as rows of {header: text}, read under the limits of
    `deposits.spreadsheets`; a missing column, a file too big or a bad cell rejects the list."""
    limits = Limits(max_rows=max_rows or settings.GJJ_LIST_MAX_ROWS, max_seconds=settings.GJJ_LIST_MAX_SECONDS)
    try:
        table, problems = read_rows(upload_name, content, headers, limits)
    except TableRefused as exc:
        raise ListRejected([RowError(1, "文件", str(exc))]) from exc
    if problems:
        raise ListRejected([RowError(row, field, reason) for row, field, reason in problems])
    return table


def _money(text: str) -> Decimal | None:
    """A money amount with at most two decimals, or None ("1e999999", "NaN" and "Infinity" too)."""
    try:
        value = Decimal(str(text).replace(",", ""))
        if not value.is_finite() or abs(value) >= Decimal("1e12"):
            return None
        return value if value == value.quantize(Decimal("0.01")) else None
    except (InvalidOperation, ValueError):
        return None


def _rows(rows, progress):
    # The file's own row numbers (row 1 is the header; blank rows were skipped when reading).
    numbered = ((row.get("_row", n), row) for n, row in enumerate(rows, start=2))
    return progress(numbered, len(rows)) if progress else numbered


def validate_monthly(
    *, employer: Employer, period: str, rows: list[dict], progress=None
) -> list[tuple[PersonalAccount, Decimal]]:
    accounts = {a.grzh: a for a in PersonalAccount.objects.filter(employer=employer).only(*_LIST_FIELDS)}
    rounding, first_day = current_policy().contribution_rounding, month_start(period)
    errors, seen, valid = [], set(), []
    for number, row in _rows(rows, progress):
        account = accounts.get(row["个人账号"])
        if account is None:
            errors.append(RowError(number, "个人账号", f"“{row['个人账号']}”不是本单位职工的个人账号。"))
            continue
        if row["个人账号"] in seen:
            errors.append(RowError(number, "个人账号", "同一职工在清册中出现了两次。"))
            continue
        seen.add(row["个人账号"])
        if row["姓名"] != account.name:
            errors.append(RowError(number, "姓名", f"姓名与个人账号不符（账户姓名为{account.name}）。"))
        if account.status != AccountStatus.NORMAL:
            errors.append(RowError(number, "个人账号", f"账户状态为{account.get_status_display()}，不能汇缴。"))
        amount = _money(row["月缴存额"])
        expected = amount_for(account, rounding)
        if amount is None:
            errors.append(RowError(number, "月缴存额", "请填写正确的金额（最多两位小数）。"))
        elif amount != expected:
            errors.append(RowError(number, "月缴存额", f"与缴存基数×比例计算结果不符，应为{expected:.2f}元。"))
        if account.opened_on > first_day:
            errors.append(RowError(number, "个人账号", f"该账户{account.opened_on:%Y-%m}才开户。"))
        if amount is not None and (not errors or errors[-1].row != number):
            valid.append((account, amount))
    if errors:
        raise ListRejected(errors)
    return valid


def monthly_list(*, employer: Employer, period: str) -> list[tuple[PersonalAccount, Decimal]]:
    """The month's list computed from bases and ratios: every normal account open by that month."""
    accounts = PersonalAccount.objects.filter(
        employer=employer, status=AccountStatus.NORMAL, opened_on__lte=month_start(period)
    ).order_by("grzh")
    rounding = current_policy().contribution_rounding
    return [(a, amount_for(a, rounding)) for a in accounts]


def _batch_transition(batch: RemittanceBatch, to: str, actor=None, reason: str = "") -> None:
    moves = [({"batch": batch}, batch.status, "清册")]
    moves_record(
        RemittanceBatchChange, REMITTANCE_TRANSITIONS, RemittanceBatch.Status, moves, to=to, reason=reason, actor=actor
    )
    batch.status = to


def _declare(*, employer, kind, period, lines, user, source) -> RemittanceBatch:
    """申报: the list is recorded with its lines; no account moves until 到账."""
    if not lines:
        raise EmployerError("清册中没有可缴存的职工。" if kind == RemittanceBatch.Kind.MONTHLY else "补缴清册为空。")
    try:
        with transaction.atomic():
            batch = RemittanceBatch.objects.create(
                employer=employer,
                kind=kind,
                period=period,
                rows=len(lines),
                total=sum((amount for _a, _p, amount in lines), Decimal("0")),
                source=source,
                posted_by=user,
                status=RemittanceBatch.Status.DECLARED,
            )
            batch.payment_code = payment_code_for(batch.pk)
            batch.due_on = due_date(employer, timezone.localdate())
            batch.save(update_fields=["payment_code", "due_on"])
            change_record(
                RemittanceBatchChange,
                {"batch": batch},
                to=RemittanceBatch.Status.DECLARED,
                actor=user,
                reason=f"申报（{source}），缴款识别码{batch.payment_code}",
            )
            copy_insert(
                RemittanceLine,
                [{"batch_id": batch.pk, "account_id": a.pk, "period": p, "amount": amount} for a, p, amount in lines],
            )
    except IntegrityError as exc:
        raise EmployerError(f"{period}的当月汇缴已经申报，不能重复申报。") from exc
    return batch


def remittance_declare(
    *, employer: Employer, period: str, rows, user=None, source: str = "网上录入"
) -> RemittanceBatch:
    """当月汇缴 申报: once per month; posted only when the employer's money has arrived."""
    return _declare(
        employer=employer,
        kind=RemittanceBatch.Kind.MONTHLY,
        period=period,
        lines=[(a, period, amount) for a, amount in rows],
        user=user,
        source=source,
    )


def supplementary_declare(*, employer: Employer, rows, user=None, source: str = "网上录入") -> RemittanceBatch:
    """补缴清册 申报: rows of (account, month, amount); posted only after 到账 like 当月汇缴."""
    return _declare(
        employer=employer,
        kind=RemittanceBatch.Kind.SUPPLEMENTARY,
        period="",
        lines=list(rows),
        user=user,
        source=source,
    )


def _recheck(batch: RemittanceBatch, lines, accounts) -> dict[int, str]:
    """The list validated again under the account locks (the world may have changed since 申报): the lines
    that can no longer post, by line id, with the reason. They do not hold up the rest."""
    rounding = current_policy().contribution_rounding
    stranded = {}
    for line in lines:
        account = accounts[line.account_id]
        expected = monthly_contribution(account.base, account.employer_ratio, account.employee_ratio, rounding)
        if account.employer_id != batch.employer_id:
            stranded[line.id] = f"{account.grzh}已不是本单位职工"
        elif batch.kind == RemittanceBatch.Kind.MONTHLY and account.status != AccountStatus.NORMAL:
            stranded[line.id] = f"{account.grzh}账户状态为“{AccountStatus(account.status).label}”"
        elif account.status in CLOSED_STATUSES:
            stranded[line.id] = f"{account.grzh}账户已{AccountStatus(account.status).label}"
        elif batch.kind == RemittanceBatch.Kind.MONTHLY and line.amount != expected:
            stranded[line.id] = f"{account.grzh}的缴存基数或比例已调整，应为{expected:.2f}元"
    return stranded


@transaction.atomic
def remittance_fund(*, batch_id: int, actor=None, reference: str = "") -> RemittanceBatch:
    """到账 confirmed by staff (the exception; the bank's statement is the rule: `collection.credits_import`):
    what is still owed is recorded as a credit of its own, confirmed by this person, and the list posts.
    A second 到账 for the same list posts nothing."""
    from .collection import credit_record_manual

    batch = RemittanceBatch.objects.select_for_update().get(pk=batch_id)
    if batch.status != RemittanceBatch.Status.DECLARED:
        raise EmployerError(f"该清册当前状态为“{batch.get_status_display()}”，不能再次确认到账。")
    Employer.objects.select_for_update().get(pk=batch.employer_id)  # LOCK ORDER: list, employer, accounts
    credit_record_manual(batch=batch, actor=actor, reference=reference)
    return remittance_post_lines(batch=batch, actor=actor, reference=reference)


def remittance_post_lines(*, batch: RemittanceBatch, actor=None, reference: str = "") -> RemittanceBatch:
    """到账 → 入账, the list and its employer locked by the caller, its money all received: every line is
    re-checked under the account locks; those that still can post are posted (one entry each), those that
    cannot go to the employer's 单位暂存款 with their reason. Money in = posted + 暂存款, always."""
    from .collection import suspense_add

    lines = [_Line(*values) for values in batch.lines.order_by("pk").values_list(*_LINE_FIELDS)]
    accounts = accounts_lock_many(line.account_id for line in lines)
    stranded = _recheck(batch, lines, accounts)
    now, today = timezone.now(), timezone.localdate()
    _batch_transition(batch, RemittanceBatch.Status.FUNDED, actor, f"单位缴款到账 {reference}".strip())
    batch.funded_at, batch.funds_reference = now, reference[:64]
    dwzh = batch.employer.dwzh
    monthly = batch.kind == RemittanceBatch.Kind.MONTHLY
    kind, prefix, what = (EntryKind.REMITTANCE, "HJ", "汇缴") if monthly else (EntryKind.SUPPLEMENTARY, "BJ", "补缴")
    postings = [
        Posting(line.account_id, kind, line.amount, f"{prefix}{dwzh}{line.period}", today, line.period,
                f"{line.period}{what}")
        for line in lines
        if line.id not in stranded
    ]  # fmt: skip
    also = {"last_paid_month": month_start(batch.period)} if monthly else {}
    if postings:
        try:
            with transaction.atomic():
                ledger_post_many(postings=postings, locked={p.account_id: accounts[p.account_id] for p in postings},
                                 also=also)  # fmt: skip
        except IntegrityError as exc:
            raise EmployerError("清册中有月份已经入账，不能重复入账。") from exc
    batch.lines.exclude(pk__in=list(stranded)).update(outcome="posted")
    for line in lines:
        if line.id in stranded:
            RemittanceLine.objects.filter(pk=line.id).update(outcome="suspense", reason=stranded[line.id][:200])
            suspense_add(
                employer=batch.employer,
                kind=SuspenseEntry.Kind.STRANDED,
                amount=line.amount,
                reason=f"{stranded[line.id]}，{line.period}{what}{line.amount:.2f}元未能入账",
                reference=f"L{line.id}",
                batch=batch,
                line_id=line.id,
            )
    note = f"入账{len(postings)}笔" + (f"，{len(stranded)}笔转单位暂存款" if stranded else "")
    _batch_transition(batch, RemittanceBatch.Status.POSTED, actor, note)
    batch.posted_at = now
    batch.save(update_fields=["status", "funded_at", "funds_reference", "posted_at"])
    # The employees are told after the posting commits, outside the accounts' locks (remittance_notify).
    transaction.on_commit(partial(_notify_later, batch.pk))
    return batch


def _notify_later(batch_id: int) -> None:
    from .tasks import remittance_notify_task

    remittance_notify_task.delay(batch_id)


def remittance_notify(*, batch_id: int) -> int:
    """汇缴到账 / 补缴到账: a notice to each registered employee of a posted list, exactly once — sent
    after the posting commits (ten thousand notices are not written while the accounts are locked);
    the list's `notified_at`, set in the same transaction under its row lock, makes a repeated call
    (a redelivered task, the sweeper) send nothing."""
    with transaction.atomic():
        batch = RemittanceBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status != RemittanceBatch.Status.POSTED or batch.notified_at:
            return 0
        employer, what = batch.employer, "汇缴" if batch.kind == RemittanceBatch.Kind.MONTHLY else "补缴"
        lines = batch.lines.filter(account__user__isnull=False).order_by("pk")
        sent = message_send_many(
            notices=[
                Notice(
                    user_id,
                    "住房公积金缴存",
                    f"{what}到账",
                    f"{employer.name}为您{what}的{period}住房公积金{amount:,.2f}元已入账。",
                )
                for user_id, period, amount in lines.values_list("account__user_id", "period", "amount")
            ]
        )
        batch.notified_at = timezone.now()
        batch.save(update_fields=["notified_at"])
    return sent


def remittance_notify_sweep(*, now=None) -> list[int]:
    """Posted lists whose notices were never sent (the message to the worker was lost): send them."""
    from .tasks import remittance_notify_task

    before = (now or timezone.now()) - timedelta(seconds=60)
    ids = list(
        RemittanceBatch.objects.filter(
            status=RemittanceBatch.Status.POSTED, notified_at__isnull=True, posted_at__lt=before
        ).values_list("pk", flat=True)
    )
    for batch_id in ids:
        remittance_notify_task.delay(batch_id)
    return ids


def remittance_post(*, employer: Employer, period: str, rows, user=None, source: str = "网上录入") -> RemittanceBatch:
    """申报 and 到账 at once, for a list whose money the center already holds (the operator's import)."""
    batch = remittance_declare(employer=employer, period=period, rows=rows, user=user, source=source)
    return remittance_fund(batch_id=batch.pk, actor=user, reference="中心柜台已收款")


def validate_supplementary(*, employer: Employer, rows: list[dict], today: date, progress=None) -> list[tuple]:
    accounts = {a.grzh: a for a in PersonalAccount.objects.filter(employer=employer).only(*_LIST_FIELDS)}
    listed = [accounts[row["个人账号"]].pk for row in rows if row["个人账号"] in accounts]
    paid = accounts_deposit_periods(account_ids=listed)  # one read for the whole list
    policy = current_policy()
    rounding = policy.contribution_rounding
    errors, valid, seen = [], [], set()
    current = month_index(today)
    for number, row in _rows(rows, progress):
        account = accounts.get(row["个人账号"])
        if account is None:
            errors.append(RowError(number, "个人账号", f"“{row['个人账号']}”不是本单位职工的个人账号。"))
            continue
        who = f"{account.name}（{account.grzh}）"
        period = row["补缴年月"]
        try:
            index = period_index(period)
            ok = len(period) == 7 and period[4] == "-" and 1 <= int(period[5:7]) <= 12
        except ValueError:
            ok = False
        if row["姓名"] != account.name:
            errors.append(RowError(number, "姓名", f"{who}：姓名与个人账号不符（账户姓名为{account.name}）。"))
        if not ok:
            errors.append(RowError(number, "补缴年月", f"{who}：请按“年-月”填写，例如 2026-03。"))
        elif problem := supplementary_month_problem(index, current, policy):
            errors.append(RowError(number, "补缴年月", f"{who}：{problem}"))
        elif (account.pk, period) in paid or (account.grzh, period) in seen:
            errors.append(RowError(number, "补缴年月", f"{who}：{period}已缴存，不能重复补缴。"))
        elif month_start(period) < account.opened_on.replace(day=1):
            errors.append(RowError(number, "补缴年月", f"{who}：该账户{account.opened_on:%Y-%m}才开户。"))
        amount = _money(row["补缴金额"])
        if amount is None or amount <= 0:
            errors.append(RowError(number, "补缴金额", f"{who}：请填写正确的金额。"))
        elif amount != amount_for(account, rounding):
            errors.append(
                RowError(
                    number,
                    "补缴金额",
                    f"{who}：与缴存基数×比例计算结果不符，应为{amount_for(account, rounding):.2f}元。",
                )
            )
        if not errors or errors[-1].row != number:
            seen.add((account.grzh, period))
            valid.append((account, period, amount))
    if errors:
        raise ListRejected(errors)
    return valid


def supplementary_owed(*, employer: Employer, today: date) -> list[tuple[PersonalAccount, str, Decimal]]:
    """What each employee is owed: the months from the account's opening (within the policy's 补缴 reach) to
    last month that have no 汇缴 or 补缴 and are not on a list waiting for its money, at today's amount —
    the 补缴 page proposes them to tick."""
    policy = current_policy()
    current = month_index(today)
    first_allowed = current - policy.supplementary_max_months
    staff = list(
        PersonalAccount.objects.filter(employer=employer, status=AccountStatus.NORMAL)
        .only(*_LIST_FIELDS)
        .order_by("grzh")
    )
    paid = accounts_deposit_periods(account_ids=[a.pk for a in staff])
    waiting = set(
        RemittanceLine.objects.filter(batch__employer=employer, batch__status=RemittanceBatch.Status.DECLARED)
        .values_list("account_id", "period")
    )  # fmt: skip
    owed = []
    for account in staff:
        start = max(first_allowed, month_index(account.opened_on))
        for index in range(start, current):
            period = f"{index // 12}-{index % 12 + 1:02d}"
            if (account.pk, period) not in paid and (account.pk, period) not in waiting:
                owed.append((account, period, amount_for(account, policy.contribution_rounding)))
    return owed


def supplementary_post(*, employer: Employer, rows, user=None, source: str = "网上录入") -> RemittanceBatch:
    """申报 and 到账 at once (the operator's import)."""
    batch = supplementary_declare(employer=employer, rows=rows, user=user, source=source)
    return remittance_fund(batch_id=batch.pk, actor=user, reference="中心柜台已收款")


# --- 变更清册 ------------------------------------------------------------------------------------------


def _next_grzh() -> str:
    last = PersonalAccount.objects.order_by("-grzh").values_list("grzh", flat=True).first() or "210100000000"
    return f"{int(last) + 1:012d}"


@transaction.atomic
def account_open(
    *,
    employer: Employer,
    name: str,
    id_number: str,
    phone: str,
    base: Decimal,
    start: date,
    ratio: Decimal = Decimal("0.12"),
) -> PersonalAccount:
    """开户: a personal account for a new employee, from the start month on."""
    id_number = id_number.strip().upper()
    if problem := id_number_problem(id_number):
        raise EmployerError(problem)
    if PersonalAccount.objects.filter(id_number=id_number).exists():
        raise EmployerError("该身份证号已有个人账户，请办理转移接续，不能重复开户。")
    _check_base_and_ratio(base, ratio)
    account = PersonalAccount.objects.create(
        grzh=_next_grzh(),
        name=name.strip(),
        id_number=id_number,
        phone=phone,
        employer=employer,
        base=base,
        employer_ratio=ratio,
        employee_ratio=ratio,
        opened_on=start.replace(day=1),
        household_region=employer.region,
    )
    account_opened(account=account_lock(account_id=account.pk), reason=f"开户（{employer.name}）")
    return account


def _check_base_and_ratio(base: Decimal, ratio: Decimal) -> None:
    if problem := base_ratio_problem(base, ratio, current_policy()):
        raise EmployerError(problem)


def _employee(employer: Employer, account_id: int) -> PersonalAccount:
    account = account_lock(account_id=account_id)
    if account.employer_id != employer.pk:
        raise EmployerError("该职工不属于本单位。")
    return account


def _tell(account, title, body):
    if account.user_id:
        message_send_many(notices=[Notice(account.user_id, "住房公积金缴存", title, body)])


@transaction.atomic
def account_seal(*, employer: Employer, account_id: int, reason: str) -> PersonalAccount:
    """封存 with a reason: deposits stop; the money stays and keeps earning interest."""
    account = _employee(employer, account_id)
    if account.status != AccountStatus.NORMAL:
        raise EmployerError(f"{account.name}的账户状态为{account.get_status_display()}，不能封存。")
    if reason not in SealReason.values:
        raise EmployerError("请选择封存原因。")
    services.account_seal(account=account, seal_reason=reason, reason=f"单位办理封存：{SealReason(reason).label}")
    _tell(account, "账户已封存", f"{employer.name}已为您办理住房公积金账户封存（{SealReason(reason).label}）。")
    return account


@transaction.atomic
def account_unseal(*, employer: Employer, account_id: int) -> PersonalAccount:
    """启封: back to normal deposits."""
    account = _employee(employer, account_id)
    if account.status != AccountStatus.SEALED:
        raise EmployerError(f"{account.name}的账户不是封存状态，不能启封。")
    services.account_unseal(account=account, reason="单位办理启封")
    _tell(account, "账户已启封", f"{employer.name}已为您办理住房公积金账户启封。")
    return account


@transaction.atomic
def account_adjust(*, employer: Employer, account_id: int, base: Decimal, ratio: Decimal) -> PersonalAccount:
    """基数/比例调整: once a year, within the policy's ratios, base floor and cap."""
    account = _employee(employer, account_id)
    _check_base_and_ratio(base, ratio)
    today = timezone.localdate()
    if LedgerEntry.objects.filter(
        account=account, kind=EntryKind.BASE_ADJUSTMENT, occurred_on__year=today.year
    ).exists():
        raise EmployerError(f"{account.name}本年度已调整过缴存基数，每年只能调整一次。")
    status_entry(
        account,
        EntryKind.BASE_ADJUSTMENT,
        "JS",
        f"基数{account.base}→{base}，比例{account.employer_ratio * 100:.0f}%→{ratio * 100:.0f}%",
    )
    PersonalAccount.objects.filter(pk=account.pk).update(base=base, employer_ratio=ratio, employee_ratio=ratio)
    _tell(account, "缴存基数调整", f"您的缴存基数调整为{base:,.2f}元，缴存比例{ratio * 100:.0f}%。")
    return account


def validate_openings(*, rows: list[dict]) -> list[dict]:
    """变更清册 · 开户 list: every row checked (ID, duplicates, phone, base, month) before any account exists."""
    policy = current_policy()
    existing = set(
        PersonalAccount.objects.filter(id_number__in=[r["身份证号"].upper() for r in rows]).values_list(
            "id_number", flat=True
        )
    )
    errors, valid, seen = [], [], set()
    for number, row in ((r.get("_row", n), r) for n, r in enumerate(rows, start=2)):
        id_number = row["身份证号"].upper()
        if not row["姓名"]:
            errors.append(RowError(number, "姓名", "请填写姓名。"))
        if problem := id_number_problem(id_number):
            errors.append(RowError(number, "身份证号", problem))
        elif id_number in existing:
            errors.append(RowError(number, "身份证号", "该身份证号已有个人账户，不能重复开户。"))
        elif id_number in seen:
            errors.append(RowError(number, "身份证号", "同一身份证号在清册中出现了两次。"))
        seen.add(id_number)
        if not (len(row["手机号"]) == 11 and row["手机号"].isdigit() and row["手机号"].startswith("1")):
            errors.append(RowError(number, "手机号", "请填写11位手机号。"))
        base = _money(row["缴存基数"])
        if base is None or not policy.base_floor <= base <= policy.base_cap:
            errors.append(
                RowError(number, "缴存基数", f"须在{policy.base_floor:,.2f}元至{policy.base_cap:,.2f}元之间。")
            )
        try:
            start = month_start(row["起缴年月"])
        except (ValueError, IndexError):
            errors.append(RowError(number, "起缴年月", "请按“年-月”填写，例如 2026-03。"))
            start = None
        if not errors or errors[-1].row != number:
            valid.append(
                {"name": row["姓名"], "id_number": id_number, "phone": row["手机号"], "base": base, "start": start}
            )
    if errors:
        raise ListRejected(errors)
    return valid


@transaction.atomic
def accounts_open_list(*, employer: Employer, rows: list[dict]) -> list[PersonalAccount]:
    """All the new employees of a list, or none of them."""
    return [account_open(employer=employer, **row) for row in rows]
