"""Default masking of personal data for screens, lists and 公示 notices (PIPL §28)."""
from __future__ import annotations

import re
import unicodedata

from caseapp.core.phone import PhoneError, format_phone_national

__all__ = ["mask_account", "mask_id", "mask_name", "mask_phone"]

STAR = "*"
# Surnames of two characters; for these the public notice keeps both ("欧阳**").
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 司空 夏侯 轩辕 令狐 钟离 "
    "闾丘 端木 南宫 西门 独孤 呼延 百里 万俟 澹台 公冶 太叔 申屠 濮阳 拓跋 第五 左丘 东郭 "
    "赫连 单于 公羊 谷梁 宰父 羊舌 微生 梁丘 段干 淳于 仲孙 叔孙 鲜于 闻人 亓官 司寇 子车 "
    "颛孙 壤驷 公良 漆雕 乐正 巫马 公西 公伯 南门 归海 东门 夹谷 宗政 即墨".split()
)
_NAME_SEPARATORS = "·•・. "


def mask_id(value: str | None) -> str:
    """Mask an ID number as "1304**********123X": first 4 and last 4 shown."""
    text = _clean(value).upper()
    return _keep_ends(text, head=4, tail=4)


def mask_phone(value: str | None) -> str:
    """Mask a phone as "138****1234" (mobile) or "0310-***4567" (landline)."""
    text = _clean(value)
    if not text:
        return ""
    try:
        national = format_phone_national(text)
    except PhoneError:
        # Unparseable input is still personal data: mask its digits blindly.
        return _keep_ends(re.sub(r"\D", "", text), head=3, tail=4)
    if "-" not in national:
        return _keep_ends(national, head=3, tail=4)
    area, subscriber = national.split("-", 1)
    return f"{area}-{_keep_ends(subscriber, head=0, tail=4)}"


def mask_account(value: str | None) -> str:
    """Mask a bank account as "**** 1234", showing only the last 4 characters."""
    text = re.sub(r"[\s-]", "", _clean(value))
    if not text:
        return ""
    if len(text) <= 4:
        return STAR * 4  # showing the last 4 of a 4-digit account shows it all
    return f"{STAR * 4} {text[-4:]}"


def mask_name(value: str | None) -> str:
    """Mask a name for public notices: "张*", "欧阳**", "阿**·***"."""
    text = _clean(value)
    if not text:
        return ""
    if len(text) == 1:
        return STAR
    keep = 2 if len(text) >= 3 and text[:2] in COMPOUND_SURNAMES else 1
    masked = (c if c in _NAME_SEPARATORS else STAR for c in text[keep:])
    return text[:keep] + "".join(masked)


def _clean(value: str | None) -> str:
    """Return a stripped, NFKC-normalised string; None becomes ""."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def _keep_ends(text: str, *, head: int, tail: int) -> str:
    """Star out the middle, keeping length; too-short values are starred entirely."""
    if len(text) <= head + tail:
        return STAR * len(text)
    return text[:head] + STAR * (len(text) - head - tail) + text[-tail:]
