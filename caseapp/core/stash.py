"""Files a user's flow keeps between requests (a pending import, an error workbook), in the database.

Not on the web machine's disk: any machine behind the load balancer continues any user's flow. The bytes
and the small description that goes with them are encrypted with the data key (an error workbook holds the
uploaded 身份证号), each file expires, and it is found by a random token that only the user's session holds;
the database keeps a hash of the token, never the token itself, and the file belongs to the user who made it.
"""
from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, LargeBinary, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core import crypto
from caseapp.core.context import current_principal
from caseapp.core.db import UTCDateTime, db, utcnow

#: how long a stashed file is kept unless its kind says otherwise
DEFAULT_TTL = timedelta(days=1)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class StashedFile(db.Model):
    """One file kept for a user's next request; encrypted, expiring, found by the hash of its token."""

    __tablename__ = "stashed_files"
    __table_args__ = (Index("ix_stashed_files_expires", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  #: budget_import, roster_errors …
    #: SHA-256 of the random token kept in the user's session
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the user whose flow it is (None: the command-line operator)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)  #: Fernet token of the file's bytes
    meta: Mapped[str | None] = mapped_column(crypto.EncryptedString)  #: JSON: file name, year, answers …
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class Stashed:
    """A stashed file as its owner gets it back."""

    content: bytes
    meta: dict


def new_token() -> str:
    """A random token for a file to be stashed."""
    return secrets.token_urlsafe(24)


def put(kind: str, content: bytes, meta: dict | None = None, ttl: timedelta = DEFAULT_TTL,
        token: str | None = None) -> str:
    """Keep ``content`` for the acting user (in the open transaction); returns the token to remember."""
    now, token = utcnow(), token or new_token()
    db.session.execute(delete(StashedFile).where(StashedFile.expires_at < now))
    db.session.add(StashedFile(kind=kind, token_hash=_hash(token), user_id=_user_id(), created_at=now,
                               expires_at=now + ttl, content=crypto.encrypt_bytes(content),
                               meta=json.dumps(meta or {}, ensure_ascii=False)))
    db.session.flush()
    return token


def get(kind: str, token: str | None) -> Stashed | None:
    """The acting user's unexpired file of ``kind`` for ``token``; None for anything else."""
    row = _row(kind, token)
    if row is None:
        return None
    try:
        content = crypto.decrypt_bytes(row.content)
    except RuntimeError:  # written under a data key that has since been dropped: as good as expired
        return None
    return Stashed(content, json.loads(row.meta or "{}"))


def update_meta(kind: str, token: str | None, meta: dict) -> bool:
    """Replace the description kept with the file (e.g. the answers given so far); False when it is gone."""
    row = _row(kind, token)
    if row is None:
        return False
    row.meta = json.dumps(meta, ensure_ascii=False)
    db.session.flush()
    return True


def drop(kind: str, token: str | None) -> None:
    """Forget the file (the flow finished or was cancelled)."""
    row = _row(kind, token)
    if row is not None:
        db.session.delete(row)
        db.session.flush()


def _row(kind: str, token: str | None) -> StashedFile | None:
    if not token or not _TOKEN.match(token):
        return None
    return db.session.scalars(select(StashedFile).where(
        StashedFile.kind == kind, StashedFile.token_hash == _hash(token), StashedFile.expires_at > utcnow(),
        StashedFile.user_id.is_(None) if _user_id() is None else StashedFile.user_id == _user_id())).first()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user_id() -> int | None:
    principal = current_principal()
    return principal.user_id if principal else None
