"""Read a project's header block: every recognised label with the value cells that belong to it.

The same understanding for every layout: a value right of its label (项目名称 | 工会经费), below it when
the row holds only labels (资金总额 | 财政拨款 over 100 | 80), in every row of a label merged down
(年度目标 over 目标1…, 目标2…), and a block label (项目资金（万元）) lending its unit to the labels inside it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from caseapp.budgets.importer.cells import Cell, Grid, Located
from caseapp.budgets.importer.document import PlanPoint
from caseapp.budgets.importer.labels import header_synonym, is_label, label_key, unit_statement

_ORG_CELL_RE = re.compile(r"^\d*(?P<org>[\u4e00-\u9fff()]{1,30}(?:工会|委员会|局|部|办公室|中心))(?:本级|机关)?$")
_YEAR_VALUE_RE = re.compile(r"^((?:19|20)\d{2})年?度?$")
_QUARTER_MONTHS = {"一季度": 3, "二季度": 6, "三季度": 9, "四季度": 12, "上半年": 6, "下半年": 12, "年底": 12,
                   "全年": 12}
_MONTH_RE = re.compile(r"^(?:截至|截止|第)?(\d{1,2})月")
_PERCENT_RE = re.compile(r"^(\d+(?:\.\d+)?)%?$")
_INLINE_PLAN_RE = re.compile(r"^(?P<when>.*[^\d.:])[:]?(?P<pct>\d+(?:\.\d+)?%)$")


@dataclass
class Entry:
    """A recognised label and the cells that hold its value."""

    field: str
    rank: int
    label: Cell
    values: list[Cell]
    #: 万元/元 written in the label's note or in the note of the block label around it.
    label_unit: str | None

    @property
    def first(self) -> Cell | None:
        """The first value cell, if any."""
        return self.values[0] if self.values else None


@dataclass
class HeaderFacts:
    """A header block as read, before money is converted."""

    entries: list[Entry]
    #: every 单位：万元 / 金额单位：元 statement inside the block
    unit_statements: list[Located] = field(default_factory=list)
    org_name: str | None = None

    def of(self, name: str) -> list[Entry]:
        """Entries of one field, best-ranked first."""
        return sorted((e for e in self.entries if e.field == name), key=lambda e: -e.rank)

    def text(self, name: str) -> str:
        """The values of a text field joined by newlines (several goal rows become several lines)."""
        lines = []
        for entry in self.of(name):
            lines += [c.text for c in entry.values if c.text]
        return "\n".join(dict.fromkeys(lines))

    def goal_text(self) -> str:
        """The goal rows in document order; several (总体目标, 年度目标, 目标1 …) each after their label."""
        rows = [(e.label.text, "\n".join(c.text for c in e.values if c.text)) for e in self.entries
                if e.field in ("goal", "goal_line")]
        rows = [(label, text) for label, text in rows if text]
        if len(rows) == 1:
            return rows[0][1]
        return "\n".join(f"{label_key(label).key}：{text}" for label, text in rows)

    def purpose_text(self) -> str:
        """资金用途, or the free row of a 预算规模及资金用途 block."""
        used_for = [e for e in self.of("funds_block") if "用途" in e.label.key]
        return self.text("purpose") or "\n".join(c.text for e in used_for for c in e.values if c.text)

    def value(self, name: str) -> Located:
        """The text of the first value of a field and its cell; ('', '') when absent."""
        for entry in self.of(name):
            if entry.first is not None and entry.first.text:
                return Located(entry.first.text, entry.first.ref)
        return Located("", "")


def read_header(grid: Grid) -> HeaderFacts:
    """Every recognised label of the block with its value cells, the unit statements and the organisation."""
    entries = []
    for cell in grid.cells:
        synonym = header_synonym(cell.text) if cell.key else None
        if synonym is not None:
            entries.append(Entry(synonym.field, synonym.rank, cell, _values(grid, cell),
                                 label_key(cell.text).unit or _block_unit(grid, cell)))
    statements = [Located(unit, c.ref) for c in grid.cells if (unit := unit_statement(c.text))]
    return HeaderFacts(entries, statements, _org(grid, entries))


def has_project_labels(grid: Grid) -> bool:
    """A header block names the project: its code or its name."""
    return any((s := header_synonym(c.text)) and s.field in ("code", "name") for c in grid.cells if c.key)


def _values(grid: Grid, label: Cell) -> list[Cell]:
    """The value cells of a label: right of it in each of its rows, else below it in a row of labels."""
    values: list[Cell] = []
    for row in range(label.row, label.last_row + 1):
        cell = grid.right_of(label, row)
        while cell is not None and not is_label(cell.text):
            if cell not in values:
                values.append(cell)
            cell = grid.right_of(cell, row)
    if values or label.rowspan > 1:
        return values
    below = grid.below(label)
    if below is not None and not is_label(below.text) and _labels_only(grid, label.row):
        return [below]
    return []


def _labels_only(grid: Grid, row: int) -> bool:
    """Whether every non-blank cell starting in ``row`` is a label (a column-header row)."""
    cells = [c for c in grid.row(row) if c.row == row and c.key]
    return len(cells) >= 2 and all(is_label(c.text) for c in cells)


def _block_unit(grid: Grid, cell: Cell) -> str | None:
    """The unit in the note of a label merged down to the left of ``cell`` (项目资金（万元） around 财政拨款)."""
    for col in range(cell.col - 1, -1, -1):
        left = grid.at(cell.row, col)
        if left is not None and left.rowspan > 1 and is_label(left.text):
            return label_key(left.text).unit
    return None


def _org(grid: Grid, entries: list[Entry]) -> str | None:
    """单位名称 / 主管部门 value, else a first-row cell such as 711001魏县总工会本级."""
    for entry in entries:
        if entry.field == "org" and entry.first is not None and entry.first.text:
            return entry.first.text
    for cell in grid.row(0) if grid.nrows else []:
        match = _ORG_CELL_RE.match(cell.key)
        if match:
            return match.group("org")
    return None


def header_year(facts: HeaderFacts) -> Located | None:
    """The year of a 预算年度 | 2025 cell."""
    for entry in facts.of("year"):
        match = entry.first is not None and _YEAR_VALUE_RE.match(entry.first.key)
        if match:
            return Located(int(match.group(1)), entry.first.ref)
    return None


def spending_plan(grid: Grid, facts: HeaderFacts, label: str, warnings: list[str]) -> list[PlanPoint]:
    """资金支出计划 as (month, cumulative %): month cells over percentage cells, or 3月底25% in one cell."""
    plan: dict[int, int] = {}
    for entry in facts.of("plan"):
        months: dict[int, int] = {}
        for row in range(entry.label.row, entry.label.last_row + 1):
            cells = [c for c in grid.row(row) if c.col > entry.label.last_col and c.row == row]
            found = {c.col: plan_month(c.key) for c in cells}
            if any(found.values()) and not any(_INLINE_PLAN_RE.match(c.key) for c in cells):
                months = {col: month for col, month in found.items() if month}
                continue
            for cell in cells:
                _plan_cell(cell, months, plan, label, warnings)
    return [PlanPoint(month, percent) for month, percent in sorted(plan.items())]


def _plan_cell(cell: Cell, months: dict[int, int], plan: dict[int, int], label: str,
               warnings: list[str]) -> None:
    """One percentage cell under a month, or a month and percentage in one cell."""
    if not cell.key:
        return
    inline = _INLINE_PLAN_RE.match(cell.key)
    month = plan_month(inline.group("when")) if inline else months.get(cell.col)
    match = _PERCENT_RE.match(inline.group("pct") if inline else cell.key)
    if month is None and not inline:
        return
    if month is None or not match:
        warnings.append(f"项目“{label}”的资金支出计划“{cell.text}”（{cell.ref}）无法识别，已忽略")
        return
    plan[month] = round(float(match.group(1)))


def plan_month(key: str) -> int | None:
    """3月底 → 3, 一季度 → 3, 年底 → 12; None for anything else."""
    match = _MONTH_RE.match(key)
    if match and 1 <= int(match.group(1)) <= 12:
        return int(match.group(1))
    return next((month for word, month in _QUARTER_MONTHS.items() if word in key), None)
