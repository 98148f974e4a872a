"""绩效运行监控 at a month end: execution against the spending plan, indicator progress against time, entries."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp.budgets.budget_history import budget_on, changes_of, initial_budget
from caseapp.budgets.models import Indicator, Project
from caseapp.core.audit import record
from caseapp.core.calendar import month_end
from caseapp.core.db import db
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.core.scoping import require_org_in_scope, require_role
from caseapp.evaluation.compute import departments_of, kind_of
from caseapp.evaluation.services import year_projects
from caseapp.evaluation.settings import Settings, settings_for_many
from caseapp.evaluation.workflow import EDIT_ROLES
from caseapp.indicators.rollup import RollupRow, compute_rows, year_facts
from caseapp.monitoring import lights
from caseapp.monitoring.models import CAUSES, LIKELIHOODS, MonitoringItem, MonitoringReport


@dataclass
class IndicatorMonitor:
    """One indicator at the month end: 1–N月完成情况, progress and time, light, what was entered."""

    indicator_id: int
    level1: str
    level2: str
    level3: str
    target_text: str
    value_text: str
    progress: Decimal | None
    elapsed: Decimal
    light: str | None
    expected_text: str = ""
    likelihood: str | None = None
    causes: list = field(default_factory=list)
    cause_note: str = ""
    measures: str = ""

    @property
    def light_label(self) -> str:
        """绿灯 / 黄灯 / 红灯 / —."""
        return lights.LIGHT_LABELS[self.light]

    def as_json(self) -> dict:
        """One indicator's monitoring row as JSON."""
        return {"indicator_id": self.indicator_id, "level1": self.level1, "level2": self.level2,
                "level3": self.level3, "target_text": self.target_text, "value_text": self.value_text,
                "progress": _num(self.progress), "elapsed": _num(self.elapsed), "light": self.light,
                "expected_text": self.expected_text, "likelihood": self.likelihood, "causes": self.causes,
                "cause_note": self.cause_note, "measures": self.measures}


@dataclass
class ProjectMonitor:
    """A project's 绩效运行监控表 for 1–N月."""

    project_id: int
    code: str
    name: str
    department: str
    unit: str
    year: int
    month: int
    initial_fen: int
    budget_fen: int  #: 调整后预算数 in force at the month end
    spent_fen: int  #: 1–N月执行数 (ledger, net of reversals)
    rate: Decimal | None
    planned_percent: int  #: the spending plan's cumulative share by the month end
    light: str | None
    indicators: list[IndicatorMonitor]
    expected_spend_fen: int | None = None
    spend_causes: list = field(default_factory=list)
    spend_measures: str = ""

    @property
    def month_end(self) -> date:
        """The day the data is counted to."""
        return month_end(self.year, self.month)

    @property
    def light_label(self) -> str:
        """The execution light in Chinese."""
        return lights.LIGHT_LABELS[self.light]

    def count(self, colour: str) -> int:
        """How many indicators show ``colour``."""
        return sum(1 for i in self.indicators if i.light == colour)

    def as_json(self) -> dict:
        """The project's monitoring table as JSON (amounts in 分, rates in percent)."""
        return {"code": self.code, "name": self.name, "year": self.year, "month": self.month,
                "initial_budget_fen": self.initial_fen, "budget_fen": self.budget_fen, "spent_fen": self.spent_fen,
                "rate": _num(self.rate), "planned_percent": self.planned_percent, "light": self.light,
                "expected_spend_fen": self.expected_spend_fen, "spend_causes": self.spend_causes,
                "spend_measures": self.spend_measures, "indicators": [i.as_json() for i in self.indicators]}


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def check_month(month: int) -> int:
    """Monitoring covers 1–N月 for N in 1–12."""
    if not 1 <= month <= 12:
        raise ValidationFailed("监控月份应为1–12月", field="month")
    return month


def monitor_projects(projects: list[Project], month: int) -> list[ProjectMonitor]:
    """Every project of one year at the end of ``month``, from one roll-up pass."""
    if not projects:
        return []
    year = projects[0].year
    day = month_end(year, check_month(month))
    indicators = [i for p in projects for i in p.indicators]
    facts = year_facts(year, day, indicators)
    rows = {r.indicator.id: r for r in compute_rows(facts, indicators)}
    reports = _reports([p.id for p in projects], month)
    changes = changes_of([p.id for p in projects])
    org_ids = sorted({p.org_id for p in projects})
    settings, departments = settings_for_many(org_ids, year), departments_of(org_ids)
    return [_monitor(p, month, facts.paid_fen.get(p.id, 0), rows, reports.get(p.id), changes[p.id],
                     settings[p.org_id], departments[p.org_id]) for p in projects]


def year_monitoring(year: int, month: int, code: str | None = None) -> list[ProjectMonitor]:
    """The year's readable projects at the end of ``month``."""
    return monitor_projects(year_projects(year, code), month)


def _reports(project_ids: list[int], month: int) -> dict[int, MonitoringReport]:
    stmt = (select(MonitoringReport).where(MonitoringReport.project_id.in_(project_ids),
                                           MonitoringReport.month == month)
            .options(selectinload(MonitoringReport.items)))
    return {r.project_id: r for r in db.session.scalars(stmt)}


def _monitor(project: Project, month: int, spent: int, rows: dict[int, RollupRow], report: MonitoringReport | None,
             changes: list, settings: Settings, department: str) -> ProjectMonitor:
    day = month_end(project.year, month)
    budget = budget_on(project, changes, day)
    planned = max((p.percent for p in project.plan_points if p.month <= month), default=0)
    rate = lights.percent(spent, budget)
    light = lights.light(rate, Decimal(planned), settings.light_green_gap, settings.light_yellow_gap)
    items = {i.indicator_id: i for i in report.items} if report else {}
    result = ProjectMonitor(project.id, project.code, project.name, department, project.org.name,
                            project.year, month, initial_budget(project, changes), budget, spent, rate, planned,
                            light, [_indicator(i, rows.get(i.id), items.get(i.id), day, settings)
                                    for i in project.indicators])
    if report is not None:
        result.expected_spend_fen, result.spend_causes = report.expected_spend_fen, list(report.spend_causes or [])
        result.spend_measures = report.spend_measures
    return result


def _indicator(ind: Indicator, row: RollupRow | None, item: MonitoringItem | None, day: date,
               settings: Settings) -> IndicatorMonitor:
    progress, elapsed, over_limit = _progress(ind, row, day)
    data_light = lights.RED if over_limit else lights.light(progress, elapsed, settings.light_green_gap,
                                                           settings.light_yellow_gap)
    result = IndicatorMonitor(ind.id, ind.level1, ind.level2, ind.level3, ind.target_text,
                              row.value.text if row else "待填报", progress, elapsed, data_light)
    if item is not None:
        result.expected_text, result.likelihood = item.expected_text, item.likelihood
        result.causes, result.cause_note, result.measures = list(item.causes or []), item.cause_note, item.measures
    result.light = lights.with_likelihood(data_light, result.likelihood)
    return result


def _progress(ind: Indicator, row: RollupRow | None, day: date) -> tuple[Decimal | None, Decimal, bool]:
    """(completion %, time elapsed %, beyond a ≤ limit) of one indicator at ``day``."""
    elapsed = lights.time_elapsed(day.month)
    kind = kind_of(ind)
    if row is None or kind == "qualitative":
        return None, elapsed, False
    value = row.value
    if kind == "parts":
        if value.parts is None:
            return None, elapsed, False
        shares = [min(Decimal(value.parts.get(label, 0)) / Decimal(str(t)), 1) if t else Decimal(1)
                  for label, t, _u in ind.target_parts]
        return lights.percent(sum(shares), len(shares)), elapsed, False
    if value.actual is None:
        return None, elapsed, False
    if kind == "date":
        deadline = value.detail.get("deadline")
        if deadline is None or date.fromisoformat(deadline) > day:
            return None, elapsed, False  # the deadline is still ahead: nothing to measure yet
        return Decimal(value.actual), lights.HUNDRED, False
    target = Decimal(ind.target_value)
    return lights.percent(value.actual, target), elapsed, kind == "<=" and Decimal(value.actual) > target


@dataclass
class ItemEntry:
    """What is entered for one indicator."""

    expected_text: str = ""
    likelihood: str | None = None
    causes: list = field(default_factory=list)
    cause_note: str = ""
    measures: str = ""


def save_report(project: Project, month: int, expected_spend_fen: int | None, spend_causes: list,
                spend_measures: str, items: dict[int, ItemEntry]) -> MonitoringReport:
    """Store the entered columns of a project's monitoring table for 1–N月 (editors of its subtree); audited."""
    principal = require_role(*EDIT_ROLES)
    require_org_in_scope(project.org_id)
    check_month(month)
    if expected_spend_fen is not None and expected_spend_fen < 0:
        raise ValidationFailed("全年预计执行数不能为负数", field="expected_spend")
    report = _reports([project.id], month).get(project.id)
    if report is None:
        report = MonitoringReport(project_id=project.id, org_id=project.org_id, year=project.year, month=month,
                                  spend_causes=[], spend_measures="", updated_by=principal.username)
        db.session.add(report)
    report.expected_spend_fen, report.spend_causes = expected_spend_fen, _causes(spend_causes)
    report.spend_measures, report.updated_by = _text(spend_measures), principal.username
    known = {i.id: i for i in project.indicators}
    for indicator_id, entry in items.items():
        if indicator_id not in known:
            raise NotFound("该项目没有这个指标")
        _save_item(report, known[indicator_id], entry)
    db.session.flush()
    record("monitoring.save", report, after={"month": month, "expected_spend_fen": expected_spend_fen,
                                             "indicators": len(items)},
           summary=f"填写{project.year}年1–{month}月绩效运行监控：{project.name}")
    return report


def _save_item(report: MonitoringReport, indicator: Indicator, entry: ItemEntry) -> None:
    if entry.likelihood and entry.likelihood not in LIKELIHOODS:
        raise ValidationFailed(f"完成目标可能性只能是：{'、'.join(LIKELIHOODS)}", field="likelihood")
    item = next((i for i in report.items if i.indicator_id == indicator.id), None)
    if item is None:
        item = MonitoringItem(indicator=indicator)
        report.items.append(item)
    item.expected_text, item.likelihood = _text(entry.expected_text, 2000), entry.likelihood or None
    item.causes, item.cause_note, item.measures = _causes(entry.causes), _text(entry.cause_note, 2000), \
        _text(entry.measures)


def _causes(values: list) -> list:
    unknown = [v for v in values if v not in CAUSES]
    if unknown:
        raise ValidationFailed(f"偏差原因只能是：{'、'.join(CAUSES)}", field="causes")
    return [c for c in CAUSES if c in values]


def _text(value: str | None, limit: int = 4000) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationFailed(f"内容太长（最多{limit}个字）")
    return value

