"""Find the tables in a grid: a project's header block, its indicator block, a whole department's flat table.

One Word table or worksheet block may hold a header block and an indicator block (one form), either of
them alone (the seed: two tables per project), one flat table listing every project of a department, or
something else (the 部门整体 table, a signature block) that is not imported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from caseapp.budgets.importer.cells import Grid
from caseapp.budgets.importer.header import has_project_labels
from caseapp.budgets.importer.indicators import ColumnMap, map_columns
from caseapp.budgets.importer.labels import header_synonym, indicator_synonyms

_DEPARTMENT_RE = re.compile(r"部门整体|整体绩效|年度主要任务|部门职能")
#: A header cell of an indicator table the reader cannot map is short text, never a number.
_HEADER_TEXT_RE = re.compile(r"^[^\d]{1,16}$")


@dataclass
class Region:
    """A part of a grid with one role; its rows are renumbered from 0."""

    #: header / indicators / flat / department / caption
    kind: str
    grid: Grid
    columns: ColumnMap | None = None


def find_regions(grid: Grid, learned: dict[str, str], after_header: bool) -> list[Region]:
    """The roles of a grid's parts, top to bottom; ``after_header`` when a header table came just before."""
    header_row = _indicator_header(grid, learned, after_header)
    if header_row is None:
        if has_project_labels(grid):
            return [Region("header", grid)]
        return [Region("department", grid)] if is_department(grid) else [Region("caption", grid)]
    body = grid.rows_between(header_row, grid.nrows - 1)
    columns = map_columns(body, 0, learned)
    top = [grid.rows_between(0, header_row - 1)] if header_row else []
    if _is_flat(body):
        return [Region("caption", g) for g in top] + [Region("flat", body, columns)]
    if top and has_project_labels(top[0]):
        return [Region("header", top[0]), Region("indicators", body, columns)]
    if is_department(grid):
        return [Region("department", grid)]
    return [Region("caption", g) for g in top] + [Region("indicators", body, columns)]


def is_department(grid: Grid) -> bool:
    """The 部门整体绩效目标表 (the department as a whole, no project of its own)."""
    return not has_project_labels(grid) and any(_DEPARTMENT_RE.search(c.key) for c in grid.cells)


def _indicator_header(grid: Grid, learned: dict[str, str], after_header: bool) -> int | None:
    """The first row that heads an indicator table, mapped or not."""
    for row in range(grid.nrows):
        columns = map_columns(grid, row, learned)
        if columns.complete or _looks_like_header(grid, row, columns, after_header):
            return row
    return None


def _looks_like_header(grid: Grid, row: int, columns: ColumnMap, after_header: bool) -> bool:
    """An indicator header the reader cannot fully map: two known columns, two 指标 words, or (first row
    of a table right after a header table) three or more short texts with rows under them."""
    cells = [c for c in grid.row(row) if c.key and c.row == row]
    if len(columns.fields) >= 2 or sum("指标" in c.key for c in cells) >= 2:
        return not any(header_synonym(c.text) for c in cells if not indicator_synonyms(c.text))
    return (after_header and row == 0 and len(cells) >= 3 and grid.nrows > 1
            and all(_HEADER_TEXT_RE.match(c.key) for c in cells))


def _is_flat(body: Grid) -> bool:
    """A header row with a 项目名称 column: every project of a department in one table."""
    return any((s := header_synonym(c.text)) is not None and s.field == "name" for c in body.row(0))
