"""The scan's finders: functions ``(today, cal) -> list[Finding]`` that areas contribute.

Register one with ``@finder``. Spending is read from the payments ledger (net of reversals).
"""
from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Callable
from dataclasses import asdict, dataclass

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
        data = asdict(self)
        return {"kind": data["kind"], "deadline_id": self.deadline_id, "project_code": self.project_code,
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
    from sqlalchemy import func, select

    from caseapp.core.db import db
    from caseapp.payments.models import LedgerEntry

    stmt = select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0)).where(
        LedgerEntry.project_id == project_id, LedgerEntry.entry_date <= by)
    return int(db.session.scalar(stmt))


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
    found = []
    for year in (today.year - 1, today.year):
        for d in deadlines_for_year(year, cal):
            days_after = (today - d.resolved.last_day).days
            if d.kind == "plan_month_end" and 0 < days_after <= 31:
                finding = _behind(d)
                found += [finding] if finding else []
    return found


def _behind(d: Deadline) -> Finding | None:
    from caseapp.budgets.models import Project
    from caseapp.core.db import db

    budget = db.session.get(Project, d.project_id).budget_fen
    planned, spent = -(-budget * d.plan_percent // 100), spent_fen(d.project_id, d.resolved.last_day)
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
