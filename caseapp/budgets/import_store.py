"""Where an uploaded 绩效目标 document waits between upload, preview and confirm: the import flow's storage.

The flow calls only these functions with the token it keeps in the user's session; the document and what the
admin answered about it live in the database (``caseapp.core.stash``), so the preview and the confirmation
may be served by different web machines.
"""
from __future__ import annotations

from caseapp.core import stash

KIND = "budget_import"


def keep(data: bytes, details: dict | None = None) -> str:
    """Keep an uploaded document (with details such as the file name) for the acting admin; returns its token."""
    return stash.put(KIND, data, details)


def load(token: str | None) -> tuple[bytes, dict] | None:
    """The document and its details for ``token``; None when missing, expired or someone else's."""
    found = stash.get(KIND, token)
    return (found.content, found.meta) if found else None


def save_details(token: str | None, details: dict) -> bool:
    """Replace the details kept with the document (the answers given so far); False when it is gone."""
    return stash.update_meta(KIND, token, details)


def discard(token: str | None) -> None:
    """Forget the document (imported or cancelled)."""
    stash.drop(KIND, token)
