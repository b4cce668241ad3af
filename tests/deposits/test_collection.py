"""归集 from the bank's word: a list's 缴款识别码 on the bank's statement posts it; short, over, repeated,
unknown and stranded money is never lost, and reconcile proves money in = posted + 单位暂存款 + waiting."""

import io
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from deposits import collection, remittance
from deposits.collection import StatementRow, credits_import, payment_code_for, payment_code_valid
from deposits.models import BankCredit, Employer, EntryKind, LedgerEntry, RemittanceBatch, SuspenseEntry

from .test_remittance import PERIOD, csv_file

pytestmark = pytest.mark.django_db
TOTAL = Decimal("4320.00")  # three employees × 1,440.00


def declared(employer, user):
    rows = remittance.monthly_list(employer=employer, period=PERIOD)
    return remittance.remittance_declare(employer=employer, period=PERIOD, rows=rows, user=user)


def credit(ref, amount, memo, day="2026-12-03"):
    from datetime import date

    return StatementRow(ref, date.fromisoformat(day), Decimal(amount), "沈阳测试单位", "6222000011112222", memo)


def reconciled() -> str:
    out = io.StringIO()
    call_command("reconcile", stdout=out)
    return out.getvalue()


def test_the_payment_code_has_a_check_digit_and_every_list_gets_one_with_a_deadline(unit):
    employer, staff, user = unit
    batch = declared(employer, user)
    assert batch.payment_code == payment_code_for(batch.pk) and payment_code_valid(batch.payment_code)
    last = batch.payment_code[-1]
    assert not payment_code_valid(batch.payment_code[:-1] + str((int(last) + 1) % 10))
    assert batch.due_on.day == min(employer.contribution_day, 28)
    instructions = collection.payment_instructions(batch)
    assert instructions.account_no and instructions.bank and instructions.owed == TOTAL


@pytest.mark.parametrize("pk", [1, 9, 19, 109, 4321, 99999, 123456789, *range(1000, 1100)])
def test_every_mistyped_digit_and_every_swap_of_neighbours_is_refused(pk):
    """Codes a clerk reads off a notice: any one digit typed wrong, or two neighbours swapped, never names
    another list. (The old mod-11 digit mapped 10 to 0: about one list in five had a typo it let through,
    list 9's among them.)"""
    code = payment_code_for(pk)
    assert payment_code_valid(code)
    digits = code[2:]
    for i, digit in enumerate(digits):
        for wrong in set("0123456789") - {digit}:
            assert not payment_code_valid(f"JK{digits[:i]}{wrong}{digits[i + 1 :]}"), (code, i, wrong)
    for i in range(len(digits) - 1):
        if digits[i] != digits[i + 1]:
            swapped = f"JK{digits[:i]}{digits[i + 1]}{digits[i]}{digits[i + 2 :]}"
            assert not payment_code_valid(swapped), (code, i)


def test_the_banks_credit_with_the_code_posts_the_list_and_the_same_statement_twice_posts_once(unit):
    employer, staff, user = unit
    batch = declared(employer, user)
    rows = [credit("B0001", "4320.00", f"汇缴 {batch.payment_code} 12月")]
    first = credits_import(rows=rows, source="test")
    again = credits_import(rows=rows, source="test")
    batch.refresh_from_db()
    assert (first.new, first.by_status, again.new, again.repeated) == (1, {"matched": 1}, 0, 1)
    assert batch.status == RemittanceBatch.Status.POSTED and batch.funds_reference == "B0001"
    assert LedgerEntry.objects.filter(kind=EntryKind.REMITTANCE).count() == 3
    assert "no mismatch" in reconciled()


def test_short_payment_waits_and_the_next_credit_completes_it(unit):
    employer, staff, user = unit
    batch = declared(employer, user)
    credits_import(rows=[credit("B0002", "4000.00", batch.payment_code)], source="test")
    batch.refresh_from_db()
    short = BankCredit.objects.get(bank_ref="B0002")
    assert batch.status == RemittanceBatch.Status.DECLARED and batch.received == Decimal("4000.00")
    assert short.status == BankCredit.Status.SHORT and "还差320.00元" in short.note
    assert collection.payment_instructions(batch).owed == Decimal("320.00")
    assert not LedgerEntry.objects.filter(kind=EntryKind.REMITTANCE).exists()
    assert "no mismatch" in reconciled()  # the 4,000 waits on the list, accounted for
    credits_import(rows=[credit("B0003", "320.00", batch.payment_code)], source="test")
    batch.refresh_from_db()
    assert batch.status == RemittanceBatch.Status.POSTED
    assert LedgerEntry.objects.filter(kind=EntryKind.REMITTANCE).count() == 3
    assert "no mismatch" in reconciled()


def test_over_payment_and_a_payment_after_posting_go_to_the_employers_suspense(unit):
    employer, staff, user = unit
    batch = declared(employer, user)
    credits_import(rows=[credit("B0004", "5000.00", batch.payment_code)], source="test")
    credits_import(rows=[credit("B0005", "100.00", batch.payment_code)], source="test")  # paid again
    employer.refresh_from_db()
    assert employer.suspense_balance == Decimal("780.00")  # 680 over + 100 again
    kinds = sorted(SuspenseEntry.objects.values_list("kind", "amount"))
    assert kinds == [("overpaid", Decimal("680.00")), ("repeat", Decimal("100.00"))]
    assert BankCredit.objects.get(bank_ref="B0005").status == BankCredit.Status.SUSPENSE
    assert "no mismatch" in reconciled()


def test_a_credit_without_a_valid_code_is_unmatched_for_staff(unit):
    employer, staff, user = unit
    batch = declared(employer, user)
    typo = batch.payment_code[:-1] + str((int(batch.payment_code[-1]) + 1) % 10)
    result = credits_import(rows=[credit("B0006", "4320.00", "12月公积金"), credit("B0007", "4320.00", typo)],
                            source="test")  # fmt: skip
    assert result.by_status == {"unmatched": 2}
    assert set(BankCredit.objects.values_list("note", flat=True)) == {"附言中没有有效的缴款识别码"}
    batch.refresh_from_db()
    assert batch.status == RemittanceBatch.Status.DECLARED and batch.received == 0
    assert "no mismatch" in reconciled()


def test_a_line_whose_account_closed_since_declaration_goes_to_suspense_and_the_rest_post(unit):
    """The stranded case: 申报, then one employee's 退休提取 closes his account, then the money arrives."""
    employer, staff, user = unit
    batch = declared(employer, user)
    type(staff[0]).objects.filter(pk=staff[0].pk).update(status="withdrawn")
    credits_import(rows=[credit("B0008", "4320.00", batch.payment_code)], source="test")
    batch.refresh_from_db()
    assert batch.status == RemittanceBatch.Status.POSTED
    assert LedgerEntry.objects.filter(kind=EntryKind.REMITTANCE).count() == 2
    [entry] = SuspenseEntry.objects.all()
    assert entry.kind == "stranded" and entry.amount == Decimal("1440.00") and "提取销户" in entry.reason
    assert Employer.objects.get(pk=employer.pk).suspense_balance == Decimal("1440.00")
    line = batch.lines.get(account=staff[0])
    assert line.outcome == "suspense" and "提取销户" in line.reason
    assert "no mismatch" in reconciled()


def test_staff_confirming_by_hand_is_recorded_as_a_credit_in_their_name(unit, django_user_model):
    employer, staff, user = unit
    finance = django_user_model.objects.create_user("finance9", password="x", is_staff=True)
    batch = declared(employer, user)
    remittance.remittance_fund(batch_id=batch.pk, actor=finance, reference="回单 7788")
    manual = BankCredit.objects.get()
    assert (manual.bank_ref, manual.amount, manual.actor, manual.source) == (
        f"MANUAL-{batch.pk}",
        TOTAL,
        finance,
        "人工确认到账（例外）",
    )
    assert "no mismatch" in reconciled()


def test_reconcile_fails_on_a_hand_made_mismatch(unit):
    employer, staff, user = unit
    batch = declared(employer, user)
    credits_import(rows=[credit("B0009", "5000.00", batch.payment_code)], source="test")
    Employer.objects.filter(pk=employer.pk).update(suspense_balance=Decimal("1.00"))  # by hand, no entry
    with pytest.raises(CommandError):
        reconciled()


def test_the_operator_command_reads_the_banks_file(unit, tmp_path):
    employer, staff, user = unit
    batch = declared(employer, user)
    rows = [["B0010", "2026-12-03", "4,320.00", "沈阳测试单位", "6222000011112222", f"公积金 {batch.payment_code}"],
            ["B0011", "2026-13-40", "1.00", "", "", ""]]  # fmt: skip
    path = tmp_path / "statement.csv"
    path.write_bytes(csv_file(rows, headers=collection.STATEMENT_HEADERS))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_bank_credits", str(path), stdout=out, stderr=err)
    assert "新来款1笔" in out.getvalue() and "已匹配入账1笔" in out.getvalue() and "第3行" in err.getvalue()
    assert RemittanceBatch.objects.get().status == RemittanceBatch.Status.POSTED


@pytest.mark.django_db(transaction=True)
def test_two_clerks_importing_the_same_statement_at_once_post_once(unit):
    employer, staff, user = unit
    batch = declared(employer, user)
    rows = [credit("B0012", "4320.00", batch.payment_code)]
    results = []

    def clerk():
        try:
            results.append(credits_import(rows=rows, source="test"))
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted((r.new, r.repeated) for r in results) == [(0, 1), (1, 0)]
    assert LedgerEntry.objects.filter(kind=EntryKind.REMITTANCE).count() == 3
    assert BankCredit.objects.count() == 1 and "no mismatch" in reconciled()


def test_the_employer_reads_the_notice_pays_short_and_sees_the_stranded_amount(
    client, unit, django_user_model, tmp_path
):
    import subprocess

    from django.urls import reverse

    from tests.factories import EmployerFactory

    from .test_remittance import _named, monthly_rows

    employer, staff, user = unit
    client.force_login(user)
    upload = client.post(
        reverse("unit:monthly"), {"action": "upload", "file": _named(csv_file(monthly_rows(staff)), "m.csv")}
    )
    token = upload.url.split("token=")[1]
    assert staff[0].grzh in client.get(upload.url).content.decode()  # the confirmation shows 个人账号
    declared_page = client.post(reverse("unit:confirm"), {"token": token}, follow=True)
    batch = RemittanceBatch.objects.get()
    page = declared_page.content.decode()
    policy_account = collection.payment_instructions(batch).account_no
    assert batch.payment_code in page and policy_account in page and "4,320.00" in page and "缴款期限" in page
    pdf = client.get(reverse("unit:batch_notice", args=[batch.public_id]))
    from urllib.parse import quote

    assert pdf["Content-Type"] == "application/pdf" and quote("缴款通知书") in pdf["Content-Disposition"]
    (tmp_path / "n.pdf").write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "n.pdf"), "-"], capture_output=True, text=True).stdout
    assert batch.payment_code in text and policy_account in text

    credits_import(rows=[credit("B0020", "1000.00", batch.payment_code)], source="test")
    page = client.get(reverse("unit:batch", args=[batch.public_id])).content.decode()
    assert "还差 3,320.00 元" in page and "金额不足" in page
    type(staff[2]).objects.filter(pk=staff[2].pk).update(status="withdrawn")
    credits_import(rows=[credit("B0021", "3320.00", batch.payment_code)], source="test")
    home = client.get(reverse("unit:home")).content.decode()
    assert "1,440.00" in home and "提取销户" in home and "清册明细未能入账" in home
    page = client.get(reverse("unit:batch", args=[batch.public_id])).content.decode()
    assert "转单位暂存款" in page and staff[2].grzh in page and "已入账" in page

    other = django_user_model.objects.create_user("unit7", password="x", role="unit", employer=EmployerFactory())
    client.force_login(other)
    assert client.get(reverse("unit:batch", args=[batch.public_id])).status_code == 404
    assert client.get(reverse("unit:batch_notice", args=[batch.public_id])).status_code == 404


def test_finance_imports_the_statement_in_admin_and_unmatched_credits_are_its_queue(client, unit, releaser):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    employer, staff, user = unit
    batch = declared(employer, user)
    rows = [["B0030", "2026-12-03", "4320.00", "单位", "6222", batch.payment_code],
            ["B0031", "2026-12-03", "99.00", "某人", "6228", "公积金"]]  # fmt: skip
    client.force_login(releaser)
    page = client.get(reverse("admin:deposits_bankcredit_changelist")).content.decode()
    assert "导入对账单并匹配清册" in page
    statement = SimpleUploadedFile("statement.csv", csv_file(rows, headers=collection.STATEMENT_HEADERS))
    done = client.post(reverse("admin:deposits_bankcredit_import"), {"file": statement}, follow=True)
    assert "新来款2笔" in done.content.decode() and "未识别，待人工处理1笔" in done.content.decode()
    assert RemittanceBatch.objects.get().status == RemittanceBatch.Status.POSTED
    queue = client.get(reverse("admin:deposits_bankcredit_changelist"), {"status__exact": "unmatched"})
    assert "B0031" in queue.content.decode() and "B0030" not in queue.content.decode()
    client.force_login(user)  # an employer user is no staff
    assert client.post(reverse("admin:deposits_bankcredit_import"), {}).status_code == 302


def test_the_stranded_amount_pays_next_months_list_and_a_cancelled_list_can_be_declared_again(unit, client):
    from django.urls import reverse
    from django.utils import timezone

    employer, staff, user = unit
    batch = declared(employer, user)
    type(staff[0]).objects.filter(pk=staff[0].pk).update(status="withdrawn")
    credits_import(rows=[credit("B0040", "4320.00", batch.payment_code)], source="test")
    employer.refresh_from_db()
    assert employer.suspense_balance == Decimal("1440.00")
    # Next month's list (two people now: 2,880.00): the 1,440.00 pays half, the bank the rest.
    today = timezone.localdate()
    nxt = f"{today.year + (today.month == 12)}-{today.month % 12 + 1:02d}"
    rows = remittance.monthly_list(employer=employer, period=nxt)
    following = remittance.remittance_declare(employer=employer, period=nxt, rows=rows, user=user)
    client.force_login(user)
    page = client.post(reverse("unit:batch_apply", args=[following.public_id]), follow=True).content.decode()
    assert "还差1,440.00元" in page
    following.refresh_from_db()
    employer.refresh_from_db()
    assert following.received == Decimal("1440.00") and employer.suspense_balance == 0
    assert "no mismatch" in reconciled()
    apply_again = client.post(reverse("unit:batch_apply", args=[following.public_id]), follow=True)
    assert "余额为0" in apply_again.content.decode()
    # 撤销申报: the 1,440.00 goes back to 单位暂存款, the month can be declared again, a late credit is kept.
    client.post(reverse("unit:batch_cancel", args=[following.public_id]))
    following.refresh_from_db()
    employer.refresh_from_db()
    assert following.status == "cancelled" and employer.suspense_balance == Decimal("1440.00")
    assert [c.to_status for c in following.changes.all()] == ["declared", "cancelled"]
    again = remittance.remittance_declare(employer=employer, period=nxt, rows=rows, user=user)
    assert again.payment_code != following.payment_code
    credits_import(rows=[credit("B0041", "50.00", following.payment_code)], source="test")
    assert Employer.objects.get(pk=employer.pk).suspense_balance == Decimal("1490.00")
    assert "no mismatch" in reconciled()
    # The new list paid from 暂存款 (1,440.00) and the bank (1,440.00): posted; 50.00 stays.
    client.post(reverse("unit:batch_apply", args=[again.public_id]))
    credits_import(rows=[credit("B0042", "1440.00", again.payment_code)], source="test")
    again.refresh_from_db()
    assert again.status == "posted" and Employer.objects.get(pk=employer.pk).suspense_balance == Decimal("50.00")
    assert "no mismatch" in reconciled()


def test_supplementary_proposes_the_months_owed_and_errors_name_the_person(client, unit):
    from django.urls import reverse
    from django.utils import timezone

    from tests.factories import deposit_history, months_back

    employer, staff, user = unit
    today = timezone.localdate()
    for account in staff:
        deposit_history(account, months=24, today=today)
    from datetime import date

    from tests.factories import PersonalAccountFactory

    # A newcomer who joined two months ago and was never remitted: those two months are owed.
    joined = months_back(today, 2)
    newcomer = PersonalAccountFactory(employer=employer, base=Decimal("6000.00"),
                                      opened_on=date(int(joined[:4]), int(joined[5:]), 1))  # fmt: skip
    owed = remittance.supplementary_owed(employer=employer, today=today)
    assert [(a.pk, p) for a, p, _m in owed] == [(newcomer.pk, months_back(today, n)) for n in (2, 1)]
    client.force_login(user)
    page = client.get(reverse("unit:supplementary")).content.decode()
    assert newcomer.grzh in page and months_back(today, 2) in page and "生成补缴清册" in page
    ticked = client.post(
        reverse("unit:supplementary"), {"action": "owed", "owed": [f"{newcomer.pk}:{months_back(today, 1)}"]}
    )
    confirm = client.get(ticked.url).content.decode()
    assert '共 <strong data-testid="count">1</strong> 人' in confirm and newcomer.grzh in confirm
    client.post(reverse("unit:confirm"), {"token": ticked.url.split("token=")[1]})
    assert RemittanceBatch.objects.get(kind="supplementary").lines.get().period == months_back(today, 1)
    # Declared, it is no longer owed; a month already paid, entered on screen, names the person.
    assert [p for _a, p, _m in remittance.supplementary_owed(employer=employer, today=today)] == [months_back(today, 2)]
    one = {"action": "one", "account": staff[0].pk, "period": months_back(today, 1)}
    page = client.post(reverse("unit:supplementary"), one).content.decode()
    assert f"{staff[0].name}（{staff[0].grzh}）" in page and "已缴存" in page and "第2行" not in page


def test_the_computed_list_downloads_as_xlsx_and_uploads_again_unchanged(client, unit):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    employer, staff, user = unit
    client.force_login(user)
    sheet = client.get(reverse("unit:monthly_xlsx"))
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    table = remittance.read_table("list.xlsx", sheet.content, remittance.MONTHLY_HEADERS)
    assert [(r["个人账号"], r["月缴存额"]) for r in table] == [
        (a.grzh, "1440.00") for a in sorted(staff, key=lambda a: a.grzh)
    ]
    upload = client.post(reverse("unit:monthly"), {"action": "upload",
                                                   "file": SimpleUploadedFile("list.xlsx", sheet.content)})  # fmt: skip
    assert "token=" in upload.url
    client.post(reverse("unit:confirm"), {"token": upload.url.split("token=")[1]})
    assert RemittanceBatch.objects.get().total == TOTAL


def test_staff_claim_an_unmatched_credit_to_its_list_or_to_the_employers_suspense(client, unit, releaser):
    from django.urls import reverse

    employer, staff, user = unit
    batch = declared(employer, user)
    credits_import(rows=[credit("B0050", "4320.00", "JK000000"), credit("B0051", "77.00", "")], source="test")
    wrong, unknown = BankCredit.objects.get(bank_ref="B0050"), BankCredit.objects.get(bank_ref="B0051")
    client.force_login(releaser)
    url = reverse("admin:deposits_bankcredit_claim", args=[wrong.pk])
    assert "这个字段是必须的" in client.post(url, {"code": batch.payment_code}).content.decode()  # no reason: nothing
    refused = client.post(url, {"code": "JK0000000000", "reason": "单位来电"}).content.decode()
    assert "无对应清册" in refused
    client.post(url, {"code": batch.payment_code.lower(), "reason": "单位来电确认，提供付款回单"})
    wrong.refresh_from_db()
    batch.refresh_from_db()
    assert wrong.status == BankCredit.Status.MATCHED and batch.status == RemittanceBatch.Status.POSTED
    assert "人工认领" in wrong.note and wrong.actor == releaser
    client.post(reverse("admin:deposits_bankcredit_claim", args=[unknown.pk]),
                {"dwzh": employer.dwzh, "reason": "单位确认为多转款项"})  # fmt: skip
    unknown.refresh_from_db()
    assert unknown.status == BankCredit.Status.SUSPENSE and unknown.employer_id == employer.pk
    assert Employer.objects.get(pk=employer.pk).suspense_balance == Decimal("77.00")
    again = client.post(reverse("admin:deposits_bankcredit_claim", args=[unknown.pk]),
                        {"dwzh": employer.dwzh, "reason": "x"}).content.decode()  # fmt: skip
    assert "只有“未识别”的来款可以人工认领" in again
    assert "no mismatch" in reconciled()
