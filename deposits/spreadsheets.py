"""Reading employers' lists (XLSX, CSV) safely, and writing cells that no spreadsheet will run.

A list is read streaming (openpyxl's read-only mode, the csv module) under limits on rows,
columns, cell length and time, so a hostile file — a million empty rows that compress to
800 KB, a 10 MB cell, a NUL byte — is refused in Chinese within a second or two instead of
holding a web worker. Text that a spreadsheet would take for a formula (=, +, -, @ …) is
refused on import and escaped on every export."""

import csv
import io
import itertools
import re
import time
import zipfile
from dataclasses import dataclass

from gjj_portal.errors import DomainError

# A cell starting with one of these is run as a formula by Excel/WPS (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Limits:
    max_rows: int
    max_columns: int = 30
    max_cell_chars: int = 200
    max_seconds: float = 5.0


class TableRefused(DomainError):
    """The file as a whole is refused; the message is Chinese and says what to do."""


def looks_like_formula(text: str) -> bool:
    """A text that a spreadsheet would run; plain signed numbers ("-1.5") are data, not formulas."""
    if not text.startswith(FORMULA_STARTS):
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False


def formula_safe(value) -> str:
    """A cell for an exported file: text that would run as a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if looks_like_formula(text) else text


def xlsx_write(headers: list[str], rows: list[list]) -> bytes:
    """An XLSX an employer opens in Excel or WPS, edits and uploads again: the headers, then the rows; text
    cells that a spreadsheet would run are escaped (formula_safe), amounts stay numbers."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([value if isinstance(value, int | float) else formula_safe(value) for value in row])
    for column in "ABCDEF":
        sheet.column_dimensions[column].width = 18
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# A row or a cell element of SpreadsheetML, with or without a namespace prefix (<row …>, <x:c/>).
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")


def _too_big(limits: Limits) -> TableRefused:
    return TableRefused(
        f"清册超过{limits.max_rows:,}行或单元格过多。请分批上传，或将文件交中心由运维导入（import_remittance）。"
    )


def _xlsx_census(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Count the rows and cells of every XML part before openpyxl parses anything: its parser reads a whole
    row (or, lacking a <dimension>, the whole sheet) before the row limit can be checked, so 560,000 empty
    rows or one row of 900,000 cells would hold a web worker for seconds. Counting is a C-level scan of at
    most the unzipped budget: hundredths of a second. Refused: more rows than the list allows, more cells in
    a row than a list has columns (twice, for styled empty cells), more cells than rows × columns."""
    row_budget = limits.max_rows + 1
    cells_per_row = limits.max_columns * 2
    cell_budget = row_budget * limits.max_columns
    for info in archive.infolist():
        if not info.filename.endswith(".xml"):
            continue
        data = archive.read(info)
        starts = [m.start() for m in itertools.islice(_ROW.finditer(data), row_budget + 1)]
        if len(starts) > row_budget:
            raise _too_big(limits)
        cells = 0
        for start, end in zip([0, *starts], [*starts, len(data)], strict=True):
            in_row = sum(1 for _ in itertools.islice(_CELL.finditer(data, start, end), cells_per_row + 1))
            cells += in_row
            if in_row > cells_per_row or cells > cell_budget:
                raise _too_big(limits)


def _xlsx_rows(content: bytes, limits: Limits):
    import openpyxl

    try:
        # Unzipped size first: a zip bomb would inflate without end; then the rows and cells are counted.
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
            budget = max(10 * 1024 * 1024, limits.max_rows * limits.max_columns * 100)
            if unzipped > budget:
                raise TableRefused(
                    f"文件解压后过大（超过{budget // (1024 * 1024)} MB），清册最多{limits.max_rows:,}行。"
                    "请分批上传，或将文件交中心由运维导入（import_remittance）。"
                )
            _xlsx_census(archive, limits)
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError) as exc:  # SyntaxError: XML ParseError
        raise TableRefused("无法读取 XLSX 文件，请用 Excel 或 WPS 另存为 .xlsx 后重新上传。") from exc
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True, max_col=limits.max_columns + 1):
            cells = [_cell(v) for v in row]
            while cells and not cells[-1]:  # read-only mode pads every row to max_col
                cells.pop()
            yield cells
    except (SyntaxError, ValueError, KeyError, TypeError, IndexError) as exc:
        # Malformed XML (ParseError is a SyntaxError), a DTD or an entity (defusedxml's refusals are
        # ValueErrors), a cell that names a style or string that is not there.
        raise TableRefused("XLSX 文件内容损坏或含有不允许的内容，请用 Excel 或 WPS 另存为 .xlsx 后重新上传。") from exc
    finally:
        book.close()


def _csv_rows(content: bytes, limits: Limits):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableRefused("CSV 文件须为 UTF-8 编码，请在 Excel 或 WPS 中另存为“CSV UTF-8”后重新上传。") from exc
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            yield [c.strip() for c in row[: limits.max_columns + 1]]
    except csv.Error as exc:
        raise TableRefused("CSV 文件格式有误，无法读取。") from exc


def read_rows(
    name: str, content: bytes, headers: list[str], limits: Limits
) -> tuple[list[dict], list[tuple[int, str, str]]]:
    """Rows of {header: text} for the wanted headers; TableRefused for the file as a whole.
    Problems of single cells (formula text, NUL, too long) come back as ``(row, header, reason)`` in
    the second element so the caller reports them with every other bad row."""
    started = time.monotonic()  # from the first cell: a first row of a million cells counts too
    rows = _xlsx_rows(content, limits) if name.lower().endswith(".xlsx") else _csv_rows(content, limits)
    found = next(rows, None)
    if not found:
        raise TableRefused("文件是空的，请按模板填写后重新上传。")
    if len(found) > limits.max_columns:
        raise TableRefused(f"文件的列数超过{limits.max_columns}列，请只保留模板中的列。")
    missing = [h for h in headers if h not in found]
    if missing:
        raise TableRefused(f"缺少列：{'、'.join(missing)}。")
    where = {h: found.index(h) for h in headers}
    table, problems = [], []
    for number, row in enumerate(rows, start=2):
        if number - 1 > limits.max_rows:
            raise TableRefused(
                f"清册超过{limits.max_rows:,}行。请分批上传，或将文件交中心由运维导入（import_remittance）。"
            )
        if number % 100 == 0 and time.monotonic() - started > limits.max_seconds:
            raise TableRefused("文件过大或过于复杂，读取超时。请分批上传，或将文件交中心由运维导入。")
        if not any(row):
            continue  # blank rows (Excel keeps formatted empty rows) are not employees
        record = {}
        for header, index in where.items():
            value = row[index] if index < len(row) else ""
            if "\x00" in value:
                problems.append((number, header, "含有不可见的非法字符，请重新输入。"))
                value = ""
            elif len(value) > limits.max_cell_chars:
                problems.append((number, header, f"内容过长（最多{limits.max_cell_chars}个字符）。"))
                value = ""
            elif looks_like_formula(value):
                problems.append((number, header, "不能以 =、+、-、@ 开头（会被电子表格当作公式），请删除开头的符号。"))
                value = ""
            record[header] = value
        record["_row"] = number
        table.append(record)
    return table, problems
