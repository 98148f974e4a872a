"""The one cell-grid interface the reader works on, whatever the file: real cells with their merged ranges.

A Word table and a block of worksheet rows become the same :class:`Grid`: every merged range is one
:class:`Cell` listed once at its top-left position, addressable from any grid position it covers, and
named the way a warning should name it (第2张表第3行第2列, 工作表“绩效目标”B4). Paragraphs between tables
(Word) and lone caption rows (Excel) become :class:`Paragraph` blocks in reading order.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, NamedTuple


def squash(text: str | None) -> str:
    """NFKC-normalise and drop all whitespace (full-width spaces included) for comparisons."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


@dataclass(frozen=True)
class Cell:
    """One real cell: a merged range counts once, at its top-left grid position."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    #: How a warning names the cell: 第2张表第3行第2列 / 工作表“绩效目标”B4.
    ref: str = ""
    #: ``text`` squashed (NFKC, no whitespace) for label comparisons.
    key: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", squash(self.text))

    @property
    def last_row(self) -> int:
        """The last grid row the cell covers."""
        return self.row + self.rowspan - 1

    @property
    def last_col(self) -> int:
        """The last grid column the cell covers."""
        return self.col + self.colspan - 1

    def covers(self, row: int, col: int) -> bool:
        """Whether this cell spans grid position (row, col)."""
        return self.row <= row <= self.last_row and self.col <= col <= self.last_col


class Located(NamedTuple):
    """A value read from the document and the cell or line it was read from."""

    value: Any
    ref: str


@dataclass(frozen=True)
class Paragraph:
    """A line of text outside any table: a title, a heading, a 单位：万元 line, prose."""

    text: str
    ref: str = ""


class Grid:
    """A table as real cells, addressable by grid position; rows and columns count from 0."""

    def __init__(self, cells: list[Cell], name: str):
        self.name = name
        self.cells = sorted(cells, key=lambda c: (c.row, c.col))
        self._at: dict[tuple[int, int], Cell] = {}
        for cell in self.cells:
            for row in range(cell.row, cell.last_row + 1):
                for col in range(cell.col, cell.last_col + 1):
                    self._at[(row, col)] = cell
        self.nrows = max((c.last_row + 1 for c in self.cells), default=0)
        self.ncols = max((c.last_col + 1 for c in self.cells), default=0)

    def at(self, row: int, col: int) -> Cell | None:
        """The cell covering (row, col), if any."""
        return self._at.get((row, col))

    def row(self, row: int) -> list[Cell]:
        """The cells covering ``row``, each once, left to right (cells merged down from above included)."""
        seen: list[Cell] = []
        for col in range(self.ncols):
            cell = self._at.get((row, col))
            if cell is not None and (not seen or seen[-1] is not cell):
                seen.append(cell)
        return seen

    def right_of(self, cell: Cell, row: int | None = None) -> Cell | None:
        """The cell just right of ``cell`` in ``row`` (default: the cell's first row)."""
        return self.at(cell.row if row is None else row, cell.last_col + 1)

    def below(self, cell: Cell) -> Cell | None:
        """The cell just below ``cell`` in its first column."""
        return self.at(cell.last_row + 1, cell.col)

    def rows_between(self, first: int, last: int) -> Grid:
        """A grid of the cells starting in rows ``first``..``last``, renumbered from row 0 (merges clipped)."""
        kept = [c for c in self.cells if first <= c.row <= last]
        return Grid([Cell(c.text, c.row - first, c.col, min(c.rowspan, last - c.row + 1), c.colspan, c.ref)
                     for c in kept], self.name)

    def texts(self) -> list[str]:
        """Every cell's text, in reading order."""
        return [cell.text for cell in self.cells]


Block = Paragraph | Grid
