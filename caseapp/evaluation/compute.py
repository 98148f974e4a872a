"""Scoring projects live: budget execution and every indicator's 完成值 as of a day, the evaluator's decisions.

One roll-up pass (``caseapp.indicators.rollup``) serves every project scored as of the same day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from caseapp.budgets.budget_history import budget_on, changes_of, initial_budget
from sqlalchemy import select

from caseapp.budgets.models import Indicator, Project
from caseapp.core.db import db
from caseapp.core.scoping import ancestor_ids
from caseapp.evaluation import scoring
from caseapp.evaluation.models import EvaluationItem, ProjectEvaluation
from caseapp.evaluation.results import ExecutionResult, IndicatorResult, ProjectResult
from caseapp.evaluation.settings import GROUP_LABELS, Settings, org_paths, settings_for_many
from caseapp.indicators.rollup import RollupRow, compute_rows, year_facts
from caseapp.indicators.services import Facts
from caseapp.orgs.models import Organisation


#: the importer's category of an indicator → the scoring group (成本 counts with 产出 in the 10/50/30/10 scheme)
_CATEGORY_GROUPS = {"output": "output", "cost": "output", "benefit": "benefit", "satisfaction": "satisfaction"}


def group_of(indicator: Indicator) -> str:
    """output / benefit / satisfaction: the importer's category, else from the 一级 and 二级 labels (满意度 filed
    under 效益 counts as 满意度)."""
    if indicator.category in _CATEGORY_GROUPS:
        return _CATEGORY_GROUPS[indicator.category]
    if "满意" in indicator.level1 or "满意" in indicator.level2:
        return "satisfaction"
    if "效益" in indicator.level1:
        return "benefit"
    return "output"  # 产出, and the 成本 一级 of the newer templates


def kind_of(indicator: Indicator) -> str:
    """How the indicator is scored: parts, date, qualitative, or its direction (>=, =, <=)."""
    if indicator.target_parts:
        return "parts"
    if indicator.direction == "date":
        return "date"
    if indicator.direction == "qualitative" or indicator.target_value is None:
        return "qualitative"
    return indicator.direction


@dataclass
class _Context:
    """What scoring one project needs besides the project itself."""

    facts: Facts
    rows: dict[int, RollupRow]
    settings: Settings
    changes: list
    evaluation: ProjectEvaluation | None
    department: str  #: 主管部门


def score_projects(projects: list[Project], evaluations: dict[int, ProjectEvaluation],
                   as_of: date | None = None) -> list[ProjectResult]:
    """Each project's result: frozen ones from their snapshot, the others computed as of their day."""
    results: dict[int, ProjectResult] = {}
    live: dict[date, list[Project]] = {}
    for p in projects:
        ev = evaluations.get(p.id)
        if ev is not None and ev.is_frozen and ev.snapshot:
            results[p.id] = frozen_result(ev)
        else:
            live.setdefault(as_of or (ev.as_of if ev else default_as_of(p.year)), []).append(p)
    changes = changes_of([p.id for p in projects])
    org_ids = sorted({p.org_id for p in projects})
    settings = settings_for_many(org_ids, projects[0].year) if projects else {}
    departments = departments_of(org_ids)
    for day, group in live.items():
        indicators = [i for p in group for i in p.indicators]
        facts = year_facts(group[0].year, day, indicators)
        rows = {r.indicator.id: r for r in compute_rows(facts, indicators)}
        for p in group:
            ctx = _Context(facts, rows, settings[p.org_id], changes[p.id], evaluations.get(p.id),
                           departments[p.org_id])
            results[p.id] = score_project(p, day, ctx)
    return [results[p.id] for p in projects]


def default_as_of(year: int) -> date:
    """The year's last day, or today while the year is running."""
    from caseapp.core.calendar import local_today

    return min(local_today(), date(year, 12, 31))


def frozen_result(evaluation: ProjectEvaluation) -> ProjectResult:
    """The submitted result, with the review state as it is now."""
    result = ProjectResult.from_snapshot(evaluation.snapshot)
    result.status, result.frozen, result.reviewed_by = evaluation.status, True, evaluation.reviewed_by
    return result


def score_project(project: Project, as_of: date, ctx: _Context) -> ProjectResult:
    """Score one project live from ``ctx``."""
    items = {i.indicator_id: i for i in ctx.evaluation.items} if ctx.evaluation else {}
    budget = budget_on(project, ctx.changes, as_of)
    weight_rows = [scoring.WeightRow("execution", "execution", None, budget > 0)] + [
        scoring.WeightRow(i.id, group_of(i), _custom(items.get(i.id), ctx.settings),
                          not (items.get(i.id) and items[i.id].not_applicable), i.weight)
        for i in project.indicators]
    weights = scoring.effective_weights(weight_rows, ctx.settings.group_weights)
    execution = _execution(project, ctx, budget, weights["execution"])
    indicators = [_indicator(i, ctx.rows.get(i.id), items.get(i.id), weights[i.id], ctx.settings)
                  for i in project.indicators]
    total = sum((r.score for r in [execution, *indicators] if r.score is not None), Decimal("0.00"))
    ev = ctx.evaluation
    result = ProjectResult(
        project.id, project.code, project.name, project.year, ctx.department, project.org.name, as_of,
        ev.status if ev else None, project.goal_text, ev.overall_actual if ev else "", execution, indicators,
        total, scoring.grade(total, ctx.settings.grade_bands), settings=ctx.settings.as_json(),
        submitted_by=ev.submitted_by if ev else None, reviewed_by=ev.reviewed_by if ev else None)
    result.problems = problems(result, sum(weights.values()))
    return result


def _custom(item: EvaluationItem | None, settings: Settings) -> int | None:
    return item.weight_centi if item is not None and settings.spread == "custom" else None


def departments_of(org_ids: list[int]) -> dict[int, str]:
    """主管部门 of each organisation: the top organisation of its tree (the county union), in two queries."""
    roots = {oid: (ancestor_ids(path) or [oid])[0] for oid, path in org_paths(org_ids).items()}
    names = dict(db.session.execute(select(Organisation.id, Organisation.name).where(
        Organisation.id.in_(set(roots.values())))).all())
    return {oid: names[root] for oid, root in roots.items()}


def _execution(project: Project, ctx: _Context, budget: int, weight: int) -> ExecutionResult:
    spent = ctx.facts.paid_fen.get(project.id, 0)
    rate = (Decimal(spent) * 100 / budget).quantize(scoring.CENT, ROUND_HALF_UP) if budget > 0 else None
    score = scoring.points(weight, min(Decimal(spent) / budget, scoring.ONE)) if budget > 0 else None
    return ExecutionResult(initial_budget(project, ctx.changes), budget, spent, project.fiscal_fen,
                           project.other_fen, rate, scoring.weight_points(weight), score,
                           adjusted=budget != initial_budget(project, ctx.changes))


def _indicator(ind: Indicator, row: RollupRow | None, item: EvaluationItem | None, weight: int,
               settings: Settings) -> IndicatorResult:
    kind = kind_of(ind)
    result = IndicatorResult(ind.id, group_of(ind), ind.level1, ind.level2, ind.level3, ind.target_text, "", "pending",
                             scoring.weight_points(weight), None, qualitative=kind == "qualitative")
    if item is not None:
        result.deviation_reason, result.improvement = item.deviation_reason, item.improvement
    if item is not None and item.not_applicable:
        result.actual_text, result.source, result.na_reason = "不适用", "na", item.na_reason
        return result
    value, parts = _actual(result, row, item)
    if kind == "qualitative":
        fraction = None if item is None or item.band_percent is None else Decimal(item.band_percent) / 100
        result.band = item.band if item else None
    else:
        fraction = _fraction(ind, kind, value, parts, settings)
        result.over_achieved = _over(ind, kind, value, parts, settings)
    if fraction is not None:
        result.score = scoring.points(weight, fraction)
        result.needs_reason = fraction < 1 or result.over_achieved
    return result


def _actual(result: IndicatorResult, row: RollupRow | None, item: EvaluationItem | None):
    """实际完成值 (text, number, parts): the evaluator's override, else the roll-up's value."""
    if item is not None and item.override_text:
        result.actual_text, result.source, result.override_reason = item.override_text, "override", \
            item.override_reason or ""
        return item.override_value, item.override_parts
    if row is None:
        result.actual_text = "待填报"
        return None, None
    value = row.value
    result.actual_text = value.text
    if row.metric == "manual":
        result.source = "manual" if "evidence" in value.detail else "pending"
    else:
        result.source = "data" if value.actual is not None or value.parts is not None else "pending"
    return value.actual, value.parts


def _fraction(ind: Indicator, kind: str, value, parts, settings: Settings) -> Decimal | None:
    if kind == "parts":
        targets = {label: Decimal(str(t)) for label, t, _u in ind.target_parts}
        return None if parts is None else scoring.parts_fraction(parts, targets)
    if value is None:
        return None
    value = Decimal(value)
    if kind == "date":
        return scoring.ge_fraction(value, Decimal(100))  # the share paid by the deadline, in %
    target = Decimal(ind.target_value)
    if kind == "<=":
        return scoring.le_fraction(value, target, settings.le_formula)
    return scoring.ge_fraction(value, target)


def _over(ind: Indicator, kind: str, value, parts, settings: Settings) -> bool:
    threshold = settings.over_threshold_percent
    if kind == "parts" and parts:
        return any(scoring.over_achieved(Decimal(parts.get(label, 0)), Decimal(str(t)), "parts", threshold)
                   for label, t, _u in ind.target_parts)
    if kind in (">=", "=") and value is not None:
        return scoring.over_achieved(Decimal(value), Decimal(ind.target_value), kind, threshold)
    return False


def problems(result: ProjectResult, weight_total: int) -> list[str]:
    """What must be done before the evaluation can be submitted, in Chinese."""
    found = []
    if weight_total == 0:
        found.append("没有可以评分的项目（预算数为0且所有指标均不适用）")
    if not result.overall_actual.strip():
        found.append("请填写年度总体目标的实际完成情况")
    for i in result.indicators:
        if i.source != "na" and i.score is None:
            what = "请选择档次并打分" if i.qualitative else "完成值待填报，请调整实际完成值并说明来源"
            found.append(f"{GROUP_LABELS[i.group]}“{i.level3}”：{what}")
        elif i.needs_reason and not (i.deviation_reason.strip() and i.improvement.strip()):
            why = "超额完成（可能指标值设定偏低）" if i.over_achieved else "未得满分"
            found.append(f"“{i.level3}”{why}，须填写偏差原因分析和改进措施")
    return found
