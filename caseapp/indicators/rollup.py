"""Running the roll-up for a year: compute, judge, store a dated snapshot (history kept)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from caseapp.budgets.models import Indicator, Project
from caseapp.core.audit import record
from caseapp.core.context import current_principal
from caseapp.core.db import db
from caseapp.rosters.bulkwrite import among, insert_rows
from caseapp.core.scoping import require_role, scoped
from caseapp.indicators.models import IndicatorSnapshot, ManualValue, Rollup
from caseapp.indicators.services import Facts, Value, compute, gather, judge


#: who may recompute (the operator and the scheduled job always may)
ROLLUP_ROLES = ("admin", "reviewer", "caseworker")


@dataclass
class RollupRow:
    """One indicator's result, as the CLI and pages show it."""

    indicator: Indicator
    project_code: str
    value: Value
    achieved: bool | None
    metric: str

    def as_json(self) -> dict:
        actual = self.value.actual
        return {"project_code": self.project_code, "level3": self.indicator.level3,
                "target_text": self.indicator.target_text, "metric": self.metric,
                "actual_value": float(actual) if actual is not None else None, "actual_text": self.value.text,
                "unit": self.value.unit, "achieved": self.achieved}


def _indicators(year: int) -> list[Indicator]:
    stmt = (scoped(select(Indicator).join(Project), Project.org_id).where(Project.year == year)
            .options(selectinload(Indicator.project)).order_by(Project.code, Indicator.position))
    return list(db.session.scalars(stmt))


def _deadlines(year: int, indicators: list[Indicator]) -> dict[int, date]:
    """The deadline each project's 时效 indicator is measured against (its own target, else a rule)."""
    from caseapp.deadlines.services import load_calendar
    from caseapp.deadlines.sources import deadlines_for_year

    found = [d for d in deadlines_for_year(year, load_calendar(), plans=False) if d.confirmed]
    own = {d.id: d.resolved.last_day for d in found if d.id.startswith("indicator-")}
    earliest_rule: dict[int, date] = {}
    for d in found:  # sorted by last day, so the first rule seen per project is the earliest
        if d.id.startswith(("rule-", "custom-")) and d.project_id is not None:
            earliest_rule.setdefault(d.project_id, d.resolved.last_day)
    result: dict[int, date] = {}
    for ind in indicators:
        if ind.metric == "on_time_share":
            chosen = own.get(f"indicator-{ind.id}") or earliest_rule.get(ind.project_id)
            if chosen is not None:
                result[ind.project_id] = chosen
    return result


def _latest_manual(indicator_ids: list[int]) -> dict[int, ManualValue]:
    newest = (select(func.max(ManualValue.id)).where(among(ManualValue.indicator_id, indicator_ids))
              .group_by(ManualValue.indicator_id))
    rows = db.session.scalars(select(ManualValue).where(ManualValue.id.in_(newest)))
    return {m.indicator_id: m for m in rows}


def _manual_value(m: ManualValue | None) -> tuple[Value, bool | None]:
    if m is None:
        return Value(None, None, "待填报", {"note": "定性指标，需手工填报完成值和佐证材料"}), None
    return Value(m.actual_value, None, m.value_text, {"evidence": m.evidence, "entered_by": m.entered_by}), m.achieved


def year_facts(year: int, as_of: date, indicators: list[Indicator]) -> Facts:
    """Every metric of ``year`` up to ``as_of`` (net paid per project included), for ``indicators``' deadlines."""
    return gather(year, as_of, _deadlines(year, indicators))


def compute_rows(facts: Facts, indicators: list[Indicator]) -> list[RollupRow]:
    """The 完成值 of ``indicators`` (all of the facts' year) from ``facts``; nothing is stored."""
    manual = _latest_manual([i.id for i in indicators])
    rows = []
    for ind in indicators:
        value = compute(ind, facts)
        if value is None:
            value, achieved = _manual_value(manual.get(ind.id))
        else:
            achieved = judge(ind, value)
        rows.append(RollupRow(ind, ind.project.code, value, achieved, ind.metric))
    return rows


def run_rollup(year: int, as_of: date) -> tuple[Rollup, list[RollupRow]]:
    """Compute every indicator of ``year`` from data up to ``as_of`` and store a snapshot of each."""
    require_role(*ROLLUP_ROLES)
    indicators = _indicators(year)
    rows = compute_rows(year_facts(year, as_of, indicators), indicators)
    principal = current_principal()
    run = Rollup(year=year, as_of=as_of, actor_name=principal.username if principal else "系统")
    db.session.add(run)
    db.session.flush()
    _store(run, rows)
    record("indicators.rollup", run, summary=f"{year}年度绩效指标完成值计算（截至{as_of.isoformat()}），{len(rows)}项")
    return run, rows


def _store(run: Rollup, rows: list[RollupRow]) -> None:
    if not rows:
        return
    # set-based (COPY on PostgreSQL): the ORM bulk path emits one INSERT per row for these column types
    insert_rows(IndicatorSnapshot.__table__, [
        {"rollup_id": run.id, "indicator_id": r.indicator.id, "metric": r.metric, "actual_value": r.value.actual,
         "unit": r.value.unit, "actual_text": r.value.text, "achieved": r.achieved, "detail": r.value.detail}
        for r in rows])
