"""Official forms (表) laid out once as a grid of cells with merges, then written to .xlsx or .docx.

A :class:`Sheet` is what a printed form needs: a title, a line under it, the table's cells (each with its
row and column span), column widths in centimetres, the lines under the table (signatures) and the page
setup. ``printform_xlsx`` and ``printform_docx`` render the same sheet, so both files show the same table.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

#: 宋体 for titles, 仿宋 for the body, as official forms use; each with the names Office falls back to
TITLE_FONT = ("宋体", "SimSun")
BODY_FONT = ("仿宋", "FangSong")
#: A4 in centimetres and the margins of a printed form (top, right, bottom, left)
A4 = (21.0, 29.7)
MARGINS_CM = (2.0, 1.5, 2.0, 1.8)


@dataclass
class Cell:
    """One cell of the table, 0-based, spanning ``rowspan`` × ``colspan`` grid cells."""

    row: int
    col: int
    value: object = None  #: text, or a number (Decimal) shown with ``decimals``
    rowspan: int = 1
    colspan: int = 1
    bold: bool = False
    align: str = "center"  #: left / center / right
    decimals: int | None = None  #: a number shown with this many decimals (xlsx keeps it a number)
    percent: bool = False  #: a number shown with a % sign

    @property
    def text(self) -> str:
        """The cell as printed."""
        if self.value is None:
            return ""
        if isinstance(self.value, (Decimal, int, float)) and self.decimals is not None:
            q = Decimal(1).scaleb(-self.decimals)
            shown = f"{Decimal(str(self.value)).quantize(q, ROUND_HALF_UP):f}"
            return shown + ("%" if self.percent else "")
        return str(self.value)


@dataclass
class Sheet:
    """One printed form."""

    name: str  #: the worksheet's name (at most 31 characters)
    title: str
    subtitle: str  #: the line under the title (year, unit of money)
    widths_cm: list[float]
    cells: list[Cell] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)  #: lines under the table: 填报人 … 日期
    #: paragraphs between the subtitle and the table (a notice's text), indented two characters; Word only
    notes: list[str] = field(default_factory=list)
    #: right-aligned lines at the end (the issuing organisation, the date); Word only
    closing: list[str] = field(default_factory=list)
    landscape: bool = False
    #: rows of the table that belong to one block and should not be split across pages
    header_rows: int = 0

    @property
    def row_count(self) -> int:
        """Rows of the table."""
        return max((c.row + c.rowspan for c in self.cells), default=0)

    def add(self, row: int, col: int, value=None, **kwargs) -> Cell:
        """Add a cell and return it."""
        cell = Cell(row, col, value, **kwargs)
        self.cells.append(cell)
        return cell

    def merges(self) -> list[tuple[int, int, int, int]]:
        """(first row, first col, last row, last col) of every merged cell, 0-based."""
        return [(c.row, c.col, c.row + c.rowspan - 1, c.col + c.colspan - 1) for c in self.cells
                if c.rowspan > 1 or c.colspan > 1]


def wan(fen: int | None) -> Decimal | None:
    """分 in 万元 with two decimals, half up (47,660,000 → 47.66)."""
    if fen is None:
        return None
    return (Decimal(fen) / 1_000_000).quantize(Decimal("0.01"), ROUND_HALF_UP)


def sheet_name(text: str, taken: set[str]) -> str:
    """A worksheet name from ``text``: no []:*?/\\ characters, at most 31 long, unique in the workbook."""
    base = "".join("_" if ch in '[]:*?/\\' else ch for ch in text).strip() or "表"
    name, n = base[:31], 2
    while name in taken:
        suffix = f"({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name
