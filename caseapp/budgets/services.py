"""Reading budget projects within scope: lists, detail, spending-plan share."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp.budgets.models import Project
from caseapp.core.calendar import month_end
from caseapp.core.db import db
from caseapp.core.errors import NotFound
from caseapp.core.scoping import scoped_with_ancestors


def years() -> list[int]:
    """Fiscal years that have projects in scope, newest first (read once per request)."""
    cached = _request_cache().get("years")
    if cached is None:
        stmt = scoped_with_ancestors(select(Project.year).distinct(), Project.org_id).order_by(Project.year.desc())
        cached = _request_cache()["years"] = list(db.session.scalars(stmt))
    return list(cached)


def _request_cache() -> dict:
    """A dict living as long as the request does (a fresh one outside a request): a page does not ask the
    same question twice."""
    from flask import has_request_context, request

    return request.environ.setdefault("caseapp.budget_reads", {}) if has_request_context() else {}


def default_year(today: date) -> int:
    """This year if it has projects, else the newest year that does."""
    known = years()
    return today.year if today.year in known or not known else known[0]


def list_projects(year: int, project_ids: list[int] | None = None) -> list[Project]:
    """Projects of ``year`` in scope (of ``project_ids`` only, when given), with their plans and indicators
    loaded."""
    stmt = (scoped_with_ancestors(select(Project), Project.org_id).where(Project.year == year)
            .options(selectinload(Project.plan_points), selectinload(Project.indicators)).order_by(Project.code))
    if project_ids is not None:
        stmt = stmt.where(Project.id.in_(project_ids))
    return list(db.session.scalars(stmt))


@dataclass
class ProjectRow:
    """What the 年度概览 and the document checks read of a project, its plan and its indicators: plain rows,
    read with three queries (a province's 500 projects and 3,500 indicators as ORM objects cost far more than the
    page's SQL)."""

    id: int
    year: int
    code: str
    name: str
    org_id: int
    budget_fen: int
    plan_points: list = field(default_factory=list)  #: rows with .month and .percent, by month
    indicators: list = field(default_factory=list)  #: rows with the indicator columns, by position


def project_rows(year: int) -> list[ProjectRow]:
    """Projects of ``year`` in scope as ``ProjectRow``, by code."""
    from caseapp.budgets.models import Indicator, SpendingPlanPoint

    mine = scoped_with_ancestors(select(Project.id), Project.org_id).where(Project.year == year)
    projects = {r.id: ProjectRow(*r) for r in db.session.execute(
        scoped_with_ancestors(select(Project.id, Project.year, Project.code, Project.name, Project.org_id,
                                     Project.budget_fen), Project.org_id)
        .where(Project.year == year).order_by(Project.code))}
    for point in db.session.execute(select(SpendingPlanPoint.project_id, SpendingPlanPoint.month,
                                           SpendingPlanPoint.percent)
                                    .where(SpendingPlanPoint.project_id.in_(mine)).order_by(SpendingPlanPoint.month)):
        projects[point.project_id].plan_points.append(point)
    columns = (Indicator.id, Indicator.project_id, Indicator.position, Indicator.level1, Indicator.level2,
               Indicator.level3, Indicator.description, Indicator.target_text, Indicator.target_value, Indicator.unit,
               Indicator.direction)  # what the checks read
    for indicator in db.session.execute(select(*columns).where(Indicator.project_id.in_(mine))
                                        .order_by(Indicator.position)):
        projects[indicator.project_id].indicators.append(indicator)
    return list(projects.values())


def get_project(project_id: int) -> Project:
    """One project of the actor's subtree or of an organisation above it, else NotFound."""
    project = db.session.scalar(scoped_with_ancestors(select(Project), Project.org_id).where(Project.id == project_id))
    if project is None:
        raise NotFound("项目不存在或无权访问")
    return project


def get_project_by_code(code: str, year: int | None = None, *, or_latest: bool = False) -> Project:
    """A project by 项目编码 (the newest year unless ``year`` is given, or — ``or_latest`` — when that year has
    none), of the subtree or above it."""
    stmt = scoped_with_ancestors(select(Project), Project.org_id).where(Project.code == code)
    if year is not None and not or_latest:
        stmt = stmt.where(Project.year == year)
    wanted_first = [(Project.year == year).desc()] if year is not None and or_latest else []
    project = db.session.scalars(stmt.order_by(*wanted_first, Project.year.desc())).first()
    if project is None:
        raise NotFound(f"找不到项目 {code}")
    return project


def planned_percent(project: Project, on: date) -> int:
    """The cumulative share of the budget the plan expects spent by ``on`` (the last passed month end)."""
    return max((p.percent for p in project.plan_points if _month_passed(project.year, p.month, on)), default=0)


def next_plan_point(project: Project, on: date):
    """The next month end in the plan not yet reached, or None."""
    for point in project.plan_points:
        if not _month_passed(project.year, point.month, on):
            return point
    return None


def _month_passed(year: int, month: int, on: date) -> bool:
    return on > month_end(year, month)

