"""Streamed .xlsx tables ready to print: every list export of the application is written through here.

A :class:`TableDoc` is what an office expects of a printed list: a centred title (宋体), the lines under it
(the organisation's full name, the 公示期, a notice), a bold header row repeated on every printed page, thin
borders on every cell of the table, column widths, the lines under the table (合计, 大写, the signature line
制表人 / 审核人 / 单位负责人) and the page set up for A4 (fit to the page width, page numbers in the footer).
Rows are streamed (openpyxl write-only), so an export of 100,000 rows stays within memory.

The official forms of ``printform`` share the fonts, margins and page setup defined here.
"""
from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from caseapp.core.printform import BODY_FONT, MARGINS_CM, TITLE_FONT

#: GB2312 character set and "modern" family: Excel picks another Chinese font of that kind when 仿宋 is missing
CJK = {"charset": 134, "family": 3}
#: a sheet whose columns add up to more than this (Excel width units) is printed landscape
PORTRAIT_WIDTH = 100
#: the signature line under a list that is signed before money moves
SIGNATURES = "制表人：　　　　　　　　审核人：　　　　　　　　单位负责人：　　　　　　　　"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")


@dataclass
class Col:
    """A column of a printed list."""

    header: str
    width: float = 14  #: Excel width units (about one Latin character each; a Chinese character takes 2)
    text: bool = False  #: stored and formatted as text (ID numbers, accounts, codes)
    money: bool = False  #: a number of 元 shown as 1,000.00


@dataclass
class TableDoc:
    """A list to print: title, lines above and below the table, orientation."""

    title: str
    above: list[str] = field(default_factory=list)  #: organisation, period, notice (one line each)
    below: list[str] = field(default_factory=list)  #: totals, dates and the signature line
    landscape: bool | None = None  #: None: landscape when the columns are too wide for portrait
    sheet: str = ""  #: the worksheet's name (default: the title)
    header_first: bool = False  #: no title rows: the header is row 1 (files other systems read, e.g. a bank's)

    @property
    def header_row(self) -> int:
        """The 1-based row of the column headers."""
        return 1 if self.header_first else 2 + len(self.above)


class Styles:
    """Named styles registered once per workbook (assigning a name is far cheaper than font + border + fill)."""

    def __init__(self, wb) -> None:
        self.wb, self.names = wb, set()

    def name(self, *, bold: bool = False, align: str = "left", number: str = "General", border: bool = True,
             size: int = 11, font: str = BODY_FONT[0], fill: bool = False, wrap: bool = True) -> str:
        """The name of the style with these properties, registered on first use."""
        key = f"{font}-{size}-{'b' if bold else 'n'}-{align}-{number}-{'g' if border else 'x'}-{int(fill)}{int(wrap)}"
        if key not in self.names:
            self.wb.add_named_style(NamedStyle(
                name=key, number_format=number, font=Font(name=font, size=size, bold=bold, **CJK),
                alignment=Alignment(horizontal=align, vertical="center", wrap_text=wrap),
                border=_BORDER if border else Border(), fill=_HEAD_FILL if fill else PatternFill()))
            self.names.add(key)
        return key


def text_value(text: str) -> str:
    """Text without the characters XML cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def set_text(cell, text: str) -> None:
    """Text stays text: stored as a string, and a leading = + - @ never becomes a formula."""
    text = text_value(text)
    cell._value, cell.data_type = text, "s"
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True


def styled_cell(ws, value, style: str):
    """A write-only cell with a named style; text stays text (a leading = never becomes a formula)."""
    cell = WriteOnlyCell(ws)
    cell.style = style  # first: assigning a named style resets the quote prefix set_text may add
    if isinstance(value, str):
        set_text(cell, value)
    elif value is not None:
        cell.value = value
    return cell


def workbook() -> tuple[openpyxl.Workbook, Styles]:
    """An empty streamed workbook and its style registry."""
    wb = openpyxl.Workbook(write_only=True)
    return wb, Styles(wb)


def save(wb) -> bytes:
    """The workbook as bytes."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def table_workbook(doc: TableDoc, columns: list, rows: Iterable[list]) -> tuple[bytes, int]:
    """One print-ready list as a workbook; returns (bytes, data row count)."""
    wb, styles = workbook()
    count = write_table(wb, styles, doc, columns, rows)
    return save(wb), count


def write_table(wb, styles: Styles, doc: TableDoc, columns: list, rows: Iterable[list]):
    """Add ``doc`` as a worksheet of ``wb``; ``columns`` have ``header``, ``width``, ``text`` (and ``money``).
    Returns the data row count; the sheet is returned by :func:`last_sheet` for extras (drop-downs)."""
    ws = wb.create_sheet((doc.sheet or doc.title)[:31])
    widths = [float(c.width) for c in columns]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    last = get_column_letter(len(columns))
    head = doc.header_row
    # the sheet's properties, view and columns are written with the first row: set them up before it
    ws.freeze_panes = f"A{head + 1}"
    page_setup(ws, landscape=_landscape(doc, widths), title_rows=f"{head}:{head}",
               header_text=doc.title if doc.header_first else "")
    if not doc.header_first:
        _line(ws, styles, doc.title, last, 1, styles.name(bold=True, size=16, font=TITLE_FONT[0], align="center",
                                                          border=False, wrap=False), 32)
        for n, line in enumerate(doc.above, start=2):
            _line(ws, styles, line, last, n, styles.name(border=False), None)
    ws.append([styled_cell(ws, c.header, styles.name(bold=True, align="center", fill=True)) for c in columns])
    looks = [_column_style(styles, c) for c in columns]
    count = 0
    for row in rows:
        ws.append([styled_cell(ws, value, look) for value, look in zip(row, looks)])
        count += 1
    for n, line in enumerate(doc.below, start=head + count + 1):
        _line(ws, styles, line, last, n, styles.name(border=False), None)
    ws.print_area = f"A1:{last}{head + count + len(doc.below)}"
    return count


def _column_style(styles: Styles, column) -> str:
    if getattr(column, "money", False):
        return styles.name(align="right", number="#,##0.00")
    return styles.name(number="@" if getattr(column, "text", False) else "General")


def _line(ws, styles: Styles, text: str, last: str, row: int, style: str, height: int | None) -> None:
    """A line of text across the table's width (title, notice, total, signatures)."""
    ws.merged_cells.add(f"A{row}:{last}{row}")
    ws.append([styled_cell(ws, text, style)])
    lines = max(1, len(text) // 60 + 1) if height is None else 1
    ws.row_dimensions[row].height = height or 18 * lines + 4


def _landscape(doc: TableDoc, widths: list[float]) -> bool:
    return doc.landscape if doc.landscape is not None else sum(widths) > PORTRAIT_WIDTH


def page_setup(ws, *, landscape: bool, title_rows: str, header_text: str = "") -> None:
    """A4, the table's margins, fit to the page width, rows repeated on every page, page numbers below."""
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    top, right, bottom, left = (cm / 2.54 for cm in MARGINS_CM)
    ws.page_margins = PageMargins(left=left, right=right, top=top, bottom=bottom, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if header_text:
        ws.oddHeader.center.text = header_text
    ws.sheet_view.showGridLines = False
