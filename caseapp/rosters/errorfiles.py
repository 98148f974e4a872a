"""Error workbooks of failed roster uploads: kept a day in the database, encrypted, found by a random token.

The workbook repeats the uploaded rows (身份证号 included), so it is encrypted with the data key and belongs to
the user who uploaded the file; any web machine serves the download (``caseapp.core.stash``).
"""
from __future__ import annotations

from caseapp.core import stash, uow
from caseapp.core.errors import NotFound

KIND = "roster_errors"


def save(content: bytes) -> str:
    """Store an error workbook for the acting user and return its token.

    The failed import is refused and its request rolled back; the workbook is written once that happened, in a
    transaction of its own.
    """
    token = stash.new_token()
    uow.keep_anyway(lambda: stash.put(KIND, content, token=token))
    return token


def load(token: str | None) -> bytes:
    """The stored workbook for ``token``; a bad, unknown, expired or another user's token looks like a missing file."""
    found = stash.get(KIND, token)
    if found is None:
        raise NotFound("错误清单不存在或已过期，请重新上传文件")
    return found.content
