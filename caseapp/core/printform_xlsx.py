"""Writing :class:`~caseapp.core.printform.Sheet` forms to .xlsx: A4, margins, borders, print titles, fonts."""
from __future__ import annotations

import io
import math
from decimal import Decimal

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from caseapp.core.printform import BODY_FONT, MARGINS_CM, TITLE_FONT, Cell, Sheet

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CM_PER_CHAR = 0.19  #: one unit of Excel's column width, in centimetres, at the default font
_BODY_PT, _TITLE_PT = 11, 16
#: GB2312 character set and "modern" family: Excel picks another Chinese font of that kind when 仿宋 is missing
_CJK = {"charset": 134, "family": 3}
_TOP = 3  #: the table starts under the title, the subtitle and a blank row (1-based row 3)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def workbook(sheets: list[Sheet]) -> bytes:
    """One worksheet per form, ready to print."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    styles = _Styles(wb)
    for sheet in sheets:
        _write(wb.create_sheet(sheet.name[:31]), sheet, styles)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


class _Styles:
    """Named styles registered once per workbook: assigning one is far cheaper than font, border, alignment."""

    def __init__(self, wb) -> None:
        self.wb, self.names = wb, set()

    def name(self, *, bold: bool = False, align: str = "center", number: str = "General", border: bool = True,
             size: int = _BODY_PT, font: str = BODY_FONT[0]) -> str:
        """The name of the style with these properties, registered on first use."""
        key = f"{font}-{size}-{'b' if bold else 'n'}-{align}-{number}-{'g' if border else 'x'}"
        if key not in self.names:
            style = NamedStyle(name=key, number_format=number,
                               font=Font(name=font, size=size, bold=bold, **_CJK),
                               alignment=Alignment(horizontal=align, vertical="center", wrap_text=True),
                               border=_BORDER if border else Border())
            self.wb.add_named_style(style)
            self.names.add(key)
        return key


def _write(ws, sheet: Sheet, styles: _Styles) -> None:
    columns = len(sheet.widths_cm)
    for i, width in enumerate(sheet.widths_cm, start=1):
        ws.column_dimensions[get_column_letter(i)].width = round(width / _CM_PER_CHAR, 1)
    _banner(ws, 1, sheet.title, columns, styles.name(bold=True, size=_TITLE_PT, font=TITLE_FONT[0], border=False), 30)
    _banner(ws, 2, sheet.subtitle, columns, styles.name(border=False), 20)
    looks = {(cell.row, cell.col): _cell(ws, cell, styles) for cell in sheet.cells}
    _style_grid(ws, sheet, looks, styles.name())
    _heights(ws, sheet)
    last = _TOP + sheet.row_count
    for n, line in enumerate(sheet.footer, start=1):
        _banner(ws, last + n, line, columns, styles.name(align="left", border=False), 24)
    _page_setup(ws, sheet, last + len(sheet.footer))


def _banner(ws, row: int, text: str, columns: int, style: str, height: int) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    target = ws.cell(row=row, column=1)
    _set_text(target, text)
    target.style = style
    ws.row_dimensions[row].height = height


def _set_text(target, text: str) -> None:
    """Text is always text: a leading = + - @ never becomes a formula."""
    target.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    target.data_type = "s"
    if text.startswith(_FORMULA_START):
        target.quotePrefix = True


def _cell(ws, cell: Cell, styles: _Styles) -> str:
    """Write the value and merge; returns the cell's style (applied after the merges, which are then cheap)."""
    row, col = _TOP + cell.row, 1 + cell.col
    target = ws.cell(row=row, column=col)
    number = "General"
    if isinstance(cell.value, (Decimal, int, float)) and not isinstance(cell.value, bool) and not cell.percent:
        target.value = float(cell.value)
        number = "0." + "0" * cell.decimals if cell.decimals else "0"
    elif cell.text:
        _set_text(target, cell.text)
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
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if sheet.landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    top, right, bottom, left = (cm / 2.54 for cm in MARGINS_CM)
    ws.page_margins = PageMargins(left=left, right=right, top=top, bottom=bottom, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"1:{_TOP - 1 + sheet.header_rows}"
    ws.print_area = f"A1:{get_column_letter(len(sheet.widths_cm))}{last_row}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.sheet_view.showGridLines = False
