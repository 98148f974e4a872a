"""Reading an exported form back: merges and texts from .xlsx (openpyxl) and .docx (w:gridSpan, w:vMerge)."""
from __future__ import annotations

import io

import openpyxl
from docx import Document
from docx.table import _Cell
from openpyxl.utils import range_boundaries

TOP = 3  #: the xlsx table starts on row 3, under the title and subtitle


def xlsx_merges(ws, rows: int) -> set[tuple[int, int, int, int]]:
    """Merged ranges inside the table's ``rows`` as 0-based (first row, first col, last row, last col)."""
    found = set()
    for rng in ws.merged_cells.ranges:
        min_col, min_row, max_col, max_row = range_boundaries(str(rng))
        if TOP <= min_row < TOP + rows:
            found.add((min_row - TOP, min_col - 1, max_row - TOP, max_col - 1))
    return found


def xlsx_text(ws, row: int, col: int):
    return ws.cell(row=row + TOP, column=col + 1).value


def docx_grid(table) -> tuple[set, dict]:
    """(merges, {(row, col): text}) of a Word table, from each cell's grid span and vertical merge."""
    boxes, open_boxes, texts = [], {}, {}
    for r, tr in enumerate(table._tbl.tr_lst):
        col = 0
        for tc in tr.tc_lst:
            if tc.vMerge == "continue":
                open_boxes[col][2] = r
            else:
                box = [r, col, r, col + tc.grid_span - 1]
                boxes.append(box)
                open_boxes[col] = box
                texts[(r, col)] = _Cell(tc, table).text
            col += tc.grid_span
    return {tuple(b) for b in boxes if b[0] != b[2] or b[1] != b[3]}, texts


def load_xlsx(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def load_docx(data: bytes):
    return Document(io.BytesIO(data))
