"""Querying the audit log within scope, and the log in words (people's names, local times, readable changes)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from caseapp.audit import words
from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.core.scoping import require_role, scoped

#: rows in one .xlsx export of the log (an auditor narrows the filters for more)
EXPORT_MAX = 50_000


def _local_day_start(day: date, tz: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(tz)).astimezone(timezone.utc)


@dataclass
class Filters:
    """The log's filters: a person (user id), an action (a code or a group's prefix), an object type, days."""

    actor: str = ""  #: a user id, or a name typed in older links
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    day_from: date | None = None
    day_to: date | None = None

    def describe(self, people: dict[int, str]) -> str:
        """The filters in words (printed above an export)."""
        parts = []
        if self.actor:
            parts.append(f"操作人：{people.get(int(self.actor), self.actor) if self.actor.isdigit() else self.actor}")
        if self.action:
            parts.append(f"操作：{words.GROUPS.get(self.action) or words.action_label(self.action)}")
        if self.object_type:
            parts.append(f"对象：{words.object_label(self.object_type, self.object_id or None)}")
        if self.day_from or self.day_to:
            parts.append(f"日期：{words.format_date_zh(self.day_from) if self.day_from else '最早'}至"
                         f"{words.format_date_zh(self.day_to) if self.day_to else '今天'}")
        return "；".join(parts) or "全部记录"


def _query(filters: Filters, tz: str):
    require_role("auditor", "admin")
    stmt = scoped(select(AuditEvent), AuditEvent.org_id)
    if filters.actor.isdigit():
        stmt = stmt.where(AuditEvent.actor_id == int(filters.actor))
    elif filters.actor:
        stmt = stmt.where(AuditEvent.actor_name == filters.actor)
    if filters.action in words.GROUPS:
        stmt = stmt.where(AuditEvent.action.startswith(filters.action, autoescape=True))
    elif filters.action:
        stmt = stmt.where((AuditEvent.action == filters.action)
                          | AuditEvent.action.startswith(filters.action.rstrip(".") + ".", autoescape=True))
    if filters.object_type:
        stmt = stmt.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id:
        stmt = stmt.where(AuditEvent.object_id == filters.object_id)
    if filters.day_from:
        stmt = stmt.where(AuditEvent.at >= _local_day_start(filters.day_from, tz))
    if filters.day_to:
        stmt = stmt.where(AuditEvent.at < _local_day_start(filters.day_to + timedelta(days=1), tz))
    return stmt


def search_events(*, actor: str = "", action: str = "", object_type: str = "", object_id: str = "",
                  day_from: date | None = None, day_to: date | None = None, page: int = 1, per_page: int = 50,
                  tz: str = "Asia/Shanghai"):
    """Audit events in scope matching the filters, newest first; returns (rows, total)."""
    stmt = _query(Filters(actor, action, object_type, object_id, day_from, day_to), tz)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(stmt.order_by(AuditEvent.id.desc()).limit(per_page).offset((page - 1) * per_page))
    return list(rows), total


@dataclass
class Entry:
    """One event as people read it."""

    event: AuditEvent
    who: str
    when: str
    what: str
    target: str
    summary: str
    changes: list[words.Change] = field(default_factory=list)
    source: str = ""


def people_in_scope() -> dict[int, str]:
    """Users in scope by id → 姓名 (用户名 when no name is set), for the person filter and the names shown."""
    from caseapp.auth.models import User

    users = db.session.execute(scoped(select(User.id, User.display_name, User.username), User.org_id)
                               .order_by(User.display_name, User.username)).all()
    return {uid: name or username for uid, name, username in users}


def _names(events: list[AuditEvent]) -> dict[int, str]:
    from caseapp.auth.models import User

    ids = {e.actor_id for e in events if e.actor_id}
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.display_name, User.username).where(User.id.in_(ids)))
    return {uid: name or username for uid, name, username in rows}


@lru_cache(maxsize=1)
def column_labels() -> dict[str, str]:
    """Every model column's declared Chinese label by column name (the first one wins)."""
    labels: dict[str, str] = {}
    for table in db.Model.metadata.sorted_tables:
        for column in table.columns:
            label = column.info.get("label")
            if label:
                labels.setdefault(column.name, label)
    return labels


def in_words(events: list[AuditEvent], tz: str) -> list[Entry]:
    """``events`` in words: the actor's name, the local 年月日 time, the action, the object and the changes."""
    names, labels, zone = _names(events), column_labels(), ZoneInfo(tz)
    return [Entry(event=e, who=names.get(e.actor_id) or e.actor_name,
                  when=words.moment_text(e.at.astimezone(zone) if e.at else None), what=words.action_label(e.action),
                  target=words.object_label(e.object_type, e.object_id), summary=e.summary or "",
                  changes=words.changes(e.before, e.after, labels, e.object_type),
                  source=words.SOURCES.get(e.source, e.source))
            for e in events]


def export_rows(filters: Filters, tz: str) -> Iterator[list]:
    """The filtered log as rows of an auditor's workbook (at most :data:`EXPORT_MAX`, newest first)."""
    stmt = _query(filters, tz).order_by(AuditEvent.id.desc()).limit(EXPORT_MAX)  # refuses before any writing
    return _export_stream(stmt, tz)


def _export_stream(stmt, tz: str) -> Iterator[list]:
    batch: list[AuditEvent] = []
    for event in db.session.scalars(stmt).yield_per(1000):
        batch.append(event)
        if len(batch) == 1000:
            yield from _rows(batch, tz)
            batch = []
    yield from _rows(batch, tz)


def _rows(events: list[AuditEvent], tz: str) -> Iterator[list]:
    for entry in in_words(events, tz):
        yield [entry.when, entry.who, entry.what, entry.target, entry.summary,
               "\n".join(words.change_text(c) for c in entry.changes), entry.source, entry.event.request_id or ""]


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The action filter's options: per group, the group itself then each of its actions."""
    out = []
    for prefix, group in words.GROUPS.items():
        members = sorted((code, label) for code, label in words.ACTIONS.items() if code.startswith(prefix))
        out.append((prefix, group, members))
    return out


def object_choices() -> list[tuple[str, str]]:
    """The object filter's options."""
    return sorted(words.OBJECTS.items(), key=lambda kv: kv[1])
