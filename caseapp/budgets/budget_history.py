"""年初预算数 and 调整后预算数: the history of a project's 预算数 after the import."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseapp.budgets.models import BudgetChange, Project
from caseapp.core.calendar import local_today
from caseapp.core.context import current_principal
from caseapp.core.db import db


def record_change(project: Project, before_fen: int, after_fen: int, reason: str = "",
                  on: date | None = None) -> BudgetChange:
    """Append one 预算调整 (the caller has already changed ``project.budget_fen``).

    It takes effect on ``on`` (default today), kept inside the project's fiscal year: an adjustment recorded
    after the year ended still holds for the year-end figures.
    """
    principal = current_principal()
    day = min(max(on or local_today(), date(project.year, 1, 1)), date(project.year, 12, 31))
    change = BudgetChange(project_id=project.id, before_fen=before_fen, after_fen=after_fen, changed_on=day, reason=(reason or "").strip(),
                          actor_name=principal.username if principal else "系统")
    db.session.add(change)
    return change


def changes_of(project_ids: list[int]) -> dict[int, list[BudgetChange]]:
    """Each project's changes, oldest first (one query for many projects)."""
    found: dict[int, list[BudgetChange]] = {pid: [] for pid in project_ids}
    if project_ids:
        stmt = select(BudgetChange).where(BudgetChange.project_id.in_(project_ids)).order_by(BudgetChange.id)
        for change in db.session.scalars(stmt):
            found[change.project_id].append(change)
    return found


def initial_budget(project: Project, changes: list[BudgetChange]) -> int:
    """年初预算数: what the document said, i.e. the budget before the first change."""
    return changes[0].before_fen if changes else project.budget_fen


def budget_on(project: Project, changes: list[BudgetChange], day: date) -> int:
    """调整后预算数 in force on ``day``: the current 预算数, rolled back over the changes made after ``day``."""
    later = [c for c in changes if c.changed_on > day]
    return later[0].before_fen if later else project.budget_fen
