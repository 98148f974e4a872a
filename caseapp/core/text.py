"""Text from people and files, cleaned once: invisible characters dropped, line breaks normalised, control
characters and lone surrogates refused (PostgreSQL refuses NUL, encoders refuse lone surrogates, and neither
belongs in a name, a reason or a roster cell)."""
from __future__ import annotations

import re

#: zero-width characters and the BOM that pasting from Word, WeChat or Excel leaves behind
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
#: every way of breaking a line, including Excel's vertical tab and Unicode's separators
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
#: C0 and C1 controls other than tab and newline, DEL, lone surrogates, the replacement character (what a decoder
#: leaves of broken bytes) and the two noncharacters
_REFUSED = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffd-\uffff]")
#: text with none of the characters above (nor tab or newline): only trimming left to do
_ORDINARY = re.compile("[^\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200d\u2028\u2029\u2060\ud800-\udfff\ufeff\ufffd-\uffff]*")


class TextError(ValueError):
    """Text that cannot be stored; str() is a Chinese message without the offending character."""


def describe(char: str) -> str:
    """The character as people can read it in a message: U+0000."""
    return f"U+{ord(char):04X}"


def refuse_controls(value: str) -> str:
    """Return ``value`` unchanged, or raise TextError when it holds a control character or a lone surrogate."""
    bad = _REFUSED.search(value)
    if bad is not None:
        kind = "不完整的字符编码" if "\ud800" <= bad.group() <= "\udfff" or bad.group() == "\ufffd" else "不可见的控制字符"
        raise TextError(f"含有{kind}（{describe(bad.group())}），请删除后重新填写")
    return value


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Text ready to store: invisible characters dropped, line breaks as ``\\n`` (spaces on one line), trimmed."""
    if _ORDINARY.fullmatch(value):  # almost every value: nothing to clean (a roster has hundreds of thousands)
        return value.strip()
    text = _LINE_BREAKS.sub("\n", _INVISIBLE.sub("", value))
    refuse_controls(text)
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    return text.strip()
