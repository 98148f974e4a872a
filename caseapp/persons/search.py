"""Name or 身份证号 searches that never put the searched text in a URL or in the session cookie.

The posted text is stored server-side (``SavedSearch``: a name encrypted, a 身份证号 only as its keyed hash)
under a random token, and the list page is opened with ``?t=<token>``; the token is good for its user for a day.
"""
from __future__ import annotations

import re
import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from caseapp.core.crypto import lookup_hash
from caseapp.core.db import db, utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.core.limits import check
from caseapp.core.scoping import principal_or_deny
from caseapp.core.text import TextError, clean_text
from caseapp.persons.models import Person, SavedSearch

_ID_LIKE = re.compile(r"^[0-9０-９xX]{15,18}$")
KEEP = timedelta(days=1)


def remember(scope: str, text: str) -> str | None:
    """Store a search under a new token (None for empty text); a malformed ID or text raises ValidationFailed."""
    from caseapp.persons import services

    try:
        text = clean_text(text or "")
    except TextError as exc:
        raise ValidationFailed(f"搜索内容{exc}", field="q") from None
    if not text:
        return None
    user_id = principal_or_deny().user_id
    row = SavedSearch(token=secrets.token_urlsafe(16), user_id=user_id, scope=scope)
    if _ID_LIKE.match(text):
        row.id_hash = lookup_hash(services.parse_id(text).value)
    else:
        row.name = check(Person.name, text, label="搜索的姓名", field="q")
    db.session.execute(delete(SavedSearch).where(SavedSearch.user_id == user_id, SavedSearch.created_at < utcnow() - KEEP))
    db.session.add(row)
    db.session.flush()
    return row.token


def recall(scope: str, token: str | None) -> dict:
    """The search stored under ``token`` for this user: {"name": …} or {"hash": …}, or {} when unknown or expired."""
    if not token or len(token) > 32:
        return {}
    row = db.session.scalar(select(SavedSearch).where(
        SavedSearch.token == token, SavedSearch.scope == scope, SavedSearch.user_id == principal_or_deny().user_id,
        SavedSearch.created_at >= utcnow() - KEEP))
    if row is None:
        return {}
    return {"hash": row.id_hash} if row.id_hash else {"name": row.name}
