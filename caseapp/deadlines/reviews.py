"""Yearly reviews of hardship files, when the cases area provides ``HardshipFile.review_due``."""
from __future__ import annotations

import datetime as dt
import importlib
import importlib.util

from sqlalchemy import func, select
from sqlalchemy.orm.attributes import InstrumentedAttribute

from caseapp.core.calendar import format_date_zh
from caseapp.core.db import db

#: files are announced this many days before their review date
LOOKAHEAD_DAYS = 30


def reviews_due(today: dt.date) -> list:
    """Per organisation and week: how many of its files are due for review (counts only, no names)."""
    from caseapp.deadlines.findings import Finding

    model = _optional("caseapp.cases.models", "HardshipFile")
    column = getattr(model, "review_due", None)
    if not isinstance(column, InstrumentedAttribute) or not hasattr(model, "org_id"):
        return []  # not (yet) a queryable column: nothing to report
    horizon = today + dt.timedelta(days=LOOKAHEAD_DAYS)
    stmt = (select(model.org_id, func.count(), func.min(column)).where(column.is_not(None), column <= horizon)
            .group_by(model.org_id))
    open_statuses = _optional("caseapp.cases.vocab", "OPEN_STATUSES")
    if open_statuses and hasattr(model, "status"):  # closed files (解困脱困, 退档) are not reviewed
        stmt = stmt.where(model.status.in_(open_statuses))
    week = today - dt.timedelta(days=today.weekday())  # at most one such reminder per week (and due date)
    return [Finding("review_due", f"review-{org_id}", org_id, earliest, 0, review_text(count, earliest, today),
                    count=count, subject_key=f"week-{week.isoformat()}")
            for org_id, count, earliest in db.session.execute(stmt)]


def review_text(count: int, due: dt.date, today: dt.date) -> str:
    """The reminder's words for ``count`` files whose earliest review is due on ``due`` (the finding's due date)."""
    if due < today:
        return f"有{count}份困难职工档案的年度复核已于{format_date_zh(due)}到期，请尽快完成"
    return f"有{count}份困难职工档案需在{format_date_zh(due)}前完成年度复核"


def _optional(module: str, name: str):
    """``module.name`` when both exist (the cases area is optional here), else None."""
    if importlib.util.find_spec(module) is None:
        return None
    return getattr(importlib.import_module(module), name, None)
