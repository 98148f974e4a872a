"""Name or 身份证号 searches that never put the searched text in a URL.

The posted text is kept in the session under a short random token and the list page is opened with
``?t=<token>``; a 身份证号 is kept only as its keyed hash.
"""
from __future__ import annotations

import re
import secrets

from flask import session

from caseapp.core.crypto import lookup_hash

_ID_LIKE = re.compile(r"^[0-9０-９xX]{15,18}$")
_KEEP = 5


def remember(key: str, text: str) -> str | None:
    """Store a search under a new token (None for empty text); a malformed ID raises ValidationFailed."""
    from caseapp.persons import services

    text = (text or "").strip()
    if not text:
        return None
    entry = {"hash": lookup_hash(services.parse_id(text).value)} if _ID_LIKE.match(text) else {"name": text}
    token = secrets.token_urlsafe(8)
    kept = list(session.get(key, {}).items())[-(_KEEP - 1):]
    session[key] = dict(kept + [(token, entry)])
    return token


def recall(key: str, token: str | None) -> dict:
    """The search stored under ``token``: {"name": …} or {"hash": …}, or {} when unknown."""
    return session.get(key, {}).get(token or "", {})
