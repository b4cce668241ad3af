"""The batch-file link with the bank: `export_payouts` writes the day's transfers (claiming them, so a
transfer is in one file only); `import_bank_return` reads the bank's answers. A file's content comes
from the database alone, so a lost file is written again with `--again NAME`, never re-claimed."""

import csv
import os
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction

from deposits.spreadsheets import formula_safe
from gjj_portal.errors import DomainError

from .models import Payout
from .payouts import _payouts_claim, payout_complete, payout_fail

# 提取原因 is the national TQYY code of the withdrawal (贯标), beside the 用途 a person reads.
HEADER = ["流水号", "收款人", "收款银行", "银行卡号码", "金额", "用途", "提取原因"]
RETURN_HEADER = ["流水号", "结果", "银行流水号", "失败原因"]
OK, FAILED = "成功", "失败"


class BankFileError(DomainError):
    """The return file is malformed: nothing was applied."""


def _write(path: Path, payouts) -> None:
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8-sig") as f:  # the BOM lets the bank's Excel read Chinese
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for p in payouts:
            cells = [
                p.idempotency_key,
                p.payee_name,
                p.bank,
                p.card_number,
                f"{p.amount:.2f}",
                f"公积金{p.application.get_kind_display()}",
                p.application.reason_code,
            ]
            writer.writerow([formula_safe(c) for c in cells])  # nothing in it runs in the bank's Excel
    os.replace(tmp, path)  # the bank's pickup never sees half a file


def payouts_export(*, day: date, directory: Path) -> tuple[Path | None, int]:
    """Claim every released payout up to `day` into one new file. Running it again exports nothing twice."""
    directory.mkdir(parents=True, exist_ok=True)
    name = f"gjj-payouts-{day:%Y%m%d}-{uuid.uuid4().hex[:8]}.csv"
    with transaction.atomic():
        released = Payout.objects.filter(status=Payout.State.PENDING, released_at__date__lte=day)
        # Claimed under the locks, state re-checked there: a payout another export took is not in this file.
        claimed = _payouts_claim(payout_ids=list(released.values_list("pk", flat=True)), batch_file=name)
        if not claimed:
            return None, 0
        batch = list(Payout.objects.filter(batch_file=name).select_related("application").order_by("pk"))
        _write(directory / name, batch)
    return directory / name, len(batch)


def payouts_export_again(*, name: str, directory: Path) -> tuple[Path, int]:
    batch = list(Payout.objects.filter(batch_file=name).select_related("application").order_by("pk"))
    if not batch:
        raise BankFileError(f"没有属于付款文件 {name} 的付款。")
    _write(directory / name, batch)
    return directory / name, len(batch)


@dataclass
class ReturnRun:
    paid: int = 0
    failed: int = 0
    already: int = 0
    unknown: list[str] = field(default_factory=list)


def _parse(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    if not rows or [c.strip() for c in rows[0]] != RETURN_HEADER:
        raise BankFileError(f"第1行：表头须为 {','.join(RETURN_HEADER)}。")
    parsed, problems = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(RETURN_HEADER):
            problems.append(f"第{number}行：应有{len(RETURN_HEADER)}列，实有{len(row)}列。")
            continue
        key, result, reference, reason = (c.strip() for c in row)
        try:
            uuid.UUID(key)
        except ValueError:
            problems.append(f"第{number}行：流水号“{key}”格式不正确。")
        if result not in (OK, FAILED):
            problems.append(f"第{number}行：结果须为“成功”或“失败”。")
        if result == FAILED and not reason:
            problems.append(f"第{number}行：失败的付款须写明失败原因。")
        parsed.append({"key": key, "ok": result == OK, "reference": reference, "reason": reason})
    if problems:
        raise BankFileError("\n".join(problems))
    return parsed


def bank_return_import(*, path: Path) -> ReturnRun:
    """Apply the bank's answers; every row is checked first and a malformed file changes nothing.
    Importing the same file again changes nothing either."""
    run = ReturnRun()
    for row in _parse(path):
        payout = Payout.objects.filter(idempotency_key=row["key"]).first()
        if payout is None:
            run.unknown.append(row["key"])
        elif payout.status != Payout.State.SENDING:
            run.already += 1
        elif row["ok"]:
            payout_complete(payout_id=payout.pk, reference=row["reference"])
            run.paid += 1
        else:
            payout_fail(payout_id=payout.pk, reason=row["reason"])
            run.failed += 1
    return run
