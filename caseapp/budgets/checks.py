"""Consistency checks on a year's stored projects and rules: where the document contradicts itself."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp.budgets.models import Indicator, Project, Rule
from caseapp.core.db import db
from caseapp.core.money import UNIT_FEN, format_yuan
from caseapp.core.scoping import scoped_with_ancestors

SEVERITY_LABELS = {"error": "错误", "warning": "提醒"}
KIND_LABELS = {
    "cap_over_budget": "人数上限×每人金额超出预算",
    "cost_vs_budget": "成本指标与预算数不一致",
    "plan_decreasing": "资金支出计划倒退",
    "plan_incomplete": "资金支出计划未达100%",
    "rate_mismatch": "文字目标与指标表不一致",
    "over_budget": "占用与支出超出预算",
    "over_headcount": "发放人数超出上限",
    "amount_mismatch": "每人金额与规定不符",
    "counter_mismatch": "计数器与台账不一致",
}
_PEOPLE_UNITS = ("人", "名")
#: Rate families: a prose rule and a table indicator about the same thing (帮扶救助率 ≈ 救助率).
_RATE_FAMILIES = (("救助率", ("救助率", "帮扶率", "覆盖率", "受助率")), ("满意度", ("满意度", "满意率")),
                  ("及时率", ("及时率",)), ("保障率", ("保障率",)), ("合规率", ("合规率",)))


@dataclass(frozen=True)
class Problem:
    """One inconsistency; ``message`` is Chinese and names both figures."""

    severity: str  #: error / warning
    project_code: str
    kind: str
    message: str

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def run_checks(year: int, *, include_data: bool = True, projects: list[Project] | None = None) -> list[Problem]:
    """Problems of ``year`` for the projects the actor can read (own subtree and above), errors first.

    ``include_data=False`` checks the documents only (cheap: the dashboard); the payment-data checks
    reconcile every counter with the ledger and belong to the check page, the CLI and the nightly job.
    ``projects``: the year's projects in scope with plans and indicators, when the caller has loaded them.
    """
    if projects is None:
        stmt = (scoped_with_ancestors(select(Project), Project.org_id).where(Project.year == year)
                .order_by(Project.code)
                .options(selectinload(Project.plan_points), selectinload(Project.indicators)))
        projects = list(db.session.scalars(stmt))
    rules = _rules_by_project(year)
    problems: list[Problem] = []
    for project in projects:
        own = rules.get(project.id, [])
        problems += _cap_over_budget(project, own)
        problems += _cost_vs_budget(project)
        problems += _plan_problems(project)
        problems += _rate_mismatches(project, own)
    if include_data:
        from caseapp.payments.checks import data_problems  # the year's money against the same budgets and rules

        problems += data_problems(year)
    return sorted(problems, key=lambda p: p.severity != "error")


def _rules_by_project(year: int) -> dict[int, list[Rule]]:
    """The year's live (proposed or confirmed) rules in scope, grouped by project id."""
    stmt = scoped_with_ancestors(select(Rule), Rule.org_id).where(
        Rule.year == year, Rule.status.in_(("proposed", "confirmed")), Rule.project_id.is_not(None))
    grouped: dict[int, list[Rule]] = {}
    for rule in db.session.scalars(stmt.order_by(Rule.id)):
        grouped.setdefault(rule.project_id, []).append(rule)
    return grouped


def _fen(value: Decimal | None, unit: str | None) -> int | None:
    """A money value in 分, or None when it is not money."""
    if value is None or unit not in ("万元", "元"):
        return None
    return int(value * UNIT_FEN[unit])


def _cap_over_budget(project: Project, rules: list[Rule]) -> list[Problem]:
    """Head-count cap × per-person amount must fit in the budget (100人 × 1000元 against 5万元)."""
    caps = [r for r in rules if r.kind == "headcount_cap" and r.unit in _PEOPLE_UNITS and r.value is not None]
    amounts = [(r, _fen(r.value, r.unit)) for r in rules if r.kind == "per_person_amount"]
    amounts = [(r, fen) for r, fen in amounts if fen is not None]
    if not caps or not amounts:
        return []
    cap = max(caps, key=lambda r: r.value)
    _rule, amount = max(amounts, key=lambda pair: pair[1])
    total = int(cap.value) * amount
    if total <= project.budget_fen:
        return []
    message = (f"“{project.name}”：{cap.subject or '人数'}上限 {int(cap.value)}{cap.unit} × 每人 {format_yuan(amount)}"
               f" = {format_yuan(total)}，超过项目预算数 {format_yuan(project.budget_fen)}")
    return [Problem("error", project.code, "cap_over_budget", message)]


def _cost_vs_budget(project: Project) -> list[Problem]:
    """A money-valued 成本 indicator should state the budget exactly."""
    problems = []
    for indicator in project.indicators:
        cost = _fen(indicator.target_value, indicator.unit)
        if "成本" not in indicator.level2 or cost is None or cost == project.budget_fen:
            continue
        problems.append(Problem("warning", project.code, "cost_vs_budget",
                                f"“{project.name}”：成本指标“{indicator.level3}”为 {format_yuan(cost)}，"
                                f"与预算数 {format_yuan(project.budget_fen)} 不一致"))
    return problems


def _plan_problems(project: Project) -> list[Problem]:
    """The cumulative plan must not go down and must reach 100% by its last point."""
    points = sorted(project.plan_points, key=lambda p: p.month)
    for earlier, later in zip(points, points[1:]):
        if later.percent < earlier.percent:
            return [Problem("error", project.code, "plan_decreasing",
                            f"“{project.name}”：资金支出计划是累计比例，{later.month}月底 {later.percent}% "
                            f"低于{earlier.month}月底 {earlier.percent}%")]
    reached = max((p.percent for p in points), default=0)
    if reached < 100:
        shown = f"最高只到 {reached}%" if points else "未填写"
        return [Problem("warning", project.code, "plan_incomplete",
                        f"“{project.name}”：资金支出计划{shown}，年底应累计达到100%")]
    return []


def _family(text: str) -> str | None:
    """Which rate family a rule subject or indicator name belongs to."""
    return next((key for key, words in _RATE_FAMILIES if any(w in text for w in words)), None)


def _rate_mismatches(project: Project, rules: list[Rule]) -> list[Problem]:
    """A prose rate target (90%) that differs from the table's target for the same rate (100%, ≥95%)."""
    table = {}
    for indicator in project.indicators:
        family = _family(indicator.level3 + indicator.description)
        if family and indicator.unit == "%" and indicator.target_value is not None:
            table.setdefault(family, indicator)
    problems, seen = [], set()
    for rule in (r for r in rules if r.kind == "rate_target" and r.value is not None):
        family = _family(rule.subject)
        indicator = table.get(family)
        if indicator is None or indicator.target_value == rule.value or (family, rule.value) in seen:
            continue
        seen.add((family, rule.value))
        problems.append(Problem("warning", project.code, "rate_mismatch", _rate_message(project, rule, indicator)))
    return problems


def _rate_message(project: Project, rule: Rule, indicator: Indicator) -> str:
    """Both targets as written, and where the prose says it."""
    sentence = re.sub(r"\s+", "", rule.source_text)
    sentence = sentence if len(sentence) <= 60 else sentence[:60] + "…"
    return (f"“{project.name}”：文字部分{rule.subject} {_percent(rule.value)}（“{sentence}”）与指标表"
            f"“{indicator.level3}”{indicator.target_text.strip()} 不一致")


def _percent(value: Decimal) -> str:
    """95.0000 → 95%."""
    return f"{value.normalize():f}%"
