"""Safe .xlsx reading and writing for rosters: checked uploads, text-only cells, templates, error files."""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Iterable, Iterator

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from caseapp.core.officefile import OfficeFileError, check_office_zip
from caseapp.core.sheetrows import Budget, load_values_workbook, sheet_values

MAX_ROWS = 100_000
MAX_COLUMNS = 100
#: cells parsed per upload, formatted blank ones included (100,000 rows of 20 columns)
MAX_CELLS = 2_000_000
INSTRUCTIONS_TITLE = "填写说明"
ERROR_HEADER = "错误"
ROW_HEADER = "行号"
#: Excel turns a cell starting with one of these into a formula unless it is stored as text.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Z]+)(\d+)(?::[A-Z]+(\d+))?\"")
_HEADER_MARKS = "*＊"
_BOLD = Font(bold=True)
_REQUIRED = Font(bold=True, color="C00000")
_ERROR_FILL = PatternFill("solid", fgColor="FFE0E0")


class ExcelError(OfficeFileError):
    """A workbook that cannot be used as a roster; str() is a Chinese message."""


@dataclass
class Spec:
    """The headers a roster sheet may have and those it must have."""

    headers: list[str]
    required: list[str]


# ---------------------------------------------------------------- reading


def normalise_header(value) -> str:
    """Header text without any whitespace (also full-width) or a trailing required mark."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return "".join(text.split()).rstrip(_HEADER_MARKS)


def cell_text(value) -> str:
    """A cell value as text; numbers Excel damaged stay recognisable ("1.30434E+17", "123.0")."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip(" \t\r\n\u3000")
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value).strip()


def _float_text(value: float) -> str:
    """Floats keep the marks of Excel's damage so validators can refuse them instead of guessing."""
    if abs(value) >= 1e15:
        return f"{value:.5E}".replace("E+0", "E+")  # what Excel showed: digits beyond 15 are gone
    if value.is_integer():
        return f"{int(value)}.0"
    return format(value, ".15g")


class RosterReader:
    """An opened, checked roster workbook; iterate for ``(excel_row, {header: text})``.

    Budgets hold while reading: at most ``max_rows`` data rows, no content below row ``max_rows + 1``, and at
    most ``max_cells`` cells (blank formatted ones included) and twice ``max_rows`` row elements parsed.
    """

    def __init__(self, data: bytes, spec: Spec, *, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS,
                 max_cells: int = MAX_CELLS):
        if not openpyxl.DEFUSEDXML:  # openpyxl only guards against entity attacks through defusedxml
            raise RuntimeError("defusedxml is required to read uploaded workbooks")
        check_office_zip(data, kind="xlsx")
        self.max_rows, self.max_columns = max_rows, max_columns
        self.budget = Budget(rows=2 * max_rows + 1, cells=max_cells)
        self._wb = _load(data, max_strings=max_cells)
        self._ws = _roster_sheet(self._wb)
        try:
            _refuse_merged_header(data, self._ws)
            self.file_headers = self._read_header()
            self.positions = _match_headers(self.file_headers, spec)
        except BaseException:
            self.close()
            raise

    def _read_header(self) -> list[str]:
        """Row 1, normalised; too many columns or duplicates refused."""
        first = next(self._ws.iter_rows(min_row=1, max_row=1, max_col=self.max_columns + 1, values_only=True), ())
        headers = [normalise_header(v) for v in first]
        while headers and not headers[-1]:
            headers.pop()
        if len(headers) > self.max_columns:
            raise ExcelError(f"列数过多（超过 {self.max_columns} 列），请只保留模板中的列")
        seen = set()
        for h in headers:
            if h and h in seen:
                raise ExcelError(f"表头中“{h}”列出现了两次，请删除重复的列")
            seen.add(h)
        return headers

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Each non-blank data row with its Excel row number; more than ``max_rows`` rows, or content below row
        ``max_rows + 1``, is refused as soon as it is met."""
        count = 0
        for number, values in self._data_rows():
            count += 1
            if count > self.max_rows or number > self.max_rows + 1:
                raise ExcelError(f"第 {number:,} 行有内容：一次最多导入 {self.max_rows:,} 行（第 2 至 {self.max_rows + 1:,} 行），"
                                 "请删除多余的行或分成几个文件上传")
            yield number, {h: cell_text(values[i]) if i < len(values) else "" for h, i in self.positions.items()}

    def rows_numbered(self, wanted: set[int]) -> Iterator[tuple[int, list[str]]]:
        """The rows numbered in ``wanted``, as text in file column order (for the error file); stops after the last."""
        last = max(wanted, default=0)
        for number, values in self._data_rows():
            if number > last:
                return
            if number in wanted:
                yield number, [cell_text(v) for v in values]

    def _data_rows(self):
        width = max(len(self.file_headers), 1)
        try:
            for number, values in sheet_values(self._ws, min_row=2, width=width, budget=self.budget):
                if any(v is not None and v != "" for v in values):
                    yield number, values
        except OfficeFileError:
            raise
        except Exception as exc:  # malformed sheet XML surfaces only while streaming
            raise ExcelError("Excel 文件内容已损坏，请在 Excel 中打开并另存为 .xlsx 后再上传") from exc

    def close(self) -> None:
        self._wb.close()

    def __enter__(self) -> RosterReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _load(data: bytes, max_strings: int):
    """openpyxl in read-only, values-only mode; any parser failure becomes one Chinese message."""
    try:
        return load_values_workbook(data, max_strings=max_strings)
    except OfficeFileError:
        raise
    except Exception as exc:  # openpyxl raises many types (KeyError, InvalidFileException, lxml errors)
        raise ExcelError("无法读取 Excel 文件内容，请在 Excel 中打开并另存为 .xlsx 后再上传") from exc


def _roster_sheet(wb):
    """The first worksheet that is not the instructions sheet."""
    for ws in wb.worksheets:
        if ws.title != INSTRUCTIONS_TITLE:
            return ws
    wb.close()
    raise ExcelError("文件中没有可导入的工作表")


def _refuse_merged_header(data: bytes, ws) -> None:
    """Read-only mode ignores merges: scan the sheet part's <mergeCell> entries for row 1."""
    path = getattr(ws, "_worksheet_path", None)
    if path is None:
        raise RuntimeError("openpyxl no longer exposes the worksheet part path")
    tail = b""
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path) as stream:
        while chunk := stream.read(256 * 1024):
            window = tail + chunk
            for match in _MERGE_RE.finditer(window):
                if int(match.group(2)) == 1:
                    ref = match.group(0).split(b'ref="')[1].rstrip(b'"').decode()
                    raise ExcelError(f"表头（第1行）不能有合并单元格（{ref}），请取消合并、每列一个列名后重新上传")
            tail = window[-200:]


def _match_headers(file_headers: list[str], spec: Spec) -> dict[str, int]:
    """Expected header → position in the file; missing required columns named in one message."""
    index = {h: i for i, h in enumerate(file_headers) if h}
    found = {h: index[normalise_header(h)] for h in spec.headers if normalise_header(h) in index}
    missing = [h for h in spec.required if h not in found]
    if missing:
        prefix = "" if found else "第1行应为列名（表头），未找到任何模板中的列。"
        raise ExcelError(f"{prefix}缺少必需的列：{'、'.join(missing)}")
    return found


# ---------------------------------------------------------------- writing


def safe_cell(ws, value, *, font: Font | None = None) -> Cell:
    """A cell for ``ws.append``: strings are always stored as text, never as a formula."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value) or None
    cell = WriteOnlyCell(ws, value=value if not isinstance(value, str) else None)
    if isinstance(value, str):
        cell._value, cell.data_type = value, "s"  # bypass openpyxl's "=..." → formula guess
        if value.startswith(_FORMULA_PREFIXES):
            cell.quotePrefix = True  # Excel keeps it text even after the user edits the cell
    if font is not None:
        cell.font = font
    return cell


def safe_row(ws, values: Iterable, *, font: Font | None = None) -> list:
    """A whole row for ``ws.append``: plain values where openpyxl cannot take them for formulas, else safe cells."""
    if font is not None:
        return [safe_cell(ws, v, font=font) for v in values]
    return [_plain(ws, v) for v in values]


def _plain(ws, value):
    """Text not starting like a formula is written as text by openpyxl itself; a cell object costs 10× more."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(_FORMULA_PREFIXES):
        return safe_cell(ws, value)
    return value or None


def _new_write_only(title: str):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    return wb, ws


def _save(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _set_widths(ws, widths: list[int], text_columns: Iterable[int] = ()) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for i in text_columns:
        ws.column_dimensions[get_column_letter(i)].number_format = "@"


def export_workbook(title: str, columns, rows: Iterable[list]) -> tuple[bytes, int]:
    """A streamed, print-ready export (``core.printtable``: widths, borders, the header repeated on every printed
    page, A4 with the title in the page header); the header stays on row 1 so the file can be imported again."""
    from caseapp.core import printtable

    return printtable.table_workbook(printtable.TableDoc(title, header_first=True), columns, rows)


def form_workbook(title: str, columns, rows: Iterable[list], *, notes: list[str],
                  extra: dict[str, list[list[str]]] | None = None) -> tuple[bytes, int]:
    """A streamed, prefilled form to hand out and import again (header on row 1, print-ready as
    :func:`export_workbook`): drop-downs on every choice column down to the last row, text-formatted columns, a
    填写说明 sheet with ``notes`` and optional ``extra`` sheets of text."""
    from caseapp.core import printtable

    wb, styles = printtable.workbook()
    count = printtable.write_table(wb, styles, printtable.TableDoc(title, header_first=True), columns, rows)
    ws = wb.worksheets[-1]
    for i, column in enumerate(columns, start=1):
        if column.choices:  # written when the sheet closes, so the range can follow the row count
            ws.data_validations.append(_literal_choices(column, get_column_letter(i), count + 1))
    _write_only_sheet(wb, INSTRUCTIONS_TITLE, [["列名", "是否必填", "允许的值", "说明"]] + [
        [c.header, "必填" if c.required else "选填", "、".join(c.choices or []), c.help] for c in columns]
        + [[]] + [[note] for note in notes])
    for sheet_title, sheet_rows in (extra or {}).items():
        _write_only_sheet(wb, sheet_title, sheet_rows)
    return _save(wb), count


def _literal_choices(column, letter: str, last_row: int) -> DataValidation:
    literal = ",".join(column.choices)
    if len(literal) > 250 or any("," in c for c in column.choices):
        raise ValueError(f"choices of {column.header} do not fit a literal drop-down list")
    dv = DataValidation(type="list", formula1=f'"{literal}"', allow_blank=True, showErrorMessage=True,
                        errorTitle="无效的值", error=f"{column.header}只能从下拉列表中选择",
                        promptTitle=column.header, prompt="请从下拉列表中选择")
    dv.add(f"{letter}2:{letter}{max(last_row, 2)}")
    return dv


def _write_only_sheet(wb, title: str, rows: list[list]) -> None:
    ws = wb.create_sheet(title[:31])
    _set_widths(ws, [18, 10, 40, 60])
    for i, row in enumerate(rows):
        ws.append(safe_row(ws, row, font=_BOLD if i == 0 else None))


def template_workbook(title: str, columns, *, max_rows: int = MAX_ROWS) -> bytes:
    """An empty roster: header, text-formatted ID columns, drop-downs and a 填写说明 sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.freeze_panes = "A2"
    for i, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=column.header)
        cell.font = _REQUIRED if column.required else _BOLD
        cell.alignment = Alignment(horizontal="center")
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = column.width
        if column.text:
            ws.column_dimensions[letter].number_format = "@"
        if column.choices:
            _add_choices(wb, ws, letter, column, max_rows)
    _instructions(wb, columns, max_rows)
    return _save(wb)


def _add_choices(wb, ws, letter: str, column, max_rows: int) -> None:
    """A drop-down; long lists live on a hidden sheet because a literal list is capped at 255 chars."""
    literal = ",".join(column.choices)
    if len(literal) <= 250 and "," not in "".join(column.choices):
        formula = f'"{literal}"'
    else:
        formula = _choices_range(wb, column)
    dv = DataValidation(type="list", formula1=formula, allow_blank=not column.required,
                        showErrorMessage=True, errorTitle="无效的值",
                        error=f"{column.header}只能从下拉列表中选择", promptTitle=column.header,
                        prompt="请从下拉列表中选择")
    dv.add(f"{letter}2:{letter}{max_rows + 1}")
    ws.add_data_validation(dv)


def _choices_range(wb, column) -> str:
    sheet = wb["选项"] if "选项" in wb.sheetnames else wb.create_sheet("选项")
    sheet.sheet_state = "hidden"
    col = sheet.max_column + 1 if sheet["A1"].value is not None else 1
    for r, choice in enumerate(column.choices, start=1):
        sheet.cell(row=r, column=col, value=choice).data_type = "s"
    letter = get_column_letter(col)
    return f"'选项'!${letter}$1:${letter}${len(column.choices)}"


def _instructions(wb, columns, max_rows: int) -> None:
    ws = wb.create_sheet(INSTRUCTIONS_TITLE, index=1)
    ws.append(["列名", "是否必填", "允许的值", "说明"])
    for cell in ws[1]:
        cell.font = _BOLD
    for c in columns:
        allowed = "、".join(c.choices) if c.choices else ("文本格式，请勿转成数字" if c.text else "")
        ws.append(safe_row(ws, [c.header, "必填" if c.required else "选填", allowed, c.help]))
    ws.append([])
    for note in _notes(max_rows):
        ws.append(safe_row(ws, [note]))
    for letter, width in zip("ABCD", (16, 10, 40, 60)):
        ws.column_dimensions[letter].width = width


def _notes(max_rows: int) -> list[str]:
    """General rules printed under the column list."""
    return [
        "1. 第1行是列名，请勿修改、合并或删除必填列；列的顺序可以调整，可以增加其他列（导入时忽略）。",
        "2. 身份证号、手机号、银行账号列已设为文本格式；请勿改为数字，否则 Excel 会丢失身份证号后几位。",
        f"3. 一次最多导入 {max_rows:,} 行；只要有一行有错，整个文件都不会导入，请按错误清单改正后重新上传。",
        "4. 同一文件中同一身份证号只能出现一次；已在系统中的人员再次导入时按身份证号更新，不会重复。",
    ]


def error_workbook(reader: RosterReader, errors_by_row: dict[int, list[str]]) -> bytes:
    """Only the rows with errors: their Excel row number (行号), the uploaded values and an 错误 column."""
    wb, ws = _new_write_only("错误清单")
    headers = [ROW_HEADER] + reader.file_headers + [ERROR_HEADER]
    _set_widths(ws, [8] + [14] * len(reader.file_headers) + [60], range(2, len(reader.file_headers) + 2))
    ws.freeze_panes = "B2"
    ws.append(safe_row(ws, headers, font=_BOLD))
    for number, values in reader.rows_numbered(set(errors_by_row)):
        row = safe_row(ws, [number] + values + [""] * (len(reader.file_headers) - len(values)))
        error = safe_cell(ws, "；".join(errors_by_row[number]), font=_REQUIRED)
        error.fill = _ERROR_FILL
        ws.append(row + [error])
    return _save(wb)
