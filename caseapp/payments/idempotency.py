"""Idempotency keys: the key is inserted in the same transaction as the work it protects.

``INSERT … ON CONFLICT DO NOTHING`` waits, on PostgreSQL, for a concurrent transaction holding the same key
to finish; SQLite serialises writers. So "no row inserted" always means a committed first attempt, whose
stored response is returned; the same key with different content is refused.
"""
from __future__ import annotations

import hashlib
import json

from sqlalchemy import select, update

from caseapp.core.db import db, insert_ignoring_conflicts, utcnow
from caseapp.core.errors import Conflict, ValidationFailed
from caseapp.payments.models import IdempotencyKey


def request_hash(payload: dict) -> str:
    """A stable hash of the request content."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def claim(key: str, payload: dict) -> dict | None:
    """Claim ``key`` for this unit of work; None = go ahead, else the stored response of the first attempt."""
    if not key or len(key) > 100:
        raise ValidationFailed("Idempotency-Key 必须提供，且不超过 100 个字符", field="Idempotency-Key")
    digest = request_hash(payload)
    inserted = db.session.connection().execute(
        insert_ignoring_conflicts(IdempotencyKey, key=key, request_hash=digest, created_at=utcnow())
        .returning(IdempotencyKey.id)).scalar()
    if inserted is not None:
        return None
    row = db.session.execute(select(IdempotencyKey.request_hash, IdempotencyKey.response)
                             .where(IdempotencyKey.key == key)).one()
    if row.request_hash != digest:
        raise Conflict("此 Idempotency-Key 已用于内容不同的请求", code="idempotency_conflict")
    return row.response


def store(key: str, status: int, body: dict) -> None:
    """Remember the response of the work done under ``key`` (same transaction as the work)."""
    db.session.execute(update(IdempotencyKey).where(IdempotencyKey.key == key)
                       .values(response={"status": status, "body": body})
                       .execution_options(synchronize_session=False))
