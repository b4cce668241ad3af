import csv
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from deposits.models import EntryKind, LedgerEntry, PersonalAccount
from withdrawals.models import Payout, Status
from withdrawals.review import payout_release, withdrawal_approve
from withdrawals.tasks import payout_send

from .helpers import submitted_rent


@pytest.fixture
def batch(settings, tmp_path):
    settings.GJJ_BANK_GATEWAY = "batch"
    settings.GJJ_BANK_FILE_DIR = tmp_path
    return tmp_path


@pytest.fixture
def released(batch, depositor, other_depositor, reviewer, releaser):
    apps = [submitted_rent(depositor), submitted_rent(other_depositor, amount=Decimal("1000.00"))]
    for a in apps:
        withdrawal_approve(application_id=a.pk, reviewer=reviewer)
        payout_release(application_id=a.pk, releaser=releaser)
        assert payout_send.run(a.payout.pk) == Payout.State.PENDING  # offline: waits for the file
    return apps


def write_return(path, rows):
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(["流水号", "结果", "银行流水号", "失败原因"])
        w.writerows(rows)
    return path


def test_export_writes_each_transfer_once_and_the_return_file_settles_them(released, batch, depositor, capsys):
    today = timezone.localdate().isoformat()
    call_command("export_payouts", "--date", today)
    call_command("export_payouts", "--date", today)
    out = capsys.readouterr().out
    assert "exported 2 payouts" in out and "no released payouts to export" in out
    [file] = batch.glob("gjj-payouts-*.csv")
    with file.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [r["金额"] for r in rows] == ["3600.00", "1000.00"] and rows[0]["收款银行"] == "建设银行"
    assert rows[0]["用途"] == "公积金租房提取" and rows[0]["提取原因"] == "07"  # the national TQYY code
    first, second = (Payout.objects.get(application=a) for a in released)
    assert first.status == Payout.State.SENDING and first.batch_file == file.name
    ret = write_return(
        batch / "return.csv",
        [[first.idempotency_key, "成功", "B001", ""], [second.idempotency_key, "失败", "", "户名与卡号不符"]],
    )
    call_command("import_bank_return", str(ret))
    call_command("import_bank_return", str(ret))  # the same file twice changes nothing more
    out = capsys.readouterr().out
    assert "paid 1, failed 1, already done 0" in out and "paid 0, failed 0, already done 2" in out
    first.refresh_from_db()
    assert first.status == Payout.State.PAID and first.application.status == Status.PAID
    assert first.bank_reference == "B001"
    other = PersonalAccount.objects.get(pk=second.application.account_id)
    assert LedgerEntry.objects.get(account=other, kind=EntryKind.WITHDRAWAL_REVERSAL).amount == Decimal("1000.00")


def test_a_lost_file_is_written_again_without_claiming_anything(released, batch):
    call_command("export_payouts", "--date", timezone.localdate().isoformat())
    [file] = batch.glob("gjj-payouts-*.csv")
    content = file.read_bytes()
    file.unlink()
    call_command("export_payouts", "--date", timezone.localdate().isoformat(), "--again", file.name)
    assert file.read_bytes() == content


def test_a_malformed_return_file_changes_nothing_and_says_which_rows(released, batch):
    call_command("export_payouts", "--date", timezone.localdate().isoformat())
    first = Payout.objects.get(application=released[0])
    ret = write_return(
        batch / "bad.csv",
        [
            [first.idempotency_key, "成功", "B1", ""],
            ["not-a-key", "好", "", ""],
            [first.idempotency_key, "失败", "", ""],
        ],
    )
    with pytest.raises(CommandError) as exc:
        call_command("import_bank_return", str(ret))
    message = str(exc.value)
    assert "第3行：流水号“not-a-key”格式不正确" in message and "第3行：结果须为" in message
    assert "第4行：失败的付款须写明失败原因" in message
    first.refresh_from_db()
    assert first.status == Payout.State.SENDING


def test_unknown_keys_are_reported(released, batch, capsys):
    ret = write_return(batch / "r.csv", [["3f2504e0-4f89-11d3-9a0c-0305e82c3301", "成功", "X", ""]])
    call_command("import_bank_return", str(ret))
    assert "UNKNOWN 3f2504e0-4f89-11d3-9a0c-0305e82c3301" in capsys.readouterr().out
