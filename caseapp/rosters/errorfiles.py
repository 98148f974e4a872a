"""Error workbooks kept under the instance folder for a day, encrypted with the data key, found by a random token."""
from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path

from flask import current_app

from caseapp.core.crypto import decrypt_bytes, encrypt_bytes
from caseapp.core.errors import NotFound

KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "roster_errors"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def save(content: bytes) -> str:
    """Store an error workbook encrypted (it holds uploaded personal data) in an owner-only file; returns its token."""
    folder = _folder()
    _purge(folder)
    token = secrets.token_urlsafe(24)
    fd = os.open(folder / f"{token}.xlsx", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(encrypt_bytes(content))
    return token


def load(token: str | None) -> bytes:
    """The stored workbook for ``token``; a bad, unknown or expired token looks like a missing file."""
    if not token or not _TOKEN.match(token):
        raise NotFound("错误清单不存在或已过期，请重新上传文件")
    path = _folder() / f"{token}.xlsx"
    if not path.exists() or time.time() - path.stat().st_mtime > KEEP_SECONDS:
        raise NotFound("错误清单不存在或已过期，请重新上传文件")
    return decrypt_bytes(path.read_bytes())


def _purge(folder: Path) -> None:
    """Delete error workbooks older than a day."""
    cutoff = time.time() - KEEP_SECONDS
    for path in folder.glob("*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            pass
