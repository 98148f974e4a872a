"""Read an indicator block: map its columns to fields, then each row to a :class:`ParsedIndicator`.

Columns are mapped by label (labels.INDICATOR_SYNONYMS plus what the user or a template taught for this
organisation); a table that cannot be mapped keeps its rows and becomes a question. A target split over
指标性质 | 指标值 | 度量单位 is joined back into one text (≥ 95 %), and 分值 / 权重 become the indicator's weight.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from caseapp.budgets.importer.cells import Cell, Grid, squash
from caseapp.budgets.importer.document import ParsedIndicator
from caseapp.budgets.importer.labels import DIRECTION_SIGNS, direction_of, indicator_synonyms, label_key
from caseapp.budgets.importer.targets import ParsedTarget, parse_target, suggest_metric

#: Levels that a blank cell inherits from the row above (Word files often leave them empty).
_CARRIED = ("level1", "level2")
#: The fields that name an indicator: a table needs a target and one of these.
NAME_FIELDS = ("level3", "description", "level2")
_WEIGHT_RE = re.compile(r"^(\d+(?:\.\d+)?)(?:分|%)?$")
_TOTAL_WORDS = ("合计", "总计", "总分")
_COMPARISON_START = ("≥", "≤", ">", "<", "=", "不低于", "不少于", "不超过", "不高于", "达到")


@dataclass
class ColumnMap:
    """Which grid column holds which field, and the header cells nothing matched."""

    fields: dict[str, int]
    unmapped: list[Cell] = field(default_factory=list)
    #: header rows (one, or two when a merged label stands over sub-labels)
    header_rows: int = 1
    #: every non-blank header cell, left to right
    header_cells: list[Cell] = field(default_factory=list)

    def field_of(self, cell: Cell) -> str | None:
        """The field a header cell was mapped to."""
        return next((name for name, col in self.fields.items() if col == cell.col), None)

    @property
    def complete(self) -> bool:
        """A target column and a column naming the indicator."""
        return "target" in self.fields and any(name in self.fields for name in NAME_FIELDS)


def map_columns(grid: Grid, row: int, learned: dict[str, str]) -> ColumnMap:
    """Fields of the header row ``row`` (and a sub-label row under it); learned labels first, then synonyms."""
    headers = _header_cells(grid, row)
    depth = 2 if headers[1] else 1
    cells = headers[1] + [c for c in headers[0] if not any(c.covers(row, s.col) for s in headers[1])]
    candidates = []
    for cell in cells:
        key = label_key(cell.text).key
        if key in learned:
            candidates.append((9, cell, learned[key]))
        for synonym in indicator_synonyms(cell.text):
            candidates.append((synonym.rank, cell, synonym.field))
            if synonym.fallback:
                candidates.append((synonym.rank - 10, cell, synonym.fallback))
    fields, ignored = _assign(candidates)
    used = {id(c) for c in fields.values()} | ignored
    unmapped = [c for c in cells if c.key and id(c) not in used]
    return ColumnMap({name: c.col for name, c in fields.items()}, unmapped, depth,
                     sorted((c for c in cells if c.key), key=lambda c: c.col))


def _header_cells(grid: Grid, row: int) -> tuple[list[Cell], list[Cell]]:
    """The header row's cells, and the cells of the row below when it holds only sub-labels."""
    top = [c for c in grid.row(row) if c.key]
    below = [c for c in grid.row(row + 1) if c.row == row + 1 and c.key] if row + 1 < grid.nrows else []
    own = [c for c in top if c.row == row]
    spanning = [c for c in own if c.colspan > 1]
    if below and spanning and all(indicator_synonyms(c.text) or "指标" in c.key for c in own) \
            and all(indicator_synonyms(c.text) for c in below):
        return top, below
    return top, []


def _assign(candidates: list[tuple[int, Cell, str]]) -> tuple[dict[str, Cell], set[int]]:
    """Best-ranked first, one column per field and one field per column; also the ids of ignored columns."""
    fields: dict[str, Cell] = {}
    ignored: set[int] = set()
    for _rank, cell, name in sorted(candidates, key=lambda c: (-c[0], c[1].col)):
        if id(cell) in ignored or cell in fields.values() or name in fields:
            continue
        if name == "ignored":
            ignored.add(id(cell))
        else:
            fields[name] = cell
    return fields, ignored


def read_rows(grid: Grid, rows: range, columns: ColumnMap, project_label: str,
              warnings: list[str]) -> list[ParsedIndicator]:
    """Indicator rows ``rows``; blank 一级/二级 cells inherit from the row above."""
    indicators: list[ParsedIndicator] = []
    carried = {name: "" for name in _CARRIED}
    for row in rows:
        values = row_values(grid, row, columns)
        if _skip(values):
            continue
        for name in _CARRIED:
            carried[name] = values[name].text if values.get(name) and values[name].text else carried[name]
        indicators.append(_indicator(values, carried, columns, project_label, warnings))
    return indicators


def row_values(grid: Grid, row: int, columns: ColumnMap) -> dict[str, Cell]:
    """Field → cell of one row; a cell spanning several mapped columns counts for the leftmost only."""
    values: dict[str, Cell] = {}
    used: set[int] = set()
    for name, col in sorted(columns.fields.items(), key=lambda item: item[1]):
        cell = grid.at(row, col)
        if cell is not None and id(cell) not in used:
            used.add(id(cell))
            values[name] = cell
    return values


def _skip(values: dict[str, Cell]) -> bool:
    """Rows naming nothing and targeting nothing, total rows and repeated header rows are not indicators."""
    texts = {name: cell.text for name, cell in values.items()}
    if not any(texts.get(name) for name in ("level3", "description", "target")):
        return True
    first = squash(next((t for t in texts.values() if t), ""))
    return first in _TOTAL_WORDS or any(indicator_synonyms(texts.get(n, "")) for n in ("target", "level3"))


def _indicator(values: dict[str, Cell], carried: dict[str, str], columns: ColumnMap, project_label: str,
               warnings: list[str]) -> ParsedIndicator:
    """One indicator: joined target, weight, category and the suggested metric."""
    text = {name: cell.text for name, cell in values.items()}
    level1, level2 = carried["level1"], carried["level2"]
    level3 = text.get("level3", "") or ("" if "level3" in columns.fields else level2)
    target_cell = values.get("target")
    target_text = joined_target(text.get("direction", ""), text.get("target", ""), text.get("target_unit", ""))
    name = level3 or text.get("description", "")
    if not target_text:
        where = f"（{target_cell.ref}）" if target_cell is not None else ""
        warnings.append(f"项目“{project_label}”的指标“{name}”没有指标值{where}")
    target = parse_target(target_text)
    if text.get("direction") and direction_of(text["direction"]) == "qualitative" and target.direction != "date":
        target = ParsedTarget("qualitative", None, None, target_text)
    return ParsedIndicator(level1, level2, level3, text.get("description", ""), target_text, target,
                           text.get("basis", ""), suggest_metric(level1, level2, level3, text.get("description", ""),
                                                                 target),
                           _weight(values.get("weight"), project_label, warnings), category(level1, level2, level3),
                           {name: cell.ref for name, cell in values.items()})


def joined_target(direction: str, value: str, unit: str) -> str:
    """指标性质 | 指标值 | 度量单位 as one target: ≥ | 95 | % → ≥95%; a value that says it all is kept."""
    value = value.strip()
    sign = DIRECTION_SIGNS.get(direction_of(direction) or "", "") if direction else ""
    if sign and value and not value.startswith(_COMPARISON_START):
        value = sign + value
    unit = unit.strip()
    if unit and value and not squash(value).endswith(squash(unit)) and re.search(r"\d$", squash(value)):
        value += unit
    return value


def _weight(cell: Cell | None, project_label: str, warnings: list[str]) -> Decimal | None:
    """分值 / 权重 as a number: 10, 10分, 10% → 10; anything else a warning."""
    if cell is None or not cell.key:
        return None
    match = _WEIGHT_RE.match(cell.key)
    try:
        return Decimal(match.group(1)) if match else _bad_weight(cell, project_label, warnings)
    except InvalidOperation:
        return _bad_weight(cell, project_label, warnings)


def _bad_weight(cell: Cell, project_label: str, warnings: list[str]) -> None:
    warnings.append(f"项目“{project_label}”的分值/权重“{cell.text}”（{cell.ref}）无法识别为数字，已留空")
    return None


def category(level1: str, level2: str, level3: str) -> str:
    """The 一级 group: 满意度 wherever it is placed (also under 效益), 成本 only as its own 一级."""
    l1, l2 = squash(level1), squash(level2)
    if "满意" in l1 + l2 or "满意" in squash(level3) and not l1:
        return "satisfaction"
    if "成本" in l1:
        return "cost"
    if "产出" in l1 or "完成" in l1:
        return "output"
    if "效益" in l1 or "效果" in l1:
        return "benefit"
    return ""
