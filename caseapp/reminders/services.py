"""Queueing findings as reminders, finding their recipients, and what users and admins see."""
from __future__ import annotations

import json

from sqlalchemy import Date, Integer, String, Text, column, exists, func, literal, or_, select, text
from sqlalchemy.orm import aliased

from caseapp.auth.models import User, UserRole
from caseapp.core import audit
from caseapp.core.db import UTCDateTime, db, utcnow
from caseapp.core.errors import Conflict, NotFound
from caseapp.core.scoping import principal_or_deny, require_role, scoped
from caseapp.core.db import insert_ignoring_conflicts
from caseapp.orgs.models import Organisation
from caseapp.reminders.models import Reminder, ReminderDigest

#: who receives reminders about an organisation's work
RECIPIENT_ROLES = ("caseworker", "admin")


def recipient_ids(org_id: int, roles: tuple[str, ...] | None = None, subtree: bool = True) -> list[int]:
    """Enabled users holding ``roles`` (default: caseworkers and admins) with an e-mail address in the subtree
    of ``org_id`` (or in the organisation itself when ``subtree`` is False)."""
    org_path = db.session.scalar(select(Organisation.path).where(Organisation.id == org_id))
    if not org_path:
        return []
    where_org = Organisation.path.startswith(org_path, autoescape=True) if subtree else Organisation.id == org_id
    stmt = (select(User.id).join(Organisation, User.org_id == Organisation.id)
            .where(where_org, User.is_enabled.is_(True),
                   User.email.is_not(None), User.email != "",
                   User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(roles or RECIPIENT_ROLES))))
            .order_by(User.id))
    return list(db.session.scalars(stmt))


def queue(finding, user_ids: list[int]) -> int:
    """Add one reminder per recipient unless the same one is already queued; returns how many were new."""
    dialect = db.session.get_bind().dialect.name
    added = 0
    for user_id in user_ids:
        stmt = insert_ignoring_conflicts(
            Reminder, dialect, user_id=user_id, kind=finding.kind, source_key=finding.deadline_id,
            subject_key=finding.subject_key, due_on=finding.due_on, offset_days=finding.offset,
            project_id=finding.project_id, project_code=finding.project_code, count=finding.count,
            message=finding.message, created_at=utcnow())
        # RETURNING yields no row when the key already existed (rowcount is unreliable here on psycopg)
        added += db.session.execute(stmt.returning(Reminder.id)).first() is not None
    return added


#: the columns of one finding as the set-based queue reads them (one JSON array, one row per finding)
_FINDING_COLUMNS = {"i": Integer, "kind": String, "source_key": String, "subject_key": String, "due_on": Date,
                    "offset_days": Integer, "project_id": Integer, "project_code": String, "count": Integer,
                    "message": Text, "org_id": Integer, "roles": String, "subtree": Integer}
_PG_TYPES = {Integer: "int", String: "text", Text: "text", Date: "date"}


def _findings_source(findings, dialect: str):
    """The findings as a table in SQL: one bound JSON array, whatever their number."""
    rows = [{"i": n, "kind": f.kind, "source_key": f.deadline_id, "subject_key": f.subject_key,
             "due_on": f.due_on.isoformat(), "offset_days": f.offset, "project_id": f.project_id,
             "project_code": f.project_code, "count": f.count, "message": f.message, "org_id": f.org_id,
             "roles": "," + ",".join(f.recipient_roles or RECIPIENT_ROLES) + ",", "subtree": int(f.subtree)}
            for n, f in enumerate(findings)]
    if dialect == "postgresql":
        typed = ", ".join(f"{name} {_PG_TYPES[t]}" for name, t in _FINDING_COLUMNS.items())
        sql = f"SELECT * FROM jsonb_to_recordset(CAST(:findings AS jsonb)) AS r({typed})"
    else:
        sql = "SELECT " + ", ".join(f"json_extract(value, '$.{name}') AS {name}" for name in _FINDING_COLUMNS) + \
              " FROM json_each(:findings)"
    source = text(sql).bindparams(findings=json.dumps(rows, ensure_ascii=False))
    return source.columns(*[column(name, t()) for name, t in _FINDING_COLUMNS.items()]).subquery("f")


def _recipients():
    """(organisation, user, depth) for every user who can receive mail and every organisation at or above the
    user's own (depth 0 is the user's own organisation): the subtree test of :func:`recipient_ids`, as rows."""
    anc = (select(User.org_id.label("org_id"), User.id.label("user_id"), literal(0).label("depth"))
           .where(User.is_enabled.is_(True), User.email.is_not(None), User.email != "")
           .cte("recipient_orgs", recursive=True))
    up = aliased(Organisation)
    return anc.union_all(select(up.parent_id, anc.c.user_id, anc.c.depth + 1)
                         .join(up, up.id == anc.c.org_id).where(up.parent_id.is_not(None)))


def queue_all(findings) -> int:
    """:func:`queue` of every finding to its :func:`recipient_ids`, in one INSERT … SELECT … ON CONFLICT DO NOTHING
    (the findings travel as one JSON parameter): the number of statements does not grow with findings or users.
    Returns how many reminders were new."""
    if not findings:
        return 0
    dialect = db.session.get_bind().dialect.name
    f, anc, org = _findings_source(findings, dialect), _recipients(), aliased(Organisation)
    holds_role = exists().where(UserRole.user_id == anc.c.user_id,
                                f.c.roles.like(literal(",%", String).op("||")(UserRole.role).op("||")(",%")))
    columns = ["user_id", "kind", "source_key", "subject_key", "due_on", "offset_days", "project_id", "project_code",
               "count", "message", "created_at"]
    source = (select(anc.c.user_id, f.c.kind, f.c.source_key, f.c.subject_key, f.c.due_on, f.c.offset_days,
                     f.c.project_id, f.c.project_code, f.c.count, f.c.message, literal(utcnow(), UTCDateTime))
              .select_from(f).join(org, org.id == f.c.org_id).join(anc, anc.c.org_id == f.c.org_id)
              .where(org.path != "", or_(f.c.subtree == 1, anc.c.depth == 0), holds_role)
              .order_by(f.c.i, anc.c.user_id))
    stmt = insert_ignoring_conflicts(Reminder, dialect, from_select=source, columns=columns)
    return len(db.session.execute(stmt.returning(Reminder.id)).all())


def my_reminders(page: int, per_page: int) -> tuple[list[Reminder], int]:
    """The current user's reminders, newest first, one page of them."""
    principal = principal_or_deny()
    base = select(Reminder).where(Reminder.user_id == principal.user_id)
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    rows = db.session.scalars(base.order_by(Reminder.created_at.desc(), Reminder.id.desc())
                              .limit(per_page).offset((page - 1) * per_page))
    return list(rows), total


def dead_letters() -> list[ReminderDigest]:
    """Digests that stopped retrying, for users in the admin's scope."""
    stmt = (select(ReminderDigest).join(User, ReminderDigest.user_id == User.id)
            .where(ReminderDigest.status == "dead").order_by(ReminderDigest.day.desc()))
    return list(db.session.scalars(scoped(stmt, User.org_id)))


def pending_count() -> int:
    """Digests waiting to be sent (in scope)."""
    stmt = (select(func.count(ReminderDigest.id)).join(User, ReminderDigest.user_id == User.id)
            .where(ReminderDigest.status == "pending"))
    return db.session.scalar(scoped(stmt, User.org_id))


def retry_dead(digest_id: int) -> ReminderDigest:
    """Put a dead-lettered digest back in the queue with a fresh attempt count (admins)."""
    require_role("admin")
    digest = db.session.get(ReminderDigest, digest_id)
    if digest is None or digest not in dead_letters():
        raise NotFound("邮件记录不存在或无权访问")
    if digest.status != "dead":
        raise Conflict("只有发送失败的邮件可以重新发送")
    before = {"status": digest.status, "attempts": digest.attempts}
    digest.status, digest.attempts, digest.next_attempt_at = "pending", 0, utcnow()
    digest.leased_until = digest.lease_owner = None
    audit.record("reminders.retry_dead", digest, before=before,
                 after={"status": digest.status, "attempts": 0},
                 summary=f"重新发送 {digest.day.isoformat()} 的提醒邮件", org_id=digest.user.org_id)
    db.session.flush()
    return digest

