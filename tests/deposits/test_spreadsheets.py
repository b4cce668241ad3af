"""Hostile employer lists are refused in Chinese, fast, and change nothing; exports never carry formulas."""

import io
import time
import zipfile

import pytest
from django.urls import reverse

from deposits import remittance
from deposits.models import LedgerEntry, RemittanceBatch
from deposits.spreadsheets import Limits, TableRefused, formula_safe, looks_like_formula, read_rows

from .test_remittance import PERIOD, _named, csv_file, monthly_rows


def million_row_xlsx() -> bytes:
    """A real XLSX whose sheet has a million (empty-valued) rows: about 1 MB zipped, as the probe's."""
    return xlsx_with_rows(
        "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c></row>' for n in range(2, 1_000_002))
    )


def xlsx_with_rows(rows: str) -> bytes:
    """A real XLSX: the template's header row, then `rows` (sheetData XML) as they are."""
    buf = io.BytesIO()
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>个人账号</t></is></c><c r="B1" t="inlineStr"><is><t>姓名</t></is></c>'
        f'<c r="C1" t="inlineStr"><is><t>月缴存额</t></is></c></row>{rows}</sheetData></worksheet>'
    )
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>",
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return buf.getvalue()


def test_a_sheet_without_dimension_over_the_row_limit_is_refused_by_counting(unit):
    """Under the unzipped-size budget, the row count refuses it."""
    rows = "".join(f"{n},x,1\n" for n in range(6000))
    with pytest.raises(remittance.ListRejected) as exc:
        remittance.read_table("m.csv", ("个人账号,姓名,月缴存额\n" + rows).encode(), remittance.MONTHLY_HEADERS)
    assert "清册超过5,000行" in exc.value.errors[0].reason


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param("<row/>" * 560_000, id="560,000 tiny rows in 6 KB"),
        pytest.param('<row r="2">' + "<c/>" * 900_000 + "</row>", id="one row of 900,000 cells"),
        pytest.param("<x:row>" + "<x:c/>" * 100 + "</x:row>", id="a prefixed row wider than twice the columns"),
        pytest.param(("<row>" + "<c/>" * 60 + "</row>") * 2600, id="more cells than rows x columns"),
    ],
)
def test_rows_and_cells_are_counted_before_openpyxl_parses_a_row(rows):
    """openpyxl reads a whole row (a whole sheet without <dimension>) before the row limit can act: the
    census refuses these in hundredths of a second (they took 1.2-4.7 s and one was accepted)."""
    started = time.monotonic()
    with pytest.raises(TableRefused, match="清册超过5,000行或单元格过多"):
        read_rows("list.xlsx", xlsx_with_rows(rows), ["个人账号"], Limits(max_rows=5000))
    assert time.monotonic() - started < 0.5


def test_a_list_at_the_limits_is_still_read():
    rows = "".join(f'<row><c t="inlineStr"><is><t>{n:012d}</t></is></c>' + "<c/>" * 20 + "</row>" for n in range(4999))
    table, problems = read_rows("list.xlsx", xlsx_with_rows(rows), ["个人账号"], Limits(max_rows=5000))
    assert len(table) == 4999 and not problems and table[0]["个人账号"] == "000000000000"


def test_a_million_row_xlsx_is_refused_in_chinese_within_the_reading_budget(client, unit, settings):
    employer, staff, user = unit
    content = million_row_xlsx()
    assert len(content) < 5 * 1024 * 1024
    client.force_login(user)
    started = time.monotonic()
    page = client.post(reverse("unit:monthly"), {"action": "upload", "file": _named(content, "big.xlsx")})
    elapsed = time.monotonic() - started
    assert page.status_code == 200 and "清册最多5,000行。请分批上传" in page.content.decode()
    assert elapsed < settings.GJJ_LIST_MAX_SECONDS, f"took {elapsed:.2f} s"  # refused by the limits, not by the clock
    assert not RemittanceBatch.objects.exists()


@pytest.mark.parametrize(
    "name,content,says",
    [
        ("m.csv", b"\xff\xfe\x00garbage", "UTF-8"),
        ("m.xlsx", b"PK\x03\x04 not a zip", "无法读取 XLSX"),
        ("m.csv", b"", "文件是空的"),
        ("m.csv", ",".join(f"c{i}" for i in range(40)).encode(), "列数超过30列"),
        ("m.csv", "个人账号,姓名\n1,2\n".encode(), "缺少列：月缴存额"),
    ],
)
def test_unreadable_or_malformed_files_are_refused_whole(unit, name, content, says):
    with pytest.raises(remittance.ListRejected) as exc:
        remittance.read_table(name, content, remittance.MONTHLY_HEADERS)
    assert says in exc.value.errors[0].reason


def test_formula_text_nul_and_overlong_cells_are_reported_per_row(unit):
    employer, staff, user = unit
    rows = monthly_rows(staff)
    rows[0][1] = '=HYPERLINK("http://evil","点我")'
    rows[1][1] = "张\x00三"
    rows[2][1] = "长" * 500
    with pytest.raises(remittance.ListRejected) as exc:
        remittance.read_table("m.csv", csv_file(rows), remittance.MONTHLY_HEADERS)
    reasons = {(e.row, e.field): e.reason for e in exc.value.errors}
    assert (
        "当作公式" in reasons[(2, "姓名")] and "非法字符" in reasons[(3, "姓名")] and "内容过长" in reasons[(4, "姓名")]
    )


@pytest.mark.parametrize("amount", ["1e999999", "NaN", "Infinity", "-Infinity", "1E+30", "12.345"])
def test_amounts_no_decimal_can_hold_are_row_errors_not_crashes(unit, amount):
    employer, staff, user = unit
    rows = monthly_rows(staff)
    rows[0][2] = amount
    table = remittance.read_table("m.csv", csv_file(rows), remittance.MONTHLY_HEADERS)
    with pytest.raises(remittance.ListRejected) as exc:
        remittance.validate_monthly(employer=employer, period=PERIOD, rows=table)
    assert exc.value.errors[0].field == "月缴存额"
    assert not LedgerEntry.objects.filter(kind="remittance").exists()


def test_blank_rows_are_skipped_and_row_numbers_stay_the_files():
    content = "个人账号,姓名,月缴存额\n,,\n1,=1+1,3\n".encode()
    with pytest.raises(remittance.ListRejected) as exc:
        remittance.read_table("m.csv", content, remittance.MONTHLY_HEADERS)
    assert exc.value.errors[0].row == 3


def test_exported_cells_never_start_a_formula():
    assert formula_safe("=1+1") == "'=1+1" and formula_safe("@SUM(A1)") == "'@SUM(A1)"
    assert formula_safe("+86-138") == "'+86-138"
    assert formula_safe("-12.50") == "-12.50" and formula_safe("张伟") == "张伟"
    assert looks_like_formula("-cmd|' /C calc'!A0") and not looks_like_formula("-3")


def _sheet_replaced(sheet_xml: str) -> bytes:
    """A real workbook (openpyxl) whose first sheet's XML is replaced by `sheet_xml`."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["个人账号", "姓名", "月缴存额"])
    book.active.append(["210100000001", "张伟", "1920.00"])
    original = io.BytesIO()
    book.save(original)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = sheet_xml.encode() if item.filename == "xl/worksheets/sheet1.xml" else src.read(item.filename)
            dst.writestr(item, data)
    return out.getvalue()


SHEET_OPEN = '<?xml version="1.0" encoding="UTF-8"?>'
SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


@pytest.mark.parametrize(
    "sheet",
    [
        f'{SHEET_OPEN}<worksheet {SHEET_NS}><sheetData><row r="1"><c r="A1"',  # malformed XML
        f'{SHEET_OPEN}<!DOCTYPE w [<!ENTITY x "个人账号">]><worksheet {SHEET_NS}><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row></sheetData></worksheet>',  # a DTD entity
        f'{SHEET_OPEN}<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]><worksheet {SHEET_NS}><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row></sheetData></worksheet>',  # external
    ],
    ids=["malformed", "dtd-entity", "external-entity"],
)
def test_a_broken_or_entity_laden_sheet_is_refused_in_chinese(sheet):
    from deposits.spreadsheets import Limits, TableRefused, read_rows

    with pytest.raises(TableRefused, match="XLSX 文件"):
        read_rows("list.xlsx", _sheet_replaced(sheet), ["个人账号"], Limits(max_rows=100))
