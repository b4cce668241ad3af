"""归集: the employer's money, from the bank's word to the persons' accounts, never stranded.

At 申报 a list gets a 缴款识别码 (`payment_code_for`), the center's 归集 account from the policy and a
deadline (the employer's 缴存日): the 缴款通知书. The bank's statement of credits on the 归集 account is
imported (`credits_import`: `manage.py import_bank_credits` or admin's upload), each bank serial number
once; a credit is matched to a list by the code in its 附言:

- the list's money complete → 到账 → 入账 (`remittance.remittance_post_lines`): lines that can no longer post
  (an account closed since 申报 …) go to the employer's 单位暂存款 with their reason, the rest post;
- short → the list waits, the shortfall shown to the employer; a later credit completes it;
- more than owed, or a list already posted → the excess to 单位暂存款;
- no code, or a code no list has → 未识别, a queue for staff.

Staff confirming 到账 by hand stays possible as the recorded exception (`credit_record_manual`).

The invariant `reconcile` checks, per employer: credits = lines posted + 单位暂存款 + money waiting on lists
not yet complete + refunds."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from gjj_portal.errors import DomainError
from policy.center import center_seal_png, current_policy

from .models import BankCredit, Employer, RemittanceBatch, RemittanceLine, SuspenseEntry

CODE = re.compile(r"JK\d{10}")
STATEMENT_HEADERS = ["银行流水号", "到账日期", "金额", "付款人户名", "付款人账号", "附言"]


# Damm's quasigroup of order 10: one check digit that catches every mistyped digit and every swap of two
# neighbouring digits (a weighted mod-11 digit mapped to 0-9 let a 9 typed as 0 through when the sum was 10).
_DAMM = (
    "0317598642",
    "7092154863",
    "4206871359",
    "1750983426",
    "6123045978",
    "3674209581",
    "5869720134",
    "8945362017",
    "9438617205",
    "2581436790",
)


def _check_digit(digits: str) -> str:
    interim = 0
    for digit in digits:
        interim = int(_DAMM[interim][int(digit)])
    return str(interim)


def payment_code_for(batch_pk: int) -> str:
    """缴款识别码: JK + the list's number (9 digits) + a check digit; 12 characters an employer types."""
    digits = f"{batch_pk:09d}"
    return f"JK{digits}{_check_digit(digits)}"


def payment_code_valid(code: str) -> bool:
    return bool(CODE.fullmatch(code)) and _check_digit(code[2:11]) == code[11]


def due_date(employer: Employer, on: date) -> date:
    """The employer's 缴存日 this month, or next month's once it has passed."""
    day = min(employer.contribution_day or 15, 28)
    if on.day <= day:
        return on.replace(day=day)
    year, month = (on.year + 1, 1) if on.month == 12 else (on.year, on.month + 1)
    return date(year, month, day)


@dataclass(frozen=True)
class Instructions:
    """缴款通知书: where and how to pay a list."""

    bank: str
    account_name: str
    account_no: str
    code: str
    owed: Decimal
    due_on: date | None


def payment_instructions(batch: RemittanceBatch) -> Instructions:
    policy = current_policy()
    return Instructions(
        bank=policy.collection_bank,
        account_name=policy.collection_account_name,
        account_no=policy.collection_account_no,
        code=batch.payment_code or "",
        owed=max(batch.total - batch.received, Decimal("0")),
        due_on=batch.due_on,
    )


def payment_notice_pdf(batch: RemittanceBatch) -> bytes:
    """缴款通知书: the employer, the list, where to pay, the 缴款识别码 to write in 附言, what is owed, by when."""
    from gjj_portal.pdf import IssuedPdf

    policy, pay = current_policy(), payment_instructions(batch)
    doc = IssuedPdf(title="住房公积金缴款通知书", pdf_title=f"缴款通知书 {pay.code}")
    doc.table(
        [
            ("缴存单位", f"{batch.employer.name}（单位账号 {batch.employer.dwzh}）"),
            (
                "清册",
                f"{batch.get_kind_display()} {batch.period}".strip() + f"，{batch.rows}人，合计{batch.total:,.2f}元",
            ),
            ("收款银行", pay.bank),
            ("收款户名", pay.account_name),
            ("收款账号", pay.account_no),
            ("缴款识别码", pay.code),
            ("应缴金额", f"{pay.owed:,.2f} 元"),
            ("缴款期限", f"{pay.due_on:%Y年%m月%d日} 前" if pay.due_on else "-"),
        ]
    )
    doc.text("转账时请在附言（用途）栏填写缴款识别码，银行到账后自动匹配入账。", size=11)
    doc.text(f"咨询电话：{policy.hotline}", size=11)
    return doc.close(
        center_name=policy.center_name, issued_on=f"{timezone.localdate():%Y-%m-%d}", seal_png=center_seal_png()
    )


def suspense_add(*, employer: Employer, kind: str, amount: Decimal, reason: str, reference: str, batch=None,
                 line_id=None, credit=None) -> SuspenseEntry:  # fmt: skip
    """One 单位暂存款 entry (signed: money in > 0), the employer's row locked by the caller's transaction."""
    locked = Employer.objects.select_for_update().get(pk=employer.pk)
    balance = locked.suspense_balance + amount
    if balance < 0:
        raise DomainError(f"单位暂存款余额不足：余额{locked.suspense_balance}元。")
    entry = SuspenseEntry.objects.create(
        employer=locked, kind=kind, amount=amount, balance_after=balance, reason=reason[:200], reference=reference,
        batch=batch, line_id=line_id, credit=credit,
    )  # fmt: skip
    Employer.objects.filter(pk=locked.pk).update(suspense_balance=balance)
    employer.suspense_balance = balance
    return entry


def credit_record_manual(*, batch: RemittanceBatch, actor, reference: str) -> BankCredit | None:
    """Staff confirmed 到账 by hand: what the list still lacked is recorded as a credit in that person's
    name (the exception, listed as such), so money in is still accounted for."""
    owed = batch.total - batch.received
    if owed <= 0:
        return None
    credit = BankCredit.objects.create(
        bank_ref=f"MANUAL-{batch.pk}",
        amount=owed,
        value_date=timezone.localdate(),
        memo=(f"{batch.payment_code or ''} {reference}").strip()[:200],
        status=BankCredit.Status.MATCHED,
        batch=batch,
        employer_id=batch.employer_id,
        source="人工确认到账（例外）",
        note=reference[:200],
        actor=actor,
    )
    batch.received = batch.total
    batch.save(update_fields=["received"])
    return credit


@dataclass
class StatementRow:
    bank_ref: str
    value_date: date
    amount: Decimal
    payer_name: str = ""
    payer_account: str = ""
    memo: str = ""


@dataclass
class ImportResult:
    new: int = 0
    repeated: int = 0
    by_status: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)  # (row, reason) of rows refused as unreadable

    def summary(self) -> str:
        parts = [f"新来款{self.new}笔", f"已导入过{self.repeated}笔"]
        parts += [f"{BankCredit.Status(k).label}{v}笔" for k, v in sorted(self.by_status.items())]
        if self.problems:
            parts.append(f"无法读取{len(self.problems)}行")
        return "，".join(parts)


def statement_rows(table: list[dict]) -> tuple[list[StatementRow], list[tuple[int, str]]]:
    """The bank's statement (银行流水号, 到账日期, 金额, 付款人户名, 付款人账号, 附言) as rows; unreadable rows
    are reported by their row number and skipped (the others still import)."""
    rows, problems = [], []
    for record in table:
        number = record.get("_row", 0)
        ref = (record.get("银行流水号") or "").strip()
        try:
            amount = Decimal((record.get("金额") or "").replace(",", ""))
            day = date.fromisoformat((record.get("到账日期") or "").strip()[:10])
        except (InvalidOperation, ValueError):
            problems.append((number, "到账日期或金额无法识别"))
            continue
        if not ref or len(ref) > 40:
            problems.append((number, "银行流水号为空或过长"))
        elif not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            problems.append((number, "金额应为大于0、最多两位小数的数字"))
        elif not 1900 <= day.year <= 2100:
            problems.append((number, "到账日期无效"))
        else:
            payer, payer_account = (record.get("付款人户名") or "")[:100], (record.get("付款人账号") or "")[:40]
            rows.append(StatementRow(ref, day, amount, payer, payer_account, (record.get("附言") or "")[:200]))
    return rows, problems


def credits_import(*, rows: list[StatementRow], source: str, actor=None) -> ImportResult:
    """Each credit of the statement once (its bank serial number is unique), matched as it is recorded,
    each in its own transaction: a file imported twice, or by two clerks at once, posts once."""
    result = ImportResult()
    for row in rows:
        try:
            with transaction.atomic():
                credit = BankCredit.objects.create(
                    bank_ref=row.bank_ref, amount=row.amount, value_date=row.value_date, payer_name=row.payer_name,
                    payer_account=row.payer_account, memo=row.memo, status=BankCredit.Status.UNMATCHED,
                    source=source[:100], actor=actor,
                )  # fmt: skip
                credit_match(credit=credit, actor=actor)
        except IntegrityError:
            result.repeated += 1  # this serial number was imported before (or at this moment by another)
            continue
        result.new += 1
        result.by_status[credit.status] = result.by_status.get(credit.status, 0) + 1
    return result


def credit_match(*, credit: BankCredit, actor=None, code: str | None = None) -> BankCredit:
    """Match one recorded credit to its list by the 缴款识别码 in its 附言, or by the one staff give
    (inside the caller's transaction)."""
    from .remittance import remittance_post_lines

    if code is None:
        found = CODE.search(re.sub(r"\s+", "", credit.memo).upper())
        code = found.group() if found and payment_code_valid(found.group()) else None
    batch = RemittanceBatch.objects.select_for_update().filter(payment_code=code).first() if code else None
    if batch is None:
        credit.status, credit.note = (
            BankCredit.Status.UNMATCHED,
            "附言中没有有效的缴款识别码" if not code else f"{code}无对应清册",
        )
        credit.save(update_fields=["status", "note"])
        return credit
    employer = Employer.objects.select_for_update().get(pk=batch.employer_id)  # LOCK ORDER: list, employer
    batch.employer = employer
    credit.batch, credit.employer = batch, employer
    if batch.status != RemittanceBatch.Status.DECLARED:
        suspense_add(employer=employer, kind=SuspenseEntry.Kind.REPEAT, amount=credit.amount, credit=credit,
                     reason=f"清册{code}已{batch.get_status_display()}，来款{credit.amount}元转单位暂存款",
                     reference=credit.bank_ref, batch=batch)  # fmt: skip
        credit.status, credit.note = BankCredit.Status.SUSPENSE, "清册已入账，转单位暂存款"
        credit.save(update_fields=["status", "note", "batch", "employer"])
        return credit
    owed = batch.total - batch.received
    taken = min(owed, credit.amount)
    excess = credit.amount - taken
    batch.received += taken
    batch.save(update_fields=["received"])
    if excess > 0:
        suspense_add(employer=employer, kind=SuspenseEntry.Kind.OVERPAID, amount=excess, credit=credit,
                     reason=f"清册{code}应缴{batch.total}元，多缴{excess}元转单位暂存款",
                     reference=credit.bank_ref, batch=batch)  # fmt: skip
    if batch.received >= batch.total:
        remittance_post_lines(batch=batch, actor=actor, reference=credit.bank_ref)
        credit.status = BankCredit.Status.MATCHED
        credit.note = f"多缴{excess}元转单位暂存款" if excess > 0 else ""
    else:
        credit.status = BankCredit.Status.SHORT
        credit.note = f"清册应缴{batch.total}元，已到账{batch.received}元，还差{batch.total - batch.received}元"
    credit.save(update_fields=["status", "note", "batch", "employer"])
    return credit


@transaction.atomic
def credit_claim(*, credit_id: int, actor, reason: str, code: str = "", dwzh: str = "") -> BankCredit:
    """人工认领 an unmatched credit (the staff's queue): to the list whose 缴款识别码 staff found (the employer
    wrote it wrong), or to an employer's 单位暂存款 when the payer is known but no list is. Who and why is
    kept on the credit."""
    credit = BankCredit.objects.select_for_update().get(pk=credit_id)
    if credit.status != BankCredit.Status.UNMATCHED:
        raise DomainError("只有“未识别”的来款可以人工认领。")
    if not reason.strip():
        raise DomainError("请填写认领依据（如单位来电确认、付款回单）。")
    stamp = f"{timezone.localtime():%Y-%m-%d %H:%M} {actor}人工认领：{reason.strip()}"[:200]
    credit.actor = actor
    if code:
        code = code.strip().upper()
        batch = RemittanceBatch.objects.filter(payment_code=code).first() if payment_code_valid(code) else None
        if batch is None:
            raise DomainError(f"缴款识别码{code}无对应清册，请核对。")
        credit_match(credit=credit, actor=actor, code=code)
        credit.note = (stamp + (f"；{credit.note}" if credit.note else ""))[:200]
        credit.save(update_fields=["note", "actor"])
        return credit
    employer = Employer.objects.filter(dwzh=dwzh.strip()).first()
    if employer is None:
        raise DomainError("请填写缴款识别码或正确的单位账号。")
    suspense_add(employer=employer, kind=SuspenseEntry.Kind.CLAIMED, amount=credit.amount, credit=credit,
                 reason=f"未识别来款{credit.bank_ref}经人工认领转单位暂存款：{reason.strip()}"[:200],
                 reference=credit.bank_ref)  # fmt: skip
    credit.status, credit.employer, credit.note = BankCredit.Status.SUSPENSE, employer, stamp
    credit.save(update_fields=["status", "employer", "note", "actor"])
    return credit


@transaction.atomic
def suspense_apply(*, batch_id: int, employer: Employer, user=None) -> RemittanceBatch:
    """冲抵: the employer's 单位暂存款 pays what a declared list still owes (all of it, or what the balance
    covers); a list paid in full posts at once. LOCK ORDER: list, employer, accounts."""
    from .remittance import EmployerError, remittance_post_lines

    batch = RemittanceBatch.objects.select_for_update().filter(pk=batch_id, employer=employer).first()
    if batch is None or batch.status != RemittanceBatch.Status.DECLARED:
        raise EmployerError("只有“已申报，待到账”的清册可以用单位暂存款冲抵。")
    locked = Employer.objects.select_for_update().get(pk=employer.pk)
    owed = batch.total - batch.received
    amount = min(owed, locked.suspense_balance)
    if amount <= 0:
        raise EmployerError("单位暂存款余额为0，不能冲抵。")
    suspense_add(employer=locked, kind=SuspenseEntry.Kind.APPLIED, amount=-amount, batch=batch,
                 reason=f"冲抵清册{batch.payment_code}（{batch.get_kind_display()}{batch.period}）{amount}元",
                 reference=f"A{batch.pk}-{batch.received}")  # fmt: skip
    batch.received += amount
    batch.save(update_fields=["received"])
    batch.employer = locked
    if batch.received >= batch.total:
        remittance_post_lines(batch=batch, actor=user, reference=f"单位暂存款冲抵{amount}元")
    employer.suspense_balance = locked.suspense_balance
    return batch


@transaction.atomic
def remittance_cancel(*, batch_id: int, employer: Employer, user=None, reason: str = "") -> RemittanceBatch:
    """撤销申报 before 到账 (to declare a corrected list, or none): the list is kept, marked 已撤销申报 with
    who and why; money that had already arrived for it goes to 单位暂存款; a later credit for it too."""
    from .remittance import EmployerError, _batch_transition

    batch = RemittanceBatch.objects.select_for_update().filter(pk=batch_id, employer=employer).first()
    if batch is None or batch.status != RemittanceBatch.Status.DECLARED:
        raise EmployerError("只有“已申报，待到账”的清册可以撤销申报。")
    locked = Employer.objects.select_for_update().get(pk=employer.pk)
    if batch.received > 0:
        suspense_add(employer=locked, kind=SuspenseEntry.Kind.CANCELLED, amount=batch.received, batch=batch,
                     reason=f"清册{batch.payment_code}撤销申报，已到账{batch.received}元转单位暂存款",
                     reference=f"C{batch.pk}")  # fmt: skip
    _batch_transition(batch, RemittanceBatch.Status.CANCELLED, user, (reason or "单位撤销申报")[:200])
    batch.save(update_fields=["status"])
    employer.suspense_balance = locked.suspense_balance
    return batch


def remittance_mismatches() -> list[str]:
    """Per employer: money that arrived = lines posted + 单位暂存款 + money waiting on lists not yet complete
    + refunds. Part of `manage.py reconcile`."""
    credits = dict(
        BankCredit.objects.exclude(employer=None).values_list("employer").annotate(s=Sum("amount")).order_by()
    )
    posted = dict(
        RemittanceLine.objects.filter(outcome="posted")
        .values_list("batch__employer")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    waiting = dict(
        RemittanceBatch.objects.filter(status=RemittanceBatch.Status.DECLARED, received__gt=0)
        .values_list("employer").annotate(s=Sum("received")).order_by()
    )  # fmt: skip
    refunded = dict(  # money that left (or is leaving) to the employer's bank: refunds less those put back
        SuspenseEntry.objects.filter(kind__in=[SuspenseEntry.Kind.REFUND, SuspenseEntry.Kind.REFUND_BACK])
        .values_list("employer").annotate(s=Sum("amount")).order_by()
    )  # fmt: skip
    held = Employer.objects.filter(Q(suspense_balance__gt=0) | Q(pk__in=list(credits)))
    suspense = dict(held.values_list("pk", "suspense_balance"))
    entries = dict(SuspenseEntry.objects.values_list("employer").annotate(s=Sum("amount")).order_by())
    problems = []
    zero = Decimal("0")
    for employer_id in sorted(set(credits) | set(posted) | set(suspense) | set(waiting)):
        arrived = credits.get(employer_id, zero)
        accounted = (posted.get(employer_id, zero) + suspense.get(employer_id, zero) + waiting.get(employer_id, zero)
                     - refunded.get(employer_id, zero))  # fmt: skip
        if arrived != accounted:
            problems.append(f"employer {employer_id}: credits {arrived} != posted + suspense + waiting + refunded "
                            f"{accounted}")  # fmt: skip
        if suspense.get(employer_id, zero) != entries.get(employer_id, zero):
            problems.append(f"employer {employer_id}: 单位暂存款 {suspense.get(employer_id, zero)} != its entries "
                            f"{entries.get(employer_id, zero)}")  # fmt: skip
    return problems
