"""Defence in depth for logs: ID numbers, phone numbers and bank accounts never reach a log line.

Code should not log personal data in the first place; this catches what slips through (an exception
message quoting user input, a library's debug line). It works at record creation, so every handler,
including ones added later, sees the scrubbed text.
"""
from __future__ import annotations

import logging
import re
import traceback

#: a number stands alone: no letter or digit touches it, and it is not the fraction of a decimal ("1.1096…s")
_ALONE = r"(?<![0-9A-Za-z])(?<![0-9]\.)"
_ENDS = r"(?![0-9A-Za-z])(?!\.[0-9])"
#: values of fields known to hold personal data, however they look: "id_number=…", "手机：…", '"phone": "…"'
_FIELDS = re.compile(
    r"((?<![A-Za-z_])(?:id_?number|id_no|sfzh|phone|mobile|tel|bank_?account|account_?n(?:o|umber)|card_?no)"
    r"|身份证号码|身份证号|身份证|手机号码|手机号|手机|联系电话|电话|银行账号|银行卡号|账号|卡号)"
    r"([\"']?\s*[:=：]\s*)(\"[^\"]*\"|'[^']*'|[^\s\"',;，；、)）}\]]+)", re.IGNORECASE)


def _masked_value(match: re.Match) -> str:
    value = match.group(3)
    quote = value[0] if value[0] in "\"'" else ""
    return f"{match.group(1)}{match.group(2)}{quote}***{quote}"


_PATTERNS = [
    (_FIELDS, _masked_value),
    (re.compile(_ALONE + r"(\d{4})\d{10}(\d{3}[\dXx])" + _ENDS), r"\1**********\2"),  # 身份证号
    (re.compile(_ALONE + r"(\d{4})\d{8,11}(\d{4})" + _ENDS), r"\1****\2"),  # bank accounts, 15-digit IDs
    (re.compile(_ALONE + r"(?:\+?86[- ]?)?(1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})" + _ENDS), r"\1****\2"),  # mobiles
]
_installed = False


def scrub(text: str) -> str:
    """``text`` with the values of personal-data fields and standalone ID, account or mobile numbers masked.

    Digits that belong to another number (a duration "1.1096000000000228s", an id "a130434198001010011") stay.
    """
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _scrub_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except (TypeError, ValueError):
        return
    clean = scrub(message)
    if clean != message:
        record.msg, record.args = clean, ()
    if record.exc_info and not record.exc_text:
        record.exc_text = scrub("".join(traceback.format_exception(*record.exc_info)).rstrip())


def install() -> None:
    """Scrub every log record created from now on (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        _scrub_record(record)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
