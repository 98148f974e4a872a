"""Read the 绩效指标 rows of a project (一级/二级/三级指标, 描述, 指标值, 依据)."""
from __future__ import annotations

from dataclasses import dataclass

from caseapp.budgets.docx_tables import GridCell, cell_at
from caseapp.budgets.targets import ParsedTarget, parse_target, suggest_metric

#: Columns every indicator table has; the others are optional.
_REQUIRED = ("level1", "level3", "target")
#: Levels that a blank cell inherits from the row above (Word files often leave them empty).
_CARRIED = ("level1", "level2")


@dataclass
class ParsedIndicator:
    """One 绩效指标 row; ``metric`` is the suggested computation or 'manual'."""

    level1: str
    level2: str
    level3: str
    description: str
    target_text: str
    target: ParsedTarget
    basis: str
    metric: str


def _column_field(key: str) -> str | None:
    """Which field a header label names: 一级指标 → level1, 指标值 → target, 指标值确定依据 → basis."""
    for prefix, name in (("一级指标", "level1"), ("二级指标", "level2"), ("三级指标", "level3")):
        if key.startswith(prefix):
            return name
    if "依据" in key:
        return "basis"
    if "描述" in key or key in ("指标内容", "指标说明"):
        return "description"
    if key.startswith(("指标值", "目标值", "年度指标值")):
        return "target"
    return None


def header_columns(row: list[GridCell]) -> dict[str, int]:
    """Field name → grid column for an indicator header row (first occurrence wins)."""
    columns: dict[str, int] = {}
    for cell in row:
        name = _column_field(cell.key)
        if name and name not in columns:
            columns[name] = cell.col
    return columns


def find_indicator_header(rows: list[list[GridCell]]) -> int | None:
    """Index of the row labelled 一级指标 … 指标值, if the table has one."""
    for index, row in enumerate(rows):
        if all(name in header_columns(row) for name in _REQUIRED):
            return index
    return None


def parse_indicators(rows: list[list[GridCell]], header_index: int, project_label: str,
                     warnings: list[str]) -> list[ParsedIndicator]:
    """Indicator rows under the header; blank 一级/二级 cells inherit from the row above."""
    columns = header_columns(rows[header_index])
    indicators: list[ParsedIndicator] = []
    carried = {name: "" for name in _CARRIED}
    for row in rows[header_index + 1:]:
        values = _row_values(row, columns)
        if not any(values.get(name) for name in ("level3", "description", "target")):
            continue
        for name in _CARRIED:
            carried[name] = values.get(name) or carried[name]
            values[name] = carried[name]
        indicators.append(_indicator(values, project_label, warnings))
    return indicators


def _row_values(row: list[GridCell], columns: dict[str, int]) -> dict[str, str]:
    """Field texts of one row; a cell spanning several fields counts for the first one only."""
    values: dict[str, str] = {}
    used: set[int] = set()
    for name, col in sorted(columns.items(), key=lambda item: item[1]):
        cell = cell_at(row, col)
        if cell is not None and cell.col not in used:
            used.add(cell.col)
            values[name] = cell.text
    return values


def _indicator(values: dict[str, str], project_label: str, warnings: list[str]) -> ParsedIndicator:
    """Build one indicator and suggest its metric."""
    get = lambda name: values.get(name, "")  # noqa: E731 - a local shorthand
    if not get("target"):
        warnings.append(f"项目“{project_label}”的指标“{get('level3') or get('description')}”没有指标值")
    target = parse_target(get("target"))
    metric = suggest_metric(get("level1"), get("level2"), get("level3"), get("description"), target)
    return ParsedIndicator(get("level1"), get("level2"), get("level3"), get("description"), get("target"),
                           target, get("basis"), metric)
