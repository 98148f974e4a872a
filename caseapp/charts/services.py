"""The numbers behind each chart, in a few grouped queries per page (all scoped, none per row).

Each function returns plain data (元 as numbers with two decimals for the chart, 分 for the tables); the view
puts the same data in the chart's ``data-chart`` attribute and in the table beside it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from caseapp.core.db import db
from caseapp.core.scoping import scoped

MONTHS = list(range(1, 13))
#: more projects than this (a province's 500): one table of them instead of a chart each (each project's page has it)
PROJECT_CHARTS_MAX = 12
#: more quantified indicators than this: the progress table without its bar chart
PROGRESS_BARS_MAX = 60


def _yuan(fen: int) -> float:
    return round(fen / 100, 2)


@dataclass
class Execution:
    """Cumulative spending against the plan, month by month, for one project or the whole year."""

    name: str
    budget_fen: int
    planned_fen: list[int]  #: cumulative plan at each month end (interpolated between the plan's points)
    paid_fen: list[int | None]  #: cumulative net payments at each month end (None after the current month)
    points: dict[int, int] = field(default_factory=dict)  #: the plan's own points: month → cumulative %
    project_id: int | None = None  #: the project's page (None for the year's total)

    def chart(self) -> dict:
        """The chart's JSON."""
        return {"kind": "execution", "title": self.name, "months": [f"{m}月" for m in MONTHS],
                "planned": [_yuan(v) for v in self.planned_fen],
                "paid": [None if v is None else _yuan(v) for v in self.paid_fen], "budget": _yuan(self.budget_fen)}


def planned_curve(budget_fen: int, points: dict[int, int]) -> list[int]:
    """The plan's cumulative amount at each month end: its points (3月底 30% …), straight lines between them."""
    known = {0: 0, **points}
    marks = sorted(known)
    curve = []
    for month in MONTHS:
        before = max(m for m in marks if m <= month)
        after = min((m for m in marks if m >= month), default=before)
        if after == before:
            percent = Decimal(known[before])
        else:
            share = Decimal(month - before) / Decimal(after - before)
            percent = known[before] + (known[after] - known[before]) * share
        curve.append(int((budget_fen * percent / 100).quantize(Decimal(1), ROUND_HALF_UP)))
    return curve


def ledger_by_month(year: int, project_ids: list[int] | None = None) -> list[tuple[int, str, int, int]]:
    """(project id, aid type, month, net paid) of the year's ledger in scope, of ``project_ids`` only when given:
    the one pass over the ledger both the execution and the payments charts read (one grouped query; the few aid
    types' names are looked up after)."""
    from caseapp.budgets.models import Project
    from caseapp.payments.models import AidType, LedgerEntry

    month = func.extract("month", LedgerEntry.entry_date)
    stmt = (select(LedgerEntry.project_id, LedgerEntry.aid_type_id, month, func.sum(LedgerEntry.amount_fen))
            .join(Project, Project.id == LedgerEntry.project_id).where(LedgerEntry.year == year)
            .group_by(LedgerEntry.project_id, LedgerEntry.aid_type_id, month))
    if project_ids is not None:
        stmt = stmt.where(LedgerEntry.project_id.in_(project_ids))
    rows = db.session.execute(scoped(stmt, Project.org_id)).all()
    names = dict(db.session.execute(select(AidType.id, AidType.name)).all())
    return [(pid, names.get(type_id, "其他"), int(m), int(total or 0)) for pid, type_id, m, total in rows]


def _cumulative(by_month: dict[int, int], last_month: int) -> list[int | None]:
    running, out = 0, []
    for month in MONTHS:
        running += by_month.get(month, 0)
        out.append(running if month <= last_month else None)
    return out


def execution(year: int, today: dt.date, project_ids: list[int] | None = None,
              ledger: list | None = None) -> tuple[Execution, list[Execution]]:
    """The year's execution (all projects in scope) and each project's, up to the current month; ``ledger`` is
    :func:`ledger_by_month`'s answer when the caller has it already."""
    from caseapp.budgets.models import Project
    from caseapp.core.scoping import scoped_with_ancestors

    stmt = (scoped_with_ancestors(select(Project), Project.org_id).where(Project.year == year)
            .options(selectinload(Project.plan_points)).order_by(Project.code))  # the project list's scope
    if project_ids is not None:
        stmt = stmt.where(Project.id.in_(project_ids))
    projects = list(db.session.scalars(stmt))
    paid: dict[int, dict[int, int]] = {}
    for pid, _type, m, v in ledger_by_month(year, project_ids) if ledger is None else ledger:
        months = paid.setdefault(pid, {})
        months[m] = months.get(m, 0) + v
    last = 12 if today.year > year else (today.month if today.year == year else 0)
    rows = []
    for p in projects:
        points = {pt.month: pt.percent for pt in p.plan_points}
        mine = paid.get(p.id, {})
        rows.append(Execution(p.name, p.budget_fen, planned_curve(p.budget_fen, points), _cumulative(mine, last),
                              points, p.id))
    total = Execution(f"{year}年全部项目", sum(r.budget_fen for r in rows),
                      [sum(r.planned_fen[i] for r in rows) for i in range(12)],
                      [None if rows and rows[0].paid_fen[i] is None else sum(r.paid_fen[i] or 0 for r in rows)
                       for i in range(12)] if rows else [None] * 12)
    return total, rows


@dataclass
class Progress:
    """An indicator's latest 完成值 against its target."""

    project: str
    name: str
    target_text: str
    actual_text: str
    percent: float | None  #: achieved share of the target (≤ targets: 100 when within), None when not numeric
    achieved: bool | None


def indicator_progress(year: int) -> list[Progress]:
    """Every indicator of the year in scope with its latest computed 完成值 (two queries)."""
    from caseapp.budgets.models import Indicator, Project
    from caseapp.indicators.models import IndicatorSnapshot

    indicators = list(db.session.scalars(scoped(select(Indicator).join(Project), Project.org_id)
                                         .options(contains_eager(Indicator.project))
                                         .where(Project.year == year).order_by(Project.code, Indicator.position)))
    latest = select(func.max(IndicatorSnapshot.id)).where(
        IndicatorSnapshot.indicator_id.in_([i.id for i in indicators] or [0])).group_by(IndicatorSnapshot.indicator_id)
    snaps = {s.indicator_id: s for s in db.session.scalars(select(IndicatorSnapshot).where(
        IndicatorSnapshot.id.in_(latest)))}
    return [_progress(i, snaps.get(i.id)) for i in indicators]


def progress_percent(direction: str, target, actual) -> float | None:
    """How far ``actual`` reaches ``target``: ≥/= as a share of it; ≤ is 100 while within and less beyond."""
    if actual is None or target in (None, 0) or direction not in (">=", "=", "<="):
        return None
    target, actual = Decimal(target), Decimal(actual)
    if direction == "<=":
        share = Decimal(100) if actual <= target else max(Decimal(0), 100 * (2 - actual / target))
    else:
        share = 100 * actual / target
    return float(round(share, 1))


def _progress(indicator, snap) -> Progress:
    actual = snap.actual_value if snap is not None else None
    return Progress(indicator.project.name, indicator.level3 or indicator.description or "", indicator.target_text,
                    snap.actual_text if snap is not None else "尚未计算",
                    progress_percent(indicator.direction, indicator.target_value, actual),
                    snap.achieved if snap is not None else None)


def payments_by_month(year: int, ledger: list | None = None) -> tuple[list[str], dict[str, list[int]]]:
    """(aid types, {aid type: net paid per month}) of the year's ledger in scope (``ledger`` as in execution)."""
    series: dict[str, list[int]] = {}
    for _pid, name, m, total in ledger_by_month(year) if ledger is None else ledger:
        series.setdefault(name, [0] * 12)[m - 1] += total
    return sorted(series), series


def deadline_timeline(year: int) -> list:
    """The year's deadlines in scope, earliest first (the same list as the deadlines page)."""
    from caseapp.deadlines.services import load_calendar
    from caseapp.deadlines.sources import deadlines_for_year

    return deadlines_for_year(year, load_calendar())
