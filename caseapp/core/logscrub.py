"""Defence in depth for logs: ID numbers, phone numbers and bank accounts never reach a log line.

Code should not log personal data in the first place; this catches what slips through (an exception
message quoting user input, a library's debug line). It works at record creation, so every handler,
including ones added later, sees the scrubbed text.
"""
from __future__ import annotations

import logging
import re
import traceback

_PATTERNS = [
    (re.compile(r"(?<![\dA-Za-z])(\d{4})\d{10}(\d{3}[\dXx])(?![\dA-Za-z])"), r"\1**********\2"),  # 身份证号
    (re.compile(r"(?<!\d)(\d{4})\d{8,11}(\d{4})(?!\d)"), r"\1****\2"),  # bank accounts, 15-digit IDs
    (re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)"), r"\1****\2"),  # mobile numbers
]
_installed = False


def scrub(text: str) -> str:
    """``text`` with anything shaped like an ID, account or mobile number masked."""
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
