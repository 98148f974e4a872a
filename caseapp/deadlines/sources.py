"""Every deadline of a fiscal year, from wherever it is stated, as one uniform list.

Sources: ``budgets.Rule`` of kind 'deadline' (proposed ones are listed but not scanned), indicators whose
target is a date (春节前完成救助), hand-added ``DeadlineRule`` rows, and spending-plan month ends. Ids
carry the source ("rule-5", "indicator-7", "custom-3", "plan-12") so they stay unique across tables.
"""
from __future__ import annotations

import contextvars
import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp.budgets.models import Indicator, Project, Rule, SpendingPlanPoint
from caseapp.budgets.importer.cells import squash
from caseapp.budgets.importer.targets import find_deadlines
from caseapp.core.calendar import WorkCalendar
from caseapp.core.db import db
from caseapp.core.scoping import scoped
from caseapp.deadlines.models import DeadlineRule
from caseapp.deadlines.resolve import ResolvedDeadline, resolve


@dataclass(frozen=True)
class Deadline:
    """One deadline, whatever its source, with the fields :func:`resolve` reads."""

    id: str
    kind: str
    year: int
    org_id: int
    subject: str
    source_text: str
    month: int | None = None
    day: int | None = None
    festival: str | None = None
    festival_before: str | None = "day"
    base_date: dt.date | None = None
    workdays: int | None = None
    project_id: int | None = None
    project_code: str | None = None
    project_name: str | None = None
    plan_percent: int | None = None  #: for spending-plan month ends: cumulative % due
    confirmed: bool = True  #: False for rules the admin has not confirmed yet (listed, not scanned)
    resolved: ResolvedDeadline | None = None

    def as_json(self) -> dict:
        r = self.resolved
        return {"id": self.id, "kind": self.kind, "date": r.date.isoformat(), "last_day": r.last_day.isoformat(),
                "provisional": r.provisional, "project_code": self.project_code, "subject": self.subject,
                "source_text": self.source_text, "confirmed": self.confirmed, "explanation": r.explanation_zh}


#: inside :func:`remembered`: each year's deadlines, read once (the scan's finders all ask for them)
_remembered: contextvars.ContextVar[dict | None] = contextvars.ContextVar("deadlines_remembered", default=None)


@contextmanager
def remembered():
    """Within the block, :func:`deadlines_for_year` reads each year (and calendar) once."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def deadlines_for_year(year: int, cal: WorkCalendar, *, plans: bool = True) -> list[Deadline]:
    """Every deadline of ``year`` in the actor's scope, resolved and sorted by last day; without the spending-plan
    month ends when ``plans`` is False (the roll-up's 时效 deadlines are never one)."""
    memo = _remembered.get()
    if memo is not None and (year, id(cal), plans) in memo:
        return memo[year, id(cal), plans][1]
    found = _from_rules(year) + _from_indicators(year) + _from_custom(year) + (_from_plans(year) if plans else [])
    for d in found:  # made just now, seen by no one yet: set in place (dataclasses.replace cost a province's desk 90 ms)
        object.__setattr__(d, "resolved", resolve(d, cal))
    resolved = sorted(found, key=lambda d: (d.resolved.last_day, d.id))
    if memo is not None:
        memo[year, id(cal), plans] = (cal, resolved)  # the calendar is kept so its id is not reused
    return resolved


def _project_fields(project: Project | None) -> dict:
    if project is None:
        return {}
    return {"project_id": project.id, "project_code": project.code, "project_name": project.name}


def _from_rules(year: int) -> list[Deadline]:
    stmt = (scoped(select(Rule), Rule.org_id).where(Rule.year == year, Rule.kind == "deadline",
                                                    Rule.status != "rejected", Rule.deadline_kind.is_not(None))
            .options(selectinload(Rule.project)))
    return [Deadline(id=f"rule-{r.id}", kind=r.deadline_kind, year=year, org_id=r.org_id,
                     subject=r.subject or r.source_text[:40], source_text=r.source_text, month=r.deadline_month,
                     day=r.deadline_day, festival=r.festival, festival_before=r.festival_before or "day",
                     confirmed=r.status == "confirmed", **_project_fields(r.project))
            for r in db.session.scalars(stmt) if r.deadline_kind != "workdays"]


def _from_indicators(year: int) -> list[Deadline]:
    replaced = select(DeadlineRule.indicator_id).where(DeadlineRule.indicator_id.is_not(None))
    stmt = (scoped(select(Indicator, Project).join(Project), Project.org_id)
            .where(Project.year == year, Indicator.direction == "date", Indicator.id.not_in(replaced)))
    found = []
    for indicator, project in db.session.execute(stmt):
        specs = find_deadlines(squash(indicator.target_text))
        if specs:
            spec = specs[0]
            found.append(Deadline(id=f"indicator-{indicator.id}", kind=spec.kind, year=year, org_id=project.org_id,
                                  subject=f"{indicator.level3}：{indicator.target_text}",
                                  source_text=indicator.target_text, month=spec.month, day=spec.day,
                                  festival=spec.festival, **_project_fields(project)))
    return found


def _from_custom(year: int) -> list[Deadline]:
    stmt = (scoped(select(DeadlineRule), DeadlineRule.org_id)
            .where(DeadlineRule.year == year, DeadlineRule.is_active.is_(True))
            .options(selectinload(DeadlineRule.project)))
    return [Deadline(id=f"custom-{r.id}", kind=r.kind, year=year, org_id=r.org_id, subject=r.subject,
                     source_text=r.source_text, month=r.month, day=r.day, festival=r.festival,
                     festival_before=r.festival_before, base_date=r.base_date, workdays=r.workdays,
                     **_project_fields(r.project))
            for r in db.session.scalars(stmt)]


def _from_plans(year: int) -> list[Deadline]:
    stmt = scoped(select(SpendingPlanPoint.id, SpendingPlanPoint.month, SpendingPlanPoint.percent, Project.id,
                         Project.code, Project.name, Project.org_id).join(Project), Project.org_id
                  ).where(Project.year == year)
    return [Deadline(id=f"plan-{point_id}", kind="plan_month_end", year=year, org_id=org_id,
                     subject=f"资金支出计划：累计支出达到预算的{percent}%", source_text=f"{month}月底 {percent}%",
                     month=month, plan_percent=percent, project_id=project_id, project_code=code, project_name=name)
            for point_id, month, percent, project_id, code, name, org_id in db.session.execute(stmt)]
