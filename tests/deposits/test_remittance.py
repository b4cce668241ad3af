import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from deposits import remittance
from deposits.models import AccountChange, AccountStatus, EntryKind, LedgerEntry, PersonalAccount, RemittanceBatch
from deposits.selectors import accounts_out_of_balance
from deposits.services import account_close, account_lock
from gjj_portal.errors import InvalidTransition
from messages_center.models import Message
from tests.factories import EmployerFactory, work_after_commit

PERIOD = timezone.localdate().strftime("%Y-%m")


def csv_file(rows, headers=remittance.MONTHLY_HEADERS):
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def monthly_rows(staff):
    return [[a.grzh, a.name, "1440.00"] for a in staff]  # 6,000 × (12% + 12%)


def test_posting_the_month_writes_one_entry_per_employee_and_tells_them(unit, django_capture_on_commit_callbacks):
    employer, staff, user = unit
    rows = remittance.validate_monthly(
        employer=employer,
        period=PERIOD,
        rows=remittance.read_table("m.csv", csv_file(monthly_rows(staff)), remittance.MONTHLY_HEADERS),
    )
    with django_capture_on_commit_callbacks() as callbacks:
        batch = remittance.remittance_post(employer=employer, period=PERIOD, rows=rows, user=user)
    assert batch.rows == 3 and batch.total == Decimal("4320.00")
    # The notices go after the commit, through the worker; here the task's body runs in place.
    assert [c.func.__name__ for c in work_after_commit(callbacks)] == ["_notify_later"]
    assert not Message.objects.filter(title="汇缴到账").exists()
    assert remittance.remittance_notify(batch_id=batch.pk) == 3
    assert remittance.remittance_notify(batch_id=batch.pk) == 0  # a redelivered task tells no one twice
    for account in staff:
        entry = LedgerEntry.objects.get(account=account, kind=EntryKind.REMITTANCE)
        assert entry.amount == Decimal("1440.00") and entry.period == PERIOD and entry.kind_code == "01"
        assert Message.objects.filter(recipient=account.user, title="汇缴到账").exists()
    assert not accounts_out_of_balance().exists()


def test_a_month_cannot_be_posted_twice(unit):
    employer, staff, user = unit
    remittance.remittance_post(
        employer=employer, period=PERIOD, rows=remittance.monthly_list(employer=employer, period=PERIOD)
    )
    with pytest.raises(remittance.EmployerError, match="不能重复申报"):
        remittance.remittance_post(
            employer=employer, period=PERIOD, rows=remittance.monthly_list(employer=employer, period=PERIOD)
        )
    assert LedgerEntry.objects.filter(kind=EntryKind.REMITTANCE).count() == 3
    assert RemittanceBatch.objects.count() == 1


def test_one_bad_row_posts_nothing_and_every_bad_row_is_reported(unit):
    employer, staff, _ = unit
    rows = monthly_rows(staff)
    rows[1][2] = "1440.01"
    rows[2][1] = "不是他"
    rows.append(["999999999999", "谁", "100"])
    table = remittance.read_table("m.csv", csv_file(rows), remittance.MONTHLY_HEADERS)
    with pytest.raises(remittance.ListRejected) as exc:
        remittance.validate_monthly(employer=employer, period=PERIOD, rows=table)
    report = [(e.row, e.field) for e in exc.value.errors]
    assert report == [(3, "月缴存额"), (4, "姓名"), (5, "个人账号")]
    assert "应为1440.00元" in exc.value.errors[0].reason
    assert not LedgerEntry.objects.filter(kind=EntryKind.REMITTANCE).exists()


def test_a_missing_column_or_a_bad_file_is_rejected(unit):
    employer, _, _ = unit
    with pytest.raises(remittance.ListRejected, match="1处错误") as exc:
        remittance.read_table("m.csv", "个人账号,姓名\n1,2\n".encode(), remittance.MONTHLY_HEADERS)
    assert "缺少列：月缴存额" in exc.value.errors[0].reason
    with pytest.raises(remittance.ListRejected):
        remittance.read_table("m.xlsx", b"not a spreadsheet", remittance.MONTHLY_HEADERS)


def test_an_xlsx_list_is_read_too(unit, tmp_path):
    employer, staff, _ = unit
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(remittance.MONTHLY_HEADERS)
    for row in monthly_rows(staff):
        sheet.append([row[0], row[1], float(row[2])])
    path = tmp_path / "m.xlsx"
    book.save(path)
    rows = remittance.validate_monthly(
        employer=employer,
        period=PERIOD,
        rows=remittance.read_table("m.xlsx", path.read_bytes(), remittance.MONTHLY_HEADERS),
    )
    assert len(rows) == 3


def test_supplementary_months_post_once(unit):
    employer, staff, _ = unit
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    rows = [{"个人账号": staff[0].grzh, "姓名": staff[0].name, "补缴年月": month, "补缴金额": "1440.00"}]
    valid = remittance.validate_supplementary(employer=employer, rows=rows, today=timezone.localdate())
    remittance.supplementary_post(employer=employer, rows=valid)
    entry = LedgerEntry.objects.get(account=staff[0], kind=EntryKind.SUPPLEMENTARY)
    assert entry.period == month and entry.kind_code == "02"
    with pytest.raises(remittance.ListRejected) as exc:
        remittance.validate_supplementary(employer=employer, rows=rows, today=timezone.localdate())
    assert "已缴存，不能重复补缴" in exc.value.errors[0].reason
    future = [{**rows[0], "补缴年月": PERIOD}]
    with pytest.raises(remittance.ListRejected) as exc:
        remittance.validate_supplementary(employer=employer, rows=future, today=timezone.localdate())
    assert "本月之前" in exc.value.errors[0].reason


def test_open_seal_unseal_and_adjust(unit):
    employer, staff, _ = unit
    from gjj_portal.identity import id_check_digit

    body = "21010219950505123"
    account = remittance.account_open(
        employer=employer,
        name="新员工",
        id_number=body + id_check_digit(body),
        phone="13700000001",
        base=Decimal("5000"),
        start=timezone.localdate(),
    )
    assert account.status == AccountStatus.NORMAL and account.balance == 0
    assert LedgerEntry.objects.get(account=account).kind_code == "03"
    with pytest.raises(remittance.EmployerError, match="已有个人账户"):
        remittance.account_open(
            employer=employer,
            name="新员工",
            id_number=account.id_number,
            phone="13700000001",
            base=Decimal("5000"),
            start=timezone.localdate(),
        )
    with pytest.raises(remittance.EmployerError, match="缴存基数须在"):
        remittance.account_open(
            employer=employer,
            name="甲",
            id_number="11010119900307123" + id_check_digit("11010119900307123"),
            phone="13700000002",
            base=Decimal("100"),
            start=timezone.localdate(),
        )
    remittance.account_seal(employer=employer, account_id=staff[0].pk, reason="left_job")
    staff[0].refresh_from_db()
    assert staff[0].status == AccountStatus.SEALED and staff[0].seal_reason == "left_job"
    with pytest.raises(remittance.EmployerError, match="不能封存"):
        remittance.account_seal(employer=employer, account_id=staff[0].pk, reason="left_job")
    remittance.account_unseal(employer=employer, account_id=staff[0].pk)
    remittance.account_seal(employer=employer, account_id=staff[0].pk, reason="left_job")  # again, the same day
    remittance.account_unseal(employer=employer, account_id=staff[0].pk)
    staff[0].refresh_from_db()
    assert staff[0].status == AccountStatus.NORMAL
    kinds = list(LedgerEntry.objects.filter(account=staff[0]).values_list("kind", flat=True))
    assert "sealing" in kinds and "unsealing" in kinds
    remittance.account_adjust(employer=employer, account_id=staff[1].pk, base=Decimal("7000"), ratio=Decimal("0.10"))
    staff[1].refresh_from_db()
    assert staff[1].base == Decimal("7000") and staff[1].employee_ratio == Decimal("0.10")
    with pytest.raises(remittance.EmployerError, match="每年只能调整一次"):
        remittance.account_adjust(
            employer=employer, account_id=staff[1].pk, base=Decimal("8000"), ratio=Decimal("0.10")
        )
    with pytest.raises(remittance.EmployerError, match="5%至12%"):
        remittance.account_adjust(
            employer=employer, account_id=staff[2].pk, base=Decimal("8000"), ratio=Decimal("0.13")
        )
    other = EmployerFactory()
    with pytest.raises(remittance.EmployerError, match="不属于本单位"):
        remittance.account_seal(employer=other, account_id=staff[2].pk, reason="left_job")


def test_the_pages_post_the_month_and_report_bad_rows(client, unit):
    employer, staff, user = unit
    client.force_login(user)
    bad = csv_file([[staff[0].grzh, staff[0].name, "1"]])
    response = client.post(reverse("unit:monthly"), {"action": "upload", "file": _named(bad, "m.csv")})
    assert "第2行" in response.content.decode() and not RemittanceBatch.objects.exists()
    confirm = client.post(reverse("unit:monthly"), {"action": "computed"})
    assert not RemittanceBatch.objects.exists(), "the confirmation page records nothing"
    client.post(reverse("unit:confirm"), {"token": confirm.url.split("token=")[1]})
    assert RemittanceBatch.objects.get().rows == 3
    page = client.get(reverse("unit:monthly")).content.decode()
    assert "已申报，待到账" in page


def _named(content, name):
    f = io.BytesIO(content)
    f.name = name
    return f


def test_import_remittance_command_posts_ten_thousand_rows(policy, tmp_path, capsys):
    employer = EmployerFactory()
    PersonalAccount.objects.bulk_create(
        PersonalAccount(
            grzh=f"3{n:011d}",
            name=f"职工{n}",
            id_number=f"T{n:017d}",
            phone="13800000000",
            employer=employer,
            base=Decimal("5000.00"),
            opened_on=date(2020, 1, 1),
        )
        for n in range(10_000)
    )
    path = tmp_path / "big.csv"
    path.write_bytes(csv_file([[f"3{n:011d}", f"职工{n}", "1200.00"] for n in range(10_000)]))
    call_command("import_remittance", str(path), "--employer", employer.dwzh, "--period", PERIOD)
    assert "posted 10000 rows, total 12,000,000.00" in capsys.readouterr().out
    assert LedgerEntry.objects.filter(kind=EntryKind.REMITTANCE, account__employer=employer).count() == 10_000
    assert not accounts_out_of_balance().exists()
    with pytest.raises(CommandError, match="不能重复申报"):
        call_command("import_remittance", str(path), "--employer", employer.dwzh, "--period", PERIOD)


def test_an_opening_list_opens_everyone_or_no_one(client, unit):
    from gjj_portal.identity import id_check_digit

    employer, staff, user = unit
    good = [
        [f"员工{n}", f"21010219980101{n}02" + id_check_digit(f"21010219980101{n}02"), "13700000001", "5000", PERIOD]
        for n in range(1, 4)
    ]
    bad = good + [
        ["重复", good[0][1], "13700000002", "5000", PERIOD],
        ["基数", "11010119900307123X", "1", "10", "2026-13"],
    ]
    client.force_login(user)
    page = client.post(reverse("unit:changes"), {"file": _named(csv_file(bad, remittance.OPENING_HEADERS), "o.csv")})
    text = page.content.decode()
    for fragment in ("第5行", "同一身份证号在清册中出现了两次", "第6行", "须在", "请填写11位手机号"):
        assert fragment in text, fragment
    assert PersonalAccount.objects.filter(employer=employer).count() == 3  # nobody was opened
    client.post(reverse("unit:changes"), {"file": _named(csv_file(good, remittance.OPENING_HEADERS), "o.csv")})
    assert PersonalAccount.objects.filter(employer=employer).count() == 6


def test_a_posted_list_whose_notices_were_lost_is_swept(unit, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from deposits import tasks

    employer, staff, user = unit
    rows = remittance.monthly_list(employer=employer, period=PERIOD)
    batch = remittance.remittance_post(employer=employer, period=PERIOD, rows=rows, user=user)  # its message lost
    sent = []
    monkeypatch.setattr(tasks.remittance_notify_task, "delay", sent.append)
    assert remittance.remittance_notify_sweep() == []  # not yet: the worker may still be on it
    assert remittance.remittance_notify_sweep(now=timezone.now() + timedelta(minutes=2)) == [batch.pk] == sent
    remittance.remittance_notify(batch_id=batch.pk)
    assert remittance.remittance_notify_sweep(now=timezone.now() + timedelta(minutes=2)) == []


def test_employer_seal_and_unseal_leave_rows_and_a_wrong_move_changes_nothing(unit):
    employer, staff, _ = unit
    account = staff[0]
    remittance.account_seal(employer=employer, account_id=account.pk, reason="left_job")
    remittance.account_unseal(employer=employer, account_id=account.pk)
    assert [(r.from_status, r.to_status) for r in AccountChange.objects.filter(account=account).order_by("id")] == [
        ("normal", "sealed"),
        ("sealed", "normal"),
    ]

    with pytest.raises(InvalidTransition, match="正常.*提取销户|提取销户"), transaction.atomic():
        locked = account_lock(account_id=account.pk)
        account_close(account=locked, reason="试验")
        account_close(account=locked, reason="第二次销户")  # withdrawn → withdrawn is not a move
    account.refresh_from_db()
    assert account.status == AccountStatus.NORMAL
    assert AccountChange.objects.filter(account=account).count() == 2  # the refused pair rolled back whole
