"""What a registration writes besides its caps: the item, its history row and its audit row, defined once.

The general path inserts them set-based (one INSERT per table for the whole batch); the PostgreSQL
single-statement path (``fastpath.py``) generates its INSERT … SELECT from the same column dicts.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from caseapp.core import audit
from caseapp.core.audit import AuditEvent
from caseapp.core.context import Principal
from caseapp.core.db import db
from caseapp.core.masking import mask_name
from caseapp.payments.models import REGISTERED, PaymentEvent, PaymentItem

#: SQLSTATE of a unique violation (PostgreSQL); SQLite raises IntegrityError too
UNIQUE_VIOLATION = "23505"


def item(project, r, on: date, period: str, principal: Principal, now: datetime) -> dict:
    """The payment_items columns of a resolved line (``r``: a ``registration.Resolved``)."""
    return dict(org_id=r.recipient.org_id or project.org_id, project_id=project.id, aid_type_id=r.aid.id,
                person_id=r.recipient.person_id, award_recipient_id=r.recipient.award_recipient_id,
                award_event_id=r.recipient.award_event_id, award_category_id=r.recipient.category_id,
                recipient_key=r.recipient.key, recipient_name=r.recipient.name, amount_fen=r.amount_fen,
                year=project.year, period=period, reason=r.line.reason.strip(), evidence=r.line.evidence.strip(),
                status=REGISTERED, registered_by_id=principal.user_id, registered_by_name=principal.username,
                registered_on=on, created_at=now)


def history(principal: Principal, now: datetime) -> dict:
    """The payment_events columns of a registration, but its ``item_id``; one batch token for the call."""
    return dict(action="register", from_status=None, to_status=REGISTERED, note=None, actor_name=principal.username,
                batch=uuid.uuid4().hex, at=now)


def audit_row(row: dict, r) -> dict:
    """The audit_events columns of a registered item, but its ``object_id`` (masked: name and amounts only)."""
    return audit.values("payment.register", "payment_items", None, org_id=row["org_id"], summary=summary(r),
                        after=snapshot(row), at=row["created_at"])


def summary(r) -> str:
    """How the audit log names a registration: aid type and masked name."""
    return f"{r.aid.name} {mask_name(r.recipient.name)}"


def snapshot(item) -> dict:
    """A masked view of an item (a PaymentItem or its column dict) for the audit log."""
    get = item.get if isinstance(item, dict) else lambda name: getattr(item, name)
    return {"recipient": mask_name(get("recipient_name")), "person_id": get("person_id"),
            "award_recipient_id": get("award_recipient_id"), "project_id": get("project_id"),
            "aid_type_id": get("aid_type_id"), "amount_fen": get("amount_fen"), "period": get("period"),
            "status": get("status")}


def write(rows: list[dict], resolved: list, principal: Principal) -> list[int]:
    """Insert the items, then their history and audit rows, one statement each; the new ids, in order.

    A live item already there (the partial unique indexes) raises IntegrityError: the caller names it.
    """
    ids = _insert_items(rows)
    conn = db.session.connection()
    event = history(principal, rows[0]["created_at"])
    conn.execute(insert(PaymentEvent.__table__), [dict(event, item_id=i) for i in ids])
    conn.execute(insert(AuditEvent.__table__), [dict(audit_row(row, r), object_id=str(i))
                                                for i, r, row in zip(ids, resolved, rows)])
    return ids


def _insert_items(rows: list[dict]) -> list[int]:
    """One INSERT … RETURNING for all rows; ids are matched back by recipient, unique within a batch."""
    table = PaymentItem.__table__
    stmt = insert(table).returning(table.c.id, table.c.aid_type_id, table.c.award_event_id, table.c.recipient_key)
    if len(rows) == 1:
        return [db.session.connection().execute(stmt, rows[0]).first().id]
    got = {(r.aid_type_id, r.award_event_id, r.recipient_key): r.id for r in db.session.connection().execute(stmt, rows)}
    return [got[(row["aid_type_id"], row["award_event_id"], row["recipient_key"])] for row in rows]


def is_duplicate(exc: IntegrityError) -> bool:
    """True when ``exc`` is a unique violation (a concurrent or earlier live item), not another constraint."""
    code = getattr(exc.orig, "sqlstate", None)
    return code == UNIQUE_VIOLATION or code is None and "UNIQUE" in str(exc.orig)
