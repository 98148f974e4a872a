"""One flat table for a whole department: 单位名称 | 项目名称 | 预算数 | 年度目标 | 一级 | 二级 | 三级 | 指标值 …

The project cells are merged down the rows of their indicators (or repeated); a 合计 row at the end is
checked against the projects' budgets and not imported.
"""
from __future__ import annotations

from dataclasses import dataclass

from caseapp.budgets.importer.cells import Cell, Grid
from caseapp.budgets.importer.header import Entry, HeaderFacts
from caseapp.budgets.importer.labels import header_synonym, label_key
from caseapp.budgets.importer.tables import Region

_TOTAL_WORDS = ("合计", "总计")


@dataclass
class FlatProject:
    """The rows of one project in a flat table, with its project cells read as a header block."""

    facts: HeaderFacts
    rows: range


@dataclass
class FlatTable:
    """A flat table cut into projects, and its 合计 cell (checked against them)."""

    projects: list[FlatProject]
    total: Cell | None
    #: header cells that are project columns (not indicator columns)
    project_columns: list[Cell]


def split_flat(region: Region) -> FlatTable:
    """Group the data rows by their 项目名称 cell; a 合计 row is remembered, not a project."""
    grid, columns = region.grid, region.columns
    headers = {c.col: c for c in grid.row(0) if c.key and header_synonym(c.text) is not None}
    name_col = next(col for col, c in headers.items() if header_synonym(c.text).field == "name")
    budget_col = next((col for col, c in headers.items() if header_synonym(c.text).field == "budget"), None)
    groups: list[tuple[Cell, list[int]]] = []
    total = None
    for row in range(columns.header_rows, grid.nrows):
        if _is_total(grid, row):
            total = grid.at(row, budget_col) if budget_col is not None else None
            continue
        name = grid.at(row, name_col)
        if name is None or not name.key:
            continue
        if groups and (groups[-1][0] is name or groups[-1][0].key == name.key):
            groups[-1][1].append(row)
        else:
            groups.append((name, [row]))
    projects = [FlatProject(_facts(grid, headers, rows[0]), range(rows[0], rows[-1] + 1)) for _, rows in groups]
    return FlatTable(projects, total, list(headers.values()))


def _is_total(grid: Grid, row: int) -> bool:
    """A row whose first non-blank cell says 合计 or 总计."""
    first = next((c for c in grid.row(row) if c.key), None)
    return first is not None and label_key(first.text).key in _TOTAL_WORDS


def _facts(grid: Grid, headers: dict[int, Cell], row: int) -> HeaderFacts:
    """A project's cells (its first row under each project column) as label → value entries."""
    entries = []
    for col, header in headers.items():
        synonym = header_synonym(header.text)
        value = grid.at(row, col)
        entries.append(Entry(synonym.field, synonym.rank, header, [value] if value is not None else [],
                             label_key(header.text).unit))
    return HeaderFacts(entries)
