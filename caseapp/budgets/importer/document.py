"""What the reader hands the import service: keyed results, money in 分, every value with the cell it came from."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from caseapp.budgets.importer.prose_rules import ProposedRule
from caseapp.budgets.importer.questions import Question
from caseapp.budgets.importer.targets import ParsedTarget

#: 一级指标 groups the year-end 绩效自评 weighs (产出 50, 效益 30, 满意度 10 by default; 成本 where a
#: province makes it a 一级 of its own).
CATEGORY_LABELS = {"output": "产出", "cost": "成本", "benefit": "效益", "satisfaction": "满意度"}


class PlanPoint(NamedTuple):
    """资金支出计划: ``percent`` of the budget spent by the end of ``month`` (cumulative)."""

    month: int
    percent: int


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
    #: 分值 or 权重 as the document wrote it (the 自评 uses it as the indicator's weight); None when absent.
    weight: Decimal | None = None
    #: output / cost / benefit / satisfaction ('' when the 一级/二级 labels say none of these).
    category: str = ""
    #: field → the cell it was read from (target → 第4张表第2行第5列), for messages and cell rules.
    refs: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedProject:
    """One 预算项目 with its header facts and indicators; money in 分."""

    code: str
    name: str
    #: 万元 / 元 / 千元; None while the document leaves it open and nobody answered.
    unit: str | None
    budget_fen: int | None
    #: A blank 财政资金/其他资金 cell reads as 0.
    fiscal_fen: int
    other_fen: int
    purpose: str
    goal_text: str
    spending_plan: list[PlanPoint]
    indicators: list[ParsedIndicator]
    heading: str
    #: The table the project was read from (第2张表, 工作表“Sheet1”第1张表), for messages.
    table: str = ""
    #: The cell the 预算数 came from.
    budget_ref: str = ""

    @property
    def label(self) -> str:
        """How messages name the project."""
        return self.name or self.code or self.heading or "未命名项目"


@dataclass
class ParsedDocument:
    """Everything read from one document, for the admin to review (and finish) before saving."""

    year: int | None
    org_name: str | None
    projects: list[ParsedProject]
    rules: list[ProposedRule]
    warnings: list[str] = field(default_factory=list)
    #: What the reader could not decide alone (year, unit, columns, the project of a table).
    questions: list[Question] = field(default_factory=list)
    #: Where the year was read (a title line, a caption, a 预算年度 cell), or answer / template; '' when open.
    year_source: str = ""
    #: Whether the document itself states a year (a template's year offset is kept only when it does not).
    year_in_document: bool = False
    #: A fingerprint of the document's table layout, independent of its values (templates are keyed by it).
    shape: str = ""
    #: The paragraphs before the first project table (部门整体绩效目标), for the goals it states.
    prose: list[str] = field(default_factory=list)
