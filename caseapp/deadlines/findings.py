"""The scan's finders: functions ``(today, cal) -> list[Finding]`` that areas contribute.

Register one with ``@finder``. Spending is read from the budget counters and the payments ledger (net of
reversals). A finder asks the database a fixed number of questions, whatever the number of projects or
organisations (tests/deadlines/test_scan_statements.py counts them).
"""
from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from caseapp.core.calendar import WorkCalendar, format_date_zh
from caseapp.core.money import format_yuan
from caseapp.deadlines.sources import Deadline, deadlines_for_year


@dataclass(frozen=True)
class Finding:
    """Something a project's staff should be told; becomes one reminder per recipient."""

    kind: str  #: deadline_approaching / deadline_passed / spending_behind / review_due
    deadline_id: str  #: the source key, e.g. "rule-5"
    org_id: int  #: the organisation whose subtree's caseworkers and admins are told
    due_on: dt.date
    offset: int  #: reminder tier in days (30/7/1), 0 at the due date, -1 after it passed
    message: str
    project_id: int | None = None
    project_code: str | None = None
    count: int = 1
    subject_key: str = ""
    #: who is told: empty means the organisation's caseworkers and admins (reminders.RECIPIENT_ROLES)
    recipient_roles: tuple[str, ...] = ()
    #: False: only users of the organisation itself, not of the unions below it
    subtree: bool = True

    def as_json(self) -> dict:
        return {"kind": self.kind, "deadline_id": self.deadline_id, "project_code": self.project_code,
                "count": self.count, "message": self.message, "due_on": self.due_on.isoformat(),
                "offset": self.offset}


Finder = Callable[[dt.date, WorkCalendar], list[Finding]]
FINDERS: list[Finder] = []
#: a passed deadline is reported for this many days after it (a late first import stays quiet)
PASSED_WINDOW_DAYS = 30


def finder(fn: Finder) -> Finder:
    """Register ``fn`` with the scan."""
    FINDERS.append(fn)
    return fn


def spent_fen(project_id: int, by: dt.date) -> int:
    """Money paid out of a project up to and including ``by``, in 分 (payments minus reversals)."""
    return spent_by({project_id}, by).get(project_id, (0, 0))[1]


def spent_by(project_ids, by: dt.date) -> dict[int, tuple[int, int]]:
    """``{project id: (预算数, money paid out up to and including by)}`` in one statement, whatever the number of
    projects: the budget counter's paid total (kept by the caps, payments minus reversals) less what the ledger
    recorded after ``by`` (a month at most, read through its (project, date) index); the ledger's sum up to ``by``
    for a project that has no counter yet."""
    from sqlalchemy import case, func, select

    from caseapp.budgets.models import Project
    from caseapp.core.db import db
    from caseapp.payments.models import BudgetCounter, LedgerEntry

    def ledger(*where):
        return (select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0))
                .where(LedgerEntry.project_id == Project.id, *where).scalar_subquery())

    spent = case((BudgetCounter.project_id.is_(None), ledger(LedgerEntry.entry_date <= by)),
                 else_=BudgetCounter.paid_fen - ledger(LedgerEntry.entry_date > by))
    stmt = (select(Project.id, Project.budget_fen, spent)
            .outerjoin(BudgetCounter, BudgetCounter.project_id == Project.id)
            .where(Project.id.in_(sorted(project_ids))))
    return {pid: (int(budget), int(paid)) for pid, budget, paid in db.session.execute(stmt)}


def _offsets() -> tuple[int, ...]:
    return tuple(sorted(current_app.config.get("DEADLINE_REMINDER_OFFSETS", (30, 7, 1))))


def _scan_years(today: dt.date) -> range:
    """Last year (late 12月 work, next year's 春节 in January), this year and next."""
    return range(today.year - 1, today.year + 2)


@finder
def deadlines_due(today: dt.date, cal: WorkCalendar) -> list[Finding]:
    """Deadlines within an offset (the most urgent tier reached, so a missed run catches up) or just passed."""
    offsets = _offsets()
    found = []
    for year in _scan_years(today):
        for deadline in deadlines_for_year(year, cal):
            if deadline.confirmed:
                finding = _deadline_finding(deadline, today, offsets)
                found += [finding] if finding else []
    return found


def _deadline_finding(d: Deadline, today: dt.date, offsets: tuple[int, ...]) -> Finding | None:
    last = d.resolved.last_day
    left = (last - today).days
    name = f"【{d.project_name}】" if d.project_name else ""
    base = {"deadline_id": d.id, "org_id": d.org_id, "due_on": last, "project_id": d.project_id,
            "project_code": d.project_code}
    if 0 <= left <= offsets[-1]:
        tier = min(o for o in offsets if o >= left)
        when = "今天截止" if left == 0 else f"还有{left}天"
        message = f"{name}{d.subject}：截止日{format_date_zh(last)}（{when}）"
        return Finding("deadline_approaching", offset=tier, message=message, **base)
    if -PASSED_WINDOW_DAYS <= left < 0:
        message = f"{name}{d.subject}：已于{format_date_zh(last)}截止，请核对完成情况"
        return Finding("deadline_passed", offset=-1, message=message, **base)
    return None


@finder
def spending_behind_plan(today: dt.date, cal: WorkCalendar) -> list[Finding]:
    """At the latest passed plan month end (within a month), projects that spent less than planned."""
    due = [d for year in (today.year - 1, today.year) for d in deadlines_for_year(year, cal)
           if d.kind == "plan_month_end" and 0 < (today - d.resolved.last_day).days <= 31]
    spent = {day: spent_by({d.project_id for d in due if d.resolved.last_day == day}, day)
             for day in sorted({d.resolved.last_day for d in due})}  # one or two month ends
    found = []
    for d in due:
        finding = _behind(d, *spent[d.resolved.last_day][d.project_id])
        found += [finding] if finding else []
    return found


def _behind(d: Deadline, budget: int, spent: int) -> Finding | None:
    planned = -(-budget * d.plan_percent // 100)
    if spent >= planned:
        return None
    message = (f"【{d.project_name}】资金支出进度落后：截至{format_date_zh(d.resolved.last_day)}计划累计支出"
               f"{format_yuan(planned)}（{d.plan_percent}%），实际支出{format_yuan(spent)}")
    return Finding("spending_behind", d.id, d.org_id, d.resolved.last_day, 0, message, d.project_id,
                   d.project_code)


@finder
def file_reviews_due(today: dt.date, cal: WorkCalendar) -> list[Finding]:
    """Hardship files whose yearly review (动态管理) is due within 30 days, counted per organisation."""
    if importlib.util.find_spec("caseapp.cases") is None:
        return []
    from caseapp.deadlines.reviews import reviews_due

    return reviews_due(today)
