"""Querying the audit log within scope."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.core.scoping import require_role, scoped


def _local_day_start(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(tz)).astimezone(timezone.utc)


def search_events(*, actor: str = "", action: str = "", object_type: str = "", day_from: date | None = None,
                  day_to: date | None = None, page: int = 1, per_page: int = 50, tz: str = "Asia/Shanghai"):
    """Audit events in scope matching the filters, newest first; returns (rows, total)."""
    require_role("auditor", "admin")
    stmt = scoped(select(AuditEvent), AuditEvent.org_id)
    if actor:
        stmt = stmt.where(AuditEvent.actor_name == actor)
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True))
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if day_from:
        stmt = stmt.where(AuditEvent.at >= _local_day_start(day_from, tz))
    if day_to:
        stmt = stmt.where(AuditEvent.at < _local_day_start(day_to + timedelta(days=1), tz))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(stmt.order_by(AuditEvent.id.desc()).limit(per_page).offset((page - 1) * per_page))
    return list(rows), total
