"""Writing :class:`~caseapp.core.printform.Sheet` forms to .xlsx: A4, margins, borders, print titles, fonts."""
from __future__ import annotations

import io
import math
from decimal import Decimal

import openpyxl
from openpyxl.utils import get_column_letter

from caseapp.core.printform import BODY_FONT, TITLE_FONT, Cell, Sheet
from caseapp.core.printtable import Styles, page_setup, set_text

_CM_PER_CHAR = 0.19  #: one unit of Excel's column width, in centimetres, at the default font
_BODY_PT, _TITLE_PT = 11, 16
_TOP = 3  #: the table starts under the title, the subtitle and a blank row (1-based row 3)


def workbook(sheets: list[Sheet]) -> bytes:
    """One worksheet per form, ready to print."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    styles = Styles(wb)
    for sheet in sheets:
        _write(wb.create_sheet(sheet.name[:31]), sheet, styles)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _write(ws, sheet: Sheet, styles: Styles) -> None:
    columns = len(sheet.widths_cm)
    for i, width in enumerate(sheet.widths_cm, start=1):
        ws.column_dimensions[get_column_letter(i)].width = round(width / _CM_PER_CHAR, 1)
    title = styles.name(bold=True, size=_TITLE_PT, font=TITLE_FONT[0], border=False, align="center")
    _banner(ws, 1, sheet.title, columns, title, 30)
    _banner(ws, 2, sheet.subtitle, columns, styles.name(border=False, align="center"), 20)
    looks = {(cell.row, cell.col): _cell(ws, cell, styles) for cell in sheet.cells}
    _style_grid(ws, sheet, looks, styles.name(align="center"))
    _heights(ws, sheet)
    last = _TOP + sheet.row_count
    for n, line in enumerate(sheet.footer, start=1):
        _banner(ws, last + n, line, columns, styles.name(align="left", border=False), 24)
    _page_setup(ws, sheet, last + len(sheet.footer))


def _banner(ws, row: int, text: str, columns: int, style: str, height: int) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    target = ws.cell(row=row, column=1)
    set_text(target, text)
    target.style = style
    ws.row_dimensions[row].height = height


def _cell(ws, cell: Cell, styles: Styles) -> str:
    """Write the value and merge; returns the cell's style (applied after the merges, which are then cheap)."""
    row, col = _TOP + cell.row, 1 + cell.col
    target = ws.cell(row=row, column=col)
    number = "General"
    if isinstance(cell.value, (Decimal, int, float)) and not isinstance(cell.value, bool) and not cell.percent:
        target.value = float(cell.value)
        number = "0." + "0" * cell.decimals if cell.decimals else "0"
    elif cell.text:
        set_text(target, cell.text)
    if cell.rowspan > 1 or cell.colspan > 1:
        ws.merge_cells(start_row=row, start_column=col, end_row=row + cell.rowspan - 1,
                       end_column=col + cell.colspan - 1)
    return styles.name(bold=cell.bold, align=cell.align, number=number)


def _style_grid(ws, sheet: Sheet, looks: dict, bordered: str) -> None:
    """Every grid cell of the table styled and bordered, merged areas included (Excel draws borders per cell)."""
    for row in range(sheet.row_count):
        for col in range(len(sheet.widths_cm)):
            ws.cell(row=_TOP + row, column=1 + col).style = looks.get((row, col), bordered)


def _heights(ws, sheet: Sheet) -> None:
    """Row heights from the wrapped text (Excel does not fit merged or wrapped rows by itself)."""
    lines = {r: 1 for r in range(sheet.row_count)}
    for cell in sheet.cells:
        width_cm = sum(sheet.widths_cm[cell.col:cell.col + cell.colspan]) - 0.2
        chars_per_line = max(int(width_cm / 0.4), 1)  # one CJK character at 11 pt is about 0.39 cm
        needed = sum(math.ceil(max(_width(part), 1) / chars_per_line) for part in cell.text.split("\n"))
        per_row = math.ceil(needed / cell.rowspan)
        for r in range(cell.row, cell.row + cell.rowspan):
            lines[r] = max(lines[r], per_row)
    for r, n in lines.items():
        ws.row_dimensions[_TOP + r].height = max(20, 15 * n + 5)


def _width(text: str) -> float:
    """Width in CJK characters (Latin letters and digits count as half)."""
    return sum(1 if ord(ch) > 0x2E80 else 0.55 for ch in text)


def _page_setup(ws, sheet: Sheet, last_row: int) -> None:
    page_setup(ws, landscape=sheet.landscape, title_rows=f"1:{_TOP - 1 + sheet.header_rows}")
    ws.print_area = f"A1:{get_column_letter(len(sheet.widths_cm))}{last_row}"
