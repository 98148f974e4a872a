"""Import a 部门预算绩效文本 (.docx): projects, their indicators and the rules its prose states."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from docx.table import Table
from docx.text.paragraph import Paragraph

from caseapp.budgets.docx_tables import GridCell, grid_rows
from caseapp.budgets.docx_indicators import ParsedIndicator, find_indicator_header, parse_indicators
from caseapp.budgets.prose_rules import ProposedRule, extract_rules, match_rules_to_projects
from caseapp.budgets.targets import squash
from caseapp.core.money import MoneyError, to_fen
from caseapp.core.officefile import read_docx

__all__ = ["DocumentError", "ParsedDocument", "ParsedIndicator", "ParsedProject", "parse_targets_document"]

_UNIT_RE = re.compile(r"单位:?(万元|元)")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})年度?部门(?:整体)?(?:预算)?绩效")
_ORG_RE = re.compile(r"^[\u4e00-\u9fff()]{1,30}工会$")
_ORG_CELL_RE = re.compile(r"^\d*(?P<org>[\u4e00-\u9fff()]{1,30}工会)(?:本级|机关)?$")
_FIELD_LABELS = (
    ("code", re.compile(r"^项目(?:编码|代码|编号)$")),
    ("name", re.compile(r"^项目名称$")),
    ("budget", re.compile(r"^(?:年度)?预算(?:数|金额|资金)(?:合计)?(?:\((?:万元|元)\))?$")),
    ("fiscal", re.compile(r"^(?:其中:?)?财政(?:资金|拨款)(?:\((?:万元|元)\))?$")),
    ("other", re.compile(r"^(?:其中:?)?其他资金(?:\((?:万元|元)\))?$")),
)
_QUARTER_MONTHS = {"一季度": 3, "二季度": 6, "三季度": 9, "四季度": 12, "上半年": 6, "年底": 12, "全年": 12}
_MONTH_RE = re.compile(r"^(?:截至|截止)?(\d{1,2})月")
_PERCENT_RE = re.compile(r"^(\d+(?:\.\d+)?)%?$")


class DocumentError(ValueError):
    """The document holds no recognisable project table; str() is a Chinese message."""


@dataclass
class ParsedProject:
    """One 预算项目 with its header-table facts and indicators; money in 分."""

    code: str
    name: str
    unit: str
    budget_fen: int | None
    #: A blank 财政资金/其他资金 cell reads as 0.
    fiscal_fen: int
    other_fen: int
    purpose: str
    goal_text: str
    #: (month, cumulative percent) for each filled 资金支出计划 cell: 3月底 25% → (3, 25).
    spending_plan: list[tuple[int, int]]
    indicators: list[ParsedIndicator]
    heading: str


@dataclass
class ParsedDocument:
    """Everything read from one document, for the admin to review before saving."""

    year: int | None
    org_name: str | None
    projects: list[ParsedProject]
    rules: list[ProposedRule]
    warnings: list[str] = field(default_factory=list)
    #: the paragraphs before the first project table (部门整体绩效目标), for the goals it states
    prose: list[str] = field(default_factory=list)


def parse_targets_document(data: bytes) -> ParsedDocument:
    """Check and parse an uploaded performance-target .docx."""
    walk = _Walk()
    for block in read_docx(data).iter_inner_content():
        if isinstance(block, Paragraph):
            walk.paragraph(block.text)
        else:
            walk.table(block)
    return walk.result()


class _Walk:
    """State while reading the body in order: prose first, then heading + tables per project."""

    def __init__(self) -> None:
        self.prose: list[str] = []
        self.pending: list[str] = []
        self.projects: list[ParsedProject] = []
        self.warnings: list[str] = []
        self.org_from_table: str | None = None

    def paragraph(self, text: str) -> None:
        """Remember a paragraph: prose before the first project, heading or unit line after."""
        if not self.projects:
            self.prose.append(text)
        if text.strip():
            self.pending.append(text.strip())

    def table(self, table: Table) -> None:
        """A header table starts a project; an indicator table (or part) fills the latest one."""
        rows = grid_rows(table)
        header_index = find_indicator_header(rows)
        head_rows = rows if header_index is None else rows[:header_index]
        if _has_project_labels(head_rows):
            self._start_project(head_rows)
        if header_index is not None:
            self._add_indicators(rows, header_index)
        self.pending = []

    def _start_project(self, rows: list[list[GridCell]]) -> None:
        """Parse a header table into a new project."""
        self.org_from_table = self.org_from_table or _org_from_cells(rows)
        project = _parse_header(rows, self.pending, self.warnings)
        self.projects.append(project)

    def _add_indicators(self, rows: list[list[GridCell]], header_index: int) -> None:
        """Attach indicators to the latest project, or warn when there is none."""
        if not self.projects:
            self.warnings.append("发现一张绩效指标表，但它前面没有项目表，已忽略")
            return
        project = self.projects[-1]
        project.indicators.extend(parse_indicators(rows, header_index, _label(project), self.warnings))

    def result(self) -> ParsedDocument:
        """Finish: check projects, read year and organisation, extract and match prose rules."""
        if not self.projects:
            raise DocumentError("未找到预算项目绩效目标表（需含“项目编码”“项目名称”“预算数”等栏目），"
                                "请确认上传的是部门预算绩效文本")
        _check_projects(self.projects, self.warnings)
        rules = extract_rules(self.prose)
        match_rules_to_projects(rules, self.projects)
        year, org = _year(self.prose, self.warnings), _org(self.prose) or self.org_from_table
        if org is None:
            self.warnings.append("未能识别单位名称，请手工填写")
        return ParsedDocument(year, org, self.projects, rules, self.warnings, self.prose)


def _has_project_labels(rows: list[list[GridCell]]) -> bool:
    """A header table names at least the project code or the project name."""
    return any(_field_of(cell) in ("code", "name") for row in rows for cell in row)


def _field_of(cell: GridCell) -> str | None:
    """Which header field a label cell introduces, if it is one."""
    if cell.from_above:
        return None
    return next((name for name, pattern in _FIELD_LABELS if pattern.match(cell.key)), None)


def _parse_header(rows: list[list[GridCell]], pending: list[str], warnings: list[str]) -> ParsedProject:
    """Build a project from its header table and the paragraphs just before it."""
    values = _labelled_values(rows)
    project = ParsedProject(values.get("code", ""), values.get("name", ""), "万元", None, 0, 0,
                            _row_text(rows, "资金用途"), _goal_text(rows), [], [], _heading(pending))
    project.unit = _unit(rows, pending, _label(project), warnings)
    _set_amounts(project, values, warnings)
    project.spending_plan = _spending_plan(rows, _label(project), warnings)
    if not project.code:
        warnings.append(f"项目“{_label(project)}”缺少项目编码")
    return project


def _labelled_values(rows: list[list[GridCell]]) -> dict[str, str]:
    """Text of the cell right after each recognised label cell (项目编码 → 13043425P…)."""
    values: dict[str, str] = {}
    for row in rows:
        for cell, following in zip(row, row[1:]):
            name = _field_of(cell)
            if name and name not in values and _field_of(following) is None:
                values[name] = following.text
    return values


def _row_text(rows: list[list[GridCell]], label_word: str) -> str:
    """Free text of the rows labelled ``label_word`` that hold no other labels (资金用途 text)."""
    texts = []
    for row in rows:
        if row and label_word in row[0].key and not any(_field_of(c) for c in row[1:]):
            texts += [c.text for c in row[1:] if c.text and not c.from_above]
    return "\n".join(texts)


def _goal_text(rows: list[list[GridCell]]) -> str:
    """The 绩效目标 row's text (several paragraphs joined by newlines)."""
    for row in rows:
        if row and re.match(r"^(?:年度)?(?:绩效目标|总体目标)", row[0].key) and "指标" not in row[0].key:
            return "\n".join(c.text for c in row[1:] if c.text and not c.from_above)
    return ""


def _heading(pending: list[str]) -> str:
    """The heading before the table: the …绩效目标表 line, else the last non-unit line."""
    candidates = [p for p in pending if not _UNIT_RE.search(squash(p))]
    titled = [p for p in candidates if "绩效目标表" in p]
    return (titled or candidates or [""])[-1]


def _unit(rows: list[list[GridCell]], pending: list[str], label: str, warnings: list[str]) -> str:
    """单位：万元/元 from the table or the lines before it; 万元 with a warning when absent."""
    texts = [cell.key for row in rows for cell in row] + [squash(p) for p in pending]
    for text in texts:
        match = _UNIT_RE.search(text) or re.search(r"预算数\((万元|元)\)", text)
        if match:
            return match.group(1)
    warnings.append(f"项目“{label}”未注明金额单位，已按万元处理，请核对")
    return "万元"


def _set_amounts(project: ParsedProject, values: dict[str, str], warnings: list[str]) -> None:
    """预算数 / 财政资金 / 其他资金 in 分; a blank 财政/其他 cell means none."""
    label = _label(project)
    project.budget_fen = _amount(values.get("budget", ""), project.unit, f"项目“{label}”的预算数", warnings)
    if project.budget_fen is None:
        warnings.append(f"项目“{label}”缺少预算数")
    project.fiscal_fen = _amount(values.get("fiscal", ""), project.unit, f"项目“{label}”的财政资金", warnings) or 0
    project.other_fen = _amount(values.get("other", ""), project.unit, f"项目“{label}”的其他资金", warnings) or 0
    parts = project.fiscal_fen + project.other_fen
    if project.budget_fen is not None and parts and parts != project.budget_fen:
        warnings.append(f"项目“{label}”的财政资金与其他资金之和不等于预算数，请核对")


def _amount(text: str, unit: str, what: str, warnings: list[str]) -> int | None:
    """One money cell in 分; a unit written in the cell overrides the table's unit."""
    squashed = squash(text)
    if not squashed:
        return None
    match = re.match(r"^(.*?)(万元|元)?$", squashed)
    try:
        return to_fen(match.group(1), match.group(2) or unit)
    except MoneyError:
        warnings.append(f"{what}“{text}”无法识别为金额，已留空")
        return None


def _spending_plan(rows: list[list[GridCell]], label: str, warnings: list[str]) -> list[tuple[int, int]]:
    """(month, cumulative %) pairs from the 资金支出计划 rows, matched by grid column."""
    plan_rows = [row for row in rows if row and "支出计划" in row[0].key]
    months: dict[int, int] = {}
    plan: list[tuple[int, int]] = []
    for row in plan_rows:
        found = {cell.col: _plan_month(cell.key) for cell in row[1:]}
        if any(found.values()):
            months = {col: month for col, month in found.items() if month}
            continue
        plan += _plan_percents(row[1:], months, label, warnings)
    return sorted(plan)


def _plan_percents(cells: list[GridCell], months: dict[int, int], label: str,
                   warnings: list[str]) -> list[tuple[int, int]]:
    """The filled percentage cells under a month header row."""
    plan = []
    for cell in cells:
        if cell.col not in months or not cell.key or cell.from_above:
            continue
        match = _PERCENT_RE.match(cell.key)
        if not match:
            warnings.append(f"项目“{label}”的资金支出计划“{cell.text}”无法识别，已忽略")
            continue
        plan.append((months[cell.col], round(float(match.group(1)))))
    return plan


def _plan_month(key: str) -> int | None:
    """3月底 → 3, 一季度 → 3, 年底 → 12; None for anything else."""
    match = _MONTH_RE.match(key)
    if match and 1 <= int(match.group(1)) <= 12:
        return int(match.group(1))
    return next((month for word, month in _QUARTER_MONTHS.items() if word in key), None)


def _check_projects(projects: list[ParsedProject], warnings: list[str]) -> None:
    """Warn about duplicate codes, projects without indicators and plans that go backwards."""
    codes = [p.code for p in projects if p.code]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        warnings.append(f"项目编码 {code} 出现了不止一次")
    for project in projects:
        if not project.indicators:
            warnings.append(f"项目“{_label(project)}”没有找到绩效指标表")
        shares = [percent for _, percent in project.spending_plan]
        if shares != sorted(shares) or any(s > 100 for s in shares):
            warnings.append(f"项目“{_label(project)}”的资金支出计划应为逐月累计且不超过100%，请核对")


def _year(paragraphs: list[str], warnings: list[str]) -> int | None:
    """The budget year from the title line (2025年部门预算绩效文本)."""
    for text in paragraphs:
        match = _YEAR_RE.search(squash(text))
        if match:
            return int(match.group(1))
    warnings.append("未能从标题识别预算年度，请手工填写")
    return None


def _org(paragraphs: list[str]) -> str | None:
    """The organisation from its own title line (魏县总工会)."""
    return next((squash(t) for t in paragraphs if _ORG_RE.match(squash(t))), None)


def _org_from_cells(rows: list[list[GridCell]]) -> str | None:
    """Fallback: the header table's first cell such as 711001魏县总工会本级."""
    for cell in (rows[0] if rows else []):
        match = _ORG_CELL_RE.match(cell.key)
        if match:
            return match.group("org")
    return None


def _label(project: ParsedProject) -> str:
    """How warnings name a project."""
    return project.name or project.code or project.heading or "未命名项目"
