"""A document as paragraphs and tables, written as a real .docx (merged cells) or .xlsx (merged ranges).

Tables are rows of cells placed like HTML tables: a cell spanning ``rows`` rows is written once, in its
first row, and the rows below leave its column out. The same layout gives the same document in both formats.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

import docx
import openpyxl
from openpyxl.styles import Alignment


@dataclass(frozen=True)
class C:
    """A generated cell: text spanning ``cols`` columns and ``rows`` rows."""

    text: str = ""
    cols: int = 1
    rows: int = 1


Row = list["C | str"]
Table = list[Row]
Layout = list["str | Table"]

_NUMBER_RE = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2}$")
_PERCENT_RE = re.compile(r"^(\d+(?:\.\d+)?)%$")


def place(table: Table) -> tuple[int, int, list[tuple[int, int, C]]]:
    """(rows, columns, [(row, col, cell)]) with every cell at the first free grid position of its row."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(table):
        col = 0
        for item in row:
            cell = item if isinstance(item, C) else C(item)
            while (r, col) in taken:
                col += 1
            placed.append((r, col, cell))
            taken |= {(r + dr, col + dc) for dr in range(cell.rows) for dc in range(cell.cols)}
            col += cell.cols
    nrows = max(r for r, _ in taken) + 1
    ncols = max(c for _, c in taken) + 1
    return nrows, ncols, placed


def to_docx(layout: Layout) -> bytes:
    """The layout as a Word document: paragraphs, and tables with gridSpan / vMerge merges."""
    document = docx.Document()
    for block in layout:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        nrows, ncols, placed = place(block)
        table = document.add_table(rows=nrows, cols=ncols)
        for r, c, cell in placed:
            target = table.cell(r, c)
            if cell.rows > 1 or cell.cols > 1:
                target = target.merge(table.cell(r + cell.rows - 1, c + cell.cols - 1))
            target.text = cell.text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_xlsx(layout: Layout, *, numbers: bool = False, sheet: str = "绩效目标") -> bytes:
    """The layout as one worksheet: a paragraph per row in column A, tables with merged ranges, a blank row
    around each table. ``numbers`` writes amounts and percentages as formatted numbers, as Excel users do."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = sheet
    row = 1
    for block in layout:
        if isinstance(block, str):
            if block.strip():
                ws.cell(row, 1, block)
            row += 1
            continue
        row += 1 if row > 1 and any(ws.cell(row - 1, c).value is not None for c in range(1, 30)) else 0
        nrows, _ncols, placed = place(block)
        for r, c, cell in placed:
            _write(ws, row + r, c + 1, cell.text, numbers)
            if cell.rows > 1 or cell.cols > 1:
                ws.merge_cells(start_row=row + r, start_column=c + 1, end_row=row + r + cell.rows - 1,
                               end_column=c + cell.cols)
        row += nrows + 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write(ws, row: int, col: int, text: str, numbers: bool) -> None:
    """Text as text, or (with ``numbers``) 1,250,000.00 as 1250000 formatted #,##0.00 and 25% as 0.25 in 0%."""
    cell = ws.cell(row, col)
    cell.alignment = Alignment(wrap_text=True)
    percent = _PERCENT_RE.match(text)
    if numbers and _NUMBER_RE.match(text):
        cell.value, cell.number_format = float(text.replace(",", "")), "#,##0.00"
    elif numbers and percent:
        cell.value, cell.number_format = float(percent.group(1)) / 100, "0%"
    else:
        cell.value = text or None
