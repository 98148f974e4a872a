"""Queueing findings as reminders, finding their recipients, and what users and admins see."""
from __future__ import annotations

from sqlalchemy import func, select

from caseapp.auth.models import User, UserRole
from caseapp.core import audit
from caseapp.core.db import db, utcnow
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

