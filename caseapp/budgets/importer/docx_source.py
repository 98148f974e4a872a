"""Read a .docx body into blocks: paragraphs and tables in order, each table's merges resolved explicitly.

python-docx's ``row.cells`` repeats a merged cell's text in every grid column it spans and in every
row of a vertical merge, so counting or pairing cells through it double-counts. Here each ``<w:tc>``
becomes one :class:`Cell` at the grid column it starts at, spanning ``gridSpan`` columns; a
``vMerge="continue"`` cell extends the cell above it instead of becoming a cell of its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from caseapp.budgets.importer.cells import Block, Cell, Grid, Paragraph
from caseapp.core.officefile import read_docx

if TYPE_CHECKING:  # python-docx is imported when a document is read, not by every command
    from docx.table import Table


def docx_blocks(data: bytes) -> list[Block]:
    """Check an uploaded .docx and list its paragraphs and tables in reading order."""
    from docx.text.paragraph import Paragraph as DocxParagraph

    blocks: list[Block] = []
    tables = 0
    for item in read_docx(data).iter_inner_content():
        if isinstance(item, DocxParagraph):
            blocks.append(Paragraph(item.text, f"第{len(blocks) + 1}段"))
        else:
            tables += 1
            blocks.append(table_grid(item, tables))
    return blocks


@dataclass
class _Span:
    """A cell being built: vertical-merge continuations below it extend ``rowspan``."""

    text: str
    row: int
    col: int
    colspan: int
    rowspan: int = 1


def table_grid(table: Table, number: int) -> Grid:
    """One Word table as a grid of real cells."""
    from docx.table import _Cell

    name = f"第{number}张表"
    open_at: dict[int, _Span] = {}  # grid column → the cell a continuation there extends
    spans: list[_Span] = []
    for row, tr in enumerate(table._tbl.tr_lst):
        col = tr.grid_before
        for tc in tr.tc_lst:
            above = open_at.get(col)
            if tc.vMerge == "continue" and above is not None:
                above.rowspan = row - above.row + 1
            else:
                span = _Span(_Cell(tc, table).text.strip(), row, col, tc.grid_span)
                spans.append(span)
                open_at[col] = span
            col += tc.grid_span
    return Grid([Cell(s.text, s.row, s.col, s.rowspan, s.colspan, f"{name}第{s.row + 1}行第{s.col + 1}列")
                 for s in spans], name)
