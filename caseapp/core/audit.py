"""The audit log: who changed what, when, from which request; personal data masked."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.context import current_principal, current_request_id
from caseapp.core.db import UTCDateTime, db, utcnow


class AuditEvent(db.Model):
    """One audited action. Append-only: triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_name: Mapped[str] = mapped_column(String(100))  #: kept even if the user is renamed
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)  #: e.g. "person.create", "person.view_full"
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSON)  #: masked snapshot before the change
    after: Mapped[dict | None] = mapped_column(JSON)  #: masked snapshot after the change
    request_id: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(8), default="web")  #: web / api / cli / task


def _object_ref(obj: Any) -> tuple[str | None, str | None, int | None]:
    if obj is None:
        return None, None, None
    if hasattr(obj, "_get_current_object"):  # flask_login.current_user is a proxy
        obj = obj._get_current_object()
    if isinstance(obj, tuple):
        return obj[0], str(obj[1]), None
    org_id = getattr(obj, "org_id", None)
    if type(obj).__tablename__ == "organisations":
        org_id = obj.id
    return type(obj).__tablename__, str(getattr(obj, "id", None)), org_id


def record(action: str, obj: Any = None, *, before: dict | None = None, after: dict | None = None,
           summary: str | None = None, org_id: int | None = None) -> AuditEvent:
    """Add an audit event to the current unit of work (committed with the change it describes).

    ``obj`` is a model instance or an ``(object_type, object_id)`` pair; ``before``/``after`` must
    already be masked by the caller: the audit log never holds full personal data.
    """
    object_type, object_id, obj_org = _object_ref(obj)
    event = AuditEvent(**values(action, object_type, object_id, org_id=org_id if org_id is not None else obj_org,
                                summary=summary, before=before, after=after))
    db.session.add(event)
    return event


def values(action: str, object_type: str | None, object_id: str | None, *, org_id: int | None,
           summary: str | None = None, before: dict | None = None, after: dict | None = None,
           at: datetime | None = None) -> dict:
    """The columns of one audit row, acting as the current principal in the current request: the one place
    that says what an audit row holds (the ORM record above and set-based writers both use it)."""
    principal = current_principal()
    return dict(at=at or utcnow(), actor_id=principal.user_id if principal else None,
                actor_name=principal.username if principal else "匿名", org_id=org_id, action=action,
                object_type=object_type, object_id=object_id, summary=summary, before=_jsonable(before),
                after=_jsonable(after), request_id=current_request_id(), source=principal.source if principal else "web")


def _jsonable(data: dict | None) -> dict | None:
    if data is None:
        return None
    return {k: (v if isinstance(v, (str, int, float, bool, type(None), list, dict)) else str(v))
            for k, v in data.items()}


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the keys whose values changed, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


from caseapp.core.ddl import protect_append_only  # noqa: E402

protect_append_only(AuditEvent.__table__)
