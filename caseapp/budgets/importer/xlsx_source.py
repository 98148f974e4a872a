"""Read a .xlsx workbook into the same blocks as a Word file: caption lines and tables, merged ranges kept.

Finance bureaus circulate the 绩效目标表 as a workbook: a title row merged across the sheet, a 金额单位 line,
then the form. Each sheet is cut into runs of non-blank rows; a run's leading rows holding a single text
are captions (:class:`Paragraph`), the rest is a :class:`Grid` whose blank positions are kept as blank
cells, exactly as a Word table has them.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from caseapp.budgets.importer.cells import Block, Cell, Grid, Paragraph
from caseapp.core.officefile import OfficeFileError, check_office_zip

#: A 绩效目标 workbook is a few hundred rows; a sheet's used range beyond this many cells is refused.
MAX_SHEET_CELLS = 200_000
#: ... and its sheets and shared strings a few hundred KB of XML: more is refused before openpyxl builds cells.
MAX_SHEET_XML = 8 * 1024 * 1024


@dataclass
class _Box:
    """A non-blank cell or merged range of a sheet (1-based, as Excel counts)."""

    text: str
    row: int
    col: int
    last_row: int
    last_col: int


def xlsx_blocks(data: bytes) -> list[Block]:
    """Check an uploaded .xlsx and list every sheet's captions and tables in reading order."""
    import openpyxl  # here: every command would otherwise pay for importing it

    if not openpyxl.DEFUSEDXML:  # openpyxl only guards against entity attacks through defusedxml
        raise RuntimeError("defusedxml is required to read uploaded workbooks")
    check_office_zip(data, kind="xlsx")
    _check_sheet_sizes(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many types (KeyError, InvalidFileException, lxml errors)
        raise OfficeFileError("无法读取 Excel 文件内容，请在 Excel 中打开并另存为 .xlsx 后再上传") from exc
    blocks: list[Block] = []
    for sheet in workbook.worksheets:
        blocks.append(Paragraph(sheet.title, f"工作表“{sheet.title}”"))
        blocks += _sheet_blocks(sheet)
    workbook.close()
    return blocks


def _check_sheet_sizes(data: bytes) -> None:
    """The declared size of the sheets' XML, before any of it is parsed."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        size = sum(i.file_size for i in archive.infolist()
                   if i.filename.startswith("xl/worksheets/") or i.filename == "xl/sharedStrings.xml")
    if size > MAX_SHEET_XML:
        raise OfficeFileError(f"工作表内容过大（{size / (1024 * 1024):.1f} MB），绩效目标表不应超过 "
                              f"{MAX_SHEET_XML // (1024 * 1024)} MB，请只保留绩效目标表后再上传")


def _sheet_blocks(sheet) -> list[Block]:
    """One sheet's runs of rows as captions and grids."""
    if sheet.max_row * sheet.max_column > MAX_SHEET_CELLS:
        raise OfficeFileError(f"工作表“{sheet.title}”的范围过大（{sheet.max_row} 行 × {sheet.max_column} 列），"
                              "请删除表格以外的内容后再上传")
    boxes = _boxes(sheet)
    blank_merges = [b for b in boxes if not b.text]
    blocks: list[Block] = []
    for run in _runs([b for b in boxes if b.text]):
        blocks += _run_blocks(run, blank_merges, sheet.title, 1 + sum(isinstance(b, Grid) for b in blocks))
    return blocks


def _boxes(sheet) -> list[_Box]:
    """Every non-blank cell and every merged range (blank ones too), a range as one box at its top-left."""
    merged = {(r.min_row, r.min_col): r for r in sheet.merged_cells.ranges}
    boxes = []
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=sheet.max_column):
        for cell in row:
            text = cell_text(cell.value, cell.number_format)
            span = merged.get((cell.row, cell.column))
            if text or span:
                last_row, last_col = (span.max_row, span.max_col) if span else (cell.row, cell.column)
                boxes.append(_Box(text, cell.row, cell.column, last_row, last_col))
    return boxes


def cell_text(value, number_format: str = "General") -> str:
    """A cell's value as the text a reader sees: 25% for 0.25 formatted as a percentage, 47.66, 2025年6月30日."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (datetime, date)):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, (int, float)):
        if "%" in (number_format or ""):
            return f"{value * 100:.10g}%"
        return f"{value:.15g}"
    return str(value).strip()


def _runs(boxes: list[_Box]) -> list[list[_Box]]:
    """Boxes grouped into runs of rows with no blank row between them."""
    runs: list[list[_Box]] = []
    last = 0
    for box in sorted(boxes, key=lambda b: (b.row, b.col)):
        if not runs or box.row > last + 1:
            runs.append([])
        runs[-1].append(box)
        last = max(last, box.last_row)
    return runs


def _run_blocks(run: list[_Box], blank_merges: list[_Box], title: str, number: int) -> list[Block]:
    """Leading single-text rows as captions, the rest as one grid with blank positions filled."""
    blocks: list[Block] = []
    rows = sorted({b.row for b in run})
    while rows:
        in_row = [b for b in run if b.row == rows[0]]
        if len(in_row) != 1 or in_row[0].last_row > rows[0]:
            break
        blocks.append(Paragraph(in_row[0].text, _ref(title, in_row[0].row, in_row[0].col)))
        run = [b for b in run if b is not in_row[0]]
        rows.pop(0)
    if run:
        blocks.append(_grid(run, blank_merges, title, number))
    return blocks


def _grid(run: list[_Box], blank_merges: list[_Box], title: str, number: int) -> Grid:
    """The boxes as a grid from row/column 0: blank merged ranges inside it kept, a blank cell elsewhere."""
    top, left = min(b.row for b in run), min(b.col for b in run)
    bottom, right = max(b.last_row for b in run), max(b.last_col for b in run)
    run = run + [b for b in blank_merges if top <= b.row and b.last_row <= bottom
                 and left <= b.col and b.last_col <= right]
    cells = [Cell(b.text, b.row - top, b.col - left, b.last_row - b.row + 1, b.last_col - b.col + 1,
                  _ref(title, b.row, b.col)) for b in run]
    covered = {(r, c) for cell in cells for r in range(cell.row, cell.last_row + 1)
               for c in range(cell.col, cell.last_col + 1)}
    cells += [Cell("", r, c, ref=_ref(title, r + top, c + left))
              for r in range(bottom - top + 1) for c in range(right - left + 1) if (r, c) not in covered]
    return Grid(cells, f"工作表“{title}”第{number}张表")


def _ref(title: str, row: int, col: int) -> str:
    """工作表“绩效目标”B4."""
    from openpyxl.utils import get_column_letter

    return f"工作表“{title}”{get_column_letter(col)}{row}"
