"""Where a page may send the browser next: only to a path of this site (``next=`` is attacker-controlled)."""
from __future__ import annotations

from urllib.parse import urlsplit

from caseapp.core.errors import ValidationFailed


def safe_next(target: str | None, default: str) -> str:
    """``target`` when it is a same-site path ("/payments/?status=登记"), else ``default``; garbage is refused."""
    if target and (len(target) > 2000 or any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f for c in target)):
        raise ValidationFailed("返回地址（next）无效", field="next")
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ord(c) < 0x20 or c in "\\\x7f" for c in target):  # browsers read "\" as "/" and drop tabs/newlines
        return default
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else default
