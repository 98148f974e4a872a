"""Read a 绩效目标 document (.docx or .xlsx) into projects, indicators, proposed rules and open questions.

Blocks are read in order: prose before the first project (its 分项绩效目标 give rules), then per table the
regions :mod:`tables` finds. Indicator tables are attached to their project at the end, once every
project is known: the user's answer, else a heading naming the project, else the header table just before.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from caseapp.budgets.importer import cell_rules, flat, funds, header, indicators
from caseapp.budgets.importer.cells import Block, Grid, Located, Paragraph, squash
from caseapp.budgets.importer.docx_source import docx_blocks
from caseapp.budgets.importer.document import ParsedDocument, ParsedProject
from caseapp.budgets.importer.labels import label_key, unit_statement
from caseapp.budgets.importer.prose_rules import extract_rules
from caseapp.budgets.importer.questions import Answers
from caseapp.budgets.importer.asks import Asks
from caseapp.budgets.importer.tables import Region, find_regions, is_department
from caseapp.budgets.importer.xlsx_source import xlsx_blocks

_YEAR_RE = re.compile(r"((?:19|20)\d{2})年度?")
_TITLE_WORDS = re.compile(r"绩效|预算|申报表|目标表|审批表|^[(]?(?:19|20)\d{2}年度?[)]?$")
_ORG_RE = re.compile(r"^[\u4e00-\u9fff()]{1,30}工会$")


class DocumentError(ValueError):
    """The file cannot be a 绩效目标 document; str() is a Chinese message."""


@dataclass
class _Draft:
    """A project being read, with what its money and rules still need."""

    project: ParsedProject
    unit: funds.Unit
    needs_unit: bool
    rule_cells: list[cell_rules.Source] = field(default_factory=list)


class _Last(NamedTuple):
    """What the previous table was (header / indicators / flat) and the project it was about."""

    kind: str
    project: int | None


class _FlatCheck(NamedTuple):
    """A flat table and the indices of the projects read from it (for its 合计 check)."""

    table: flat.FlatTable
    indices: list[int]


@dataclass
class _Table:
    """An indicator table waiting for its project."""

    key: str
    heading: str
    region: Region
    #: the project the layout suggests (the header table just before), or None
    hint: int | None


def read_document(data: bytes, kind: str, answers: Answers, fallback_year: int | None = None) -> ParsedDocument:
    """Check and read an uploaded .docx or .xlsx with the user's answers applied."""
    blocks = xlsx_blocks(data) if kind == "xlsx" else docx_blocks(data)
    return read_blocks(blocks, answers, fallback_year)


def read_blocks(blocks: list[Block], answers: Answers, fallback_year: int | None = None) -> ParsedDocument:
    """Read blocks in order and finish: attach tables, check projects, find the year, rules, questions."""
    reader = _Reader(answers)
    for block in blocks:
        if isinstance(block, Paragraph):
            reader.paragraph(block)
        else:
            reader.grid(block)
    return reader.result(fallback_year)


class _Reader:
    """State while reading the blocks of one document."""

    def __init__(self, answers: Answers):
        self.answers = answers
        self.learned = {label_key(k).key: v for k, v in answers.columns.items()}
        self.prose: list[str] = []
        self.pending: list[Paragraph] = []
        self.titles: list[Located] = []
        self.drafts: list[_Draft] = []
        self.tables: list[_Table] = []
        self.flat_checks: list[_FlatCheck] = []
        self.warnings: list[str] = []
        self.shape: set[str] = set()
        self.org: str | None = None
        self.header_years: list[Located] = []
        #: projects an indicator table was attached to (its columns may still be open)
        self.with_tables: set[int] = set()
        self.last = _Last("", None)
        #: header tables in a row with no indicator table between them (2 or more: a headers-first layout)
        self.header_run = 0

    def paragraph(self, paragraph: Paragraph) -> None:
        """Prose before the first project; every non-blank line is a heading or unit line candidate."""
        if not self.drafts:
            self.prose.append(paragraph.text)
        if paragraph.text.strip():
            self.pending.append(paragraph)
            self.titles.append(Located(paragraph.text, paragraph.ref))

    def grid(self, grid: Grid) -> None:
        """Each region of a table in turn."""
        same_grid_project = None
        for region in find_regions(grid, self.learned, self.last.kind == "header"):
            if region.kind == "header":
                same_grid_project = self._header(region.grid)
            elif region.kind == "indicators":
                self._indicators(region, grid.name, same_grid_project)
            elif region.kind == "flat":
                self._flat(region)
            elif region.kind == "department" or is_department(region.grid):
                self.warnings.append(f"{grid.name}是部门整体绩效目标表，未导入")
                self.last = _Last("", None)
            else:
                self.pending += [Paragraph(c.text, c.ref) for c in region.grid.cells if c.text]
                self.titles += [Located(c.text, c.ref) for c in region.grid.cells if c.text]
        self.pending = []

    def _header(self, grid: Grid) -> int:
        """A header block starts a project."""
        facts = header.read_header(grid)
        found = header.header_year(facts)
        if found:
            self.header_years.append(found)
        self.shape.add("H:" + _keys(e.label.text for e in facts.entries))
        index = self._add_project(facts, grid)
        self.last = _Last("header", index)
        self.header_run += 1
        return index

    def _add_project(self, facts: header.HeaderFacts, grid: Grid | None, table_name: str = "") -> int:
        """A project from header facts (of a header block or a flat table's project cells)."""
        code, name = facts.value("code").value, facts.value("name").value
        self.org = self.org or facts.org_name or facts.value("org").value or None
        project = ParsedProject(code, name, None, None, 0, 0, facts.purpose_text(), facts.goal_text(), [], [],
                                _heading(self.pending), table_name or (grid.name if grid else ""))
        lines = [Located(unit, p.ref) for p in self.pending if (unit := unit_statement(p.text))]
        unit = funds.table_unit(facts, lines, self.answers.unit)
        project.unit = unit.value
        money = funds.read_funds(facts, unit.value, project.label, self.warnings)
        project.budget_fen, project.fiscal_fen, project.other_fen = money.budget_fen, money.fiscal_fen, money.other_fen
        project.budget_ref = money.budget_ref
        needs = unit.value is None and funds.needs_unit(facts)
        if project.budget_fen is None and not needs:
            self.warnings.append(f"项目“{project.label}”缺少预算数")
        if grid is not None:
            project.spending_plan = header.spending_plan(grid, facts, project.label, self.warnings)
        sources = [(e.label.text, c) for e in facts.entries if e.field in ("goal", "goal_line", "purpose")
                   for c in e.values]
        self.drafts.append(_Draft(project, unit, needs, cell_rules.header_sources(sources)))
        return len(self.drafts) - 1

    def _indicators(self, region: Region, grid_name: str, same_grid_project: int | None) -> None:
        """Remember an indicator table; it is attached to its project at the end."""
        heading = _heading(self.pending)
        hint = same_grid_project
        kind, previous = self.last
        if hint is None and kind == "header" and self.header_run == 1:
            hint = previous
        elif hint is None and kind == "indicators" and previous is not None and not self._unfilled(previous):
            hint = previous  # the rest of the previous project's table, split by a page break
        self.header_run = 0
        key = heading if heading and all(t.key != heading for t in self.tables) else grid_name
        self.tables.append(_Table(key, heading, region, hint))
        self.shape.add("I:" + _keys(c.text for c in region.grid.row(0)))
        self.last = _Last("indicators", hint)

    def _unfilled(self, before: int) -> bool:
        """Whether a project defined before ``before`` still has no indicator table (headers-first layouts)."""
        return any(not any(t.hint == i for t in self.tables) for i in range(before))

    def _flat(self, region: Region) -> None:
        """Every project of a flat department table, with its indicator rows."""
        table = flat.split_flat(region)
        self.shape.add("F:" + _keys(c.text for c in region.grid.row(0)))
        indices = []
        for item in table.projects:
            index = self._add_project(item.facts, None, region.grid.name)
            project = self.drafts[index].project
            project.indicators = indicators.read_rows(region.grid, item.rows, region.columns, project.label,
                                                      self.warnings)
            indices.append(index)
        self.flat_checks.append(_FlatCheck(table, indices))
        self.last, self.header_run = _Last("flat", None), 0

    def result(self, fallback_year: int | None) -> ParsedDocument:
        """Attach tables, then check, then year, organisation, rules and questions."""
        if not self.drafts:
            raise DocumentError("未找到预算项目绩效目标表（需含“项目名称”“预算数”等栏目），请确认上传的是绩效目标文本或绩效目标申报表")
        asks = Asks(self.answers, [d.project for d in self.drafts])
        self._attach_tables(asks)
        self._check_flat_totals()
        projects = [d.project for d in self.drafts]
        _check_projects(projects, self.with_tables, self.warnings)
        asks.unit([d.unit for d in self.drafts if d.needs_unit])
        year, source = self._year(fallback_year, asks)
        written = self._written_year() is not None
        rules = extract_rules(self.prose)
        for index, draft in enumerate(self.drafts):
            sources = draft.rule_cells + cell_rules.indicator_sources(draft.project)
            rules += cell_rules.cell_rules(index, draft.project, sources)
        org = next((squash(t) for t in self.prose if _ORG_RE.match(squash(t))), None) or self.org
        if org is None:
            self.warnings.append("未能识别单位名称，请核对导入到的组织")
        return ParsedDocument(year, org, projects, rules, self.warnings, asks.questions, source, written,
                              hashlib.sha256("|".join(sorted(self.shape)).encode()).hexdigest()[:32], self.prose)

    def _attach_tables(self, asks: Asks) -> None:
        """Each indicator table to its project (asking when the layout does not say), its rows read."""
        for table in self.tables:
            sample = _sample(table.region.grid)
            index = asks.table_project(table.key, table.heading, table.hint, sample)
            if index is None:
                continue
            project = self.drafts[index].project
            self.with_tables.add(index)
            columns = table.region.columns
            if not columns.complete:
                asks.columns(table.key, project.label, columns, sample)
                continue
            for cell in columns.unmapped:
                self.warnings.append(f"项目“{project.label}”的指标表中“{cell.text}”列（{cell.ref}）未识别，已忽略")
            rows = range(columns.header_rows, table.region.grid.nrows)
            project.indicators += indicators.read_rows(table.region.grid, rows, columns, project.label,
                                                       self.warnings)

    def _check_flat_totals(self) -> None:
        """A flat table's 合计 against the sum of its projects' budgets."""
        for table, indices in self.flat_checks:
            draft = self.drafts[indices[0]] if indices else None
            if table.total is None or draft is None:
                continue
            total = funds.amount(table.total, draft.unit.value, "合计", self.warnings)
            budgets = sum(self.drafts[i].project.budget_fen or 0 for i in indices)
            if total is not None and total != budgets:
                self.warnings.append(f"合计（{table.total.ref}）为 {funds.format_yuan(total)}，"
                                     f"与各项目预算数之和 {funds.format_yuan(budgets)} 不一致，请核对")

    def _written_year(self) -> Located | None:
        """The year of a title such as 2023年度项目支出绩效目标申报表, else of a 预算年度 cell."""
        found = [Located(int(m.group(1)), ref) for text, ref in self.titles if len(squash(text)) <= 60
                 and _TITLE_WORDS.search(squash(text)) and (m := _YEAR_RE.search(squash(text)))] + self.header_years
        return found[0] if found else None

    def _year(self, fallback: int | None, asks: Asks) -> Located:
        """The answer, else the year the document writes, else the template's, else asked."""
        written = self._written_year()
        if self.answers.year is not None:
            if written and written.value != self.answers.year:
                self.warnings.append(f"文件中写的是{written.value}年（{written.ref}），将按{self.answers.year}年导入")
            return Located(self.answers.year, "answer")
        if written:
            return written
        if fallback is not None:
            self.warnings.append(f"文件中没有写预算年度，已按本组织上次同样格式文件的做法取{fallback}年，请核对")
            return Located(fallback, "template")
        asks.year()
        return Located(None, "")


def _heading(pending: list[Paragraph]) -> str:
    """The heading before a table: the …绩效目标表 line, else the last line that is not a unit line."""
    candidates = [p.text.strip() for p in pending if not unit_statement(p.text) and p.text.strip()]
    titled = [p for p in candidates if "目标表" in p or "申报表" in p or "指标表" in p]
    return (titled or candidates or [""])[-1]


def _sample(grid: Grid, rows: int = 4) -> list[list[str]]:
    """The first rows of a table as text (a merged cell once), for a question about it."""
    return [[c.text for c in grid.row(r)] for r in range(min(rows, grid.nrows))]


def _keys(texts) -> str:
    """Label texts as a layout signature: keys without digits (目标1 and 目标2 look alike)."""
    return ",".join(sorted({re.sub(r"\d", "", label_key(t).key) for t in texts if t}))


def _check_projects(projects: list[ParsedProject], with_tables: set[int], warnings: list[str]) -> None:
    """Warn about duplicate codes, projects without an indicator table and plans that go backwards."""
    codes = [p.code for p in projects if p.code]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        warnings.append(f"项目编码 {code} 出现了不止一次")
    for index, project in enumerate(projects):
        if not project.indicators and index not in with_tables:
            warnings.append(f"项目“{project.label}”没有找到绩效指标表")
        _check_weights(project, warnings)
        shares = [point.percent for point in project.spending_plan]
        if shares != sorted(shares) or any(s > 100 for s in shares):
            warnings.append(f"项目“{project.label}”的资金支出计划应为逐月累计且不超过100%，请核对")


def _check_weights(project: ParsedProject, warnings: list[str]) -> None:
    """分值/权重 given for some rows only, or not adding up to 100 (or 90 beside 预算执行率's 10), is named."""
    weights = [i.weight for i in project.indicators]
    if not any(w is not None for w in weights):
        return
    missing = [i.level3 or i.description for i in project.indicators if i.weight is None]
    if missing:
        warnings.append(f"项目“{project.label}”的指标“{'、'.join(missing)}”没有分值/权重，请核对")
    elif sum(weights) not in (90, 100):
        warnings.append(f"项目“{project.label}”的指标分值/权重合计为 {sum(weights):g}，不是 100（或 90），请核对")
