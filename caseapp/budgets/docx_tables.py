"""Read Word tables by their real cells: one entry per <w:tc>, merges resolved explicitly.

python-docx's ``row.cells`` repeats a merged cell's text in every grid column it spans and in every
row of a vertical merge, so counting or pairing cells through it double-counts. Here each row lists
its ``tc`` elements once, with the grid column they start at and how many they span; a vertical-merge
continuation carries the text of the cell above it and says so.
"""
from __future__ import annotations

from dataclasses import dataclass

from docx.table import Table, _Cell

from caseapp.budgets.targets import squash


@dataclass(frozen=True)
class GridCell:
    """One real table cell."""

    text: str
    #: ``text`` squashed (NFKC, no whitespace) for label comparisons.
    key: str
    col: int
    span: int
    #: True for a vertical-merge continuation; ``text`` then repeats the cell the merge started in.
    from_above: bool

    def covers(self, col: int) -> bool:
        """Whether this cell spans grid column ``col``."""
        return self.col <= col < self.col + self.span


def grid_rows(table: Table) -> list[list[GridCell]]:
    """Rows of real cells with vertical merges resolved to the text of their first cell."""
    above: dict[int, str] = {}
    rows = []
    for tr in table._tbl.tr_lst:
        col = tr.grid_before
        row = []
        for tc in tr.tc_lst:
            row.append(_grid_cell(tc, table, col, above))
            col += tc.grid_span
        rows.append(row)
    return rows


def _grid_cell(tc, table: Table, col: int, above: dict[int, str]) -> GridCell:
    """Build one cell, remembering restart text per column for the continuations below it."""
    continues = tc.vMerge == "continue"
    text = above.get(col, "") if continues else _Cell(tc, table).text.strip()
    if not continues:
        above[col] = text
    return GridCell(text, squash(text), col, tc.grid_span, continues)


def cell_at(row: list[GridCell], col: int) -> GridCell | None:
    """The cell covering grid column ``col``, if any."""
    return next((cell for cell in row if cell.covers(col)), None)
