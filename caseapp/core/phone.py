"""Mainland China phone numbers: normalise to E.164 and format for display."""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from phonenumbers import PhoneNumber

__all__ = ["PhoneError", "format_phone_national", "normalize_phone", "parse_cn"]

REGION = "CN"


@functools.cache
def _lib():
    """phonenumbers, imported on first use (its metadata costs every command a tenth of a second otherwise)."""
    import phonenumbers

    return phonenumbers


@functools.cache
def _personal_types() -> frozenset:
    """A person's contact number: 400/800 service lines and short codes cannot be surveyed."""
    kind = _lib().PhoneNumberType
    return frozenset({kind.MOBILE, kind.FIXED_LINE, kind.FIXED_LINE_OR_MOBILE})


# phonenumbers would turn letters into keypad digits; a typo must fail instead.
_ALLOWED = re.compile(r"^[0-9+\-() ]+$")
_EXCEL_DECIMAL = re.compile(r"^[0-9]+\.0+$")
# Word and IMEs produce these dashes in "0310—1234567"; NFKC leaves them alone.
_DASHES = str.maketrans({"\u2010": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"})

MSG_EMPTY = "请填写电话号码"
MSG_EXCEL = "电话号码被 Excel 当成了数字（末尾多了“.0”），请把该列设为文本格式后重新填写"
MSG_CHARS = "电话号码只能包含数字、空格、“+”、“-”和括号"
MSG_INVALID = "电话号码不正确，请填写11位手机号或带区号的固定电话（如0310-1234567）"
MSG_FOREIGN = "只支持中国大陆的手机号或固定电话"
MSG_NOT_PERSONAL = "请填写本人的手机号或固定电话，不支持400/800等服务号码"


class PhoneError(ValueError):
    """A phone number that cannot be accepted; str(err) is a message for the user."""


def normalize_phone(raw: str) -> str:
    """Return the E.164 form (e.g. "+8613812345678") or raise PhoneError."""
    number = parse_cn(raw)
    return _lib().format_number(number, _lib().PhoneNumberFormat.E164)


def parse_cn(raw: str) -> PhoneNumber:
    """Parse and validate a mainland mobile or landline number."""
    text = _clean(raw)
    phonenumbers = _lib()
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        raise PhoneError(MSG_INVALID) from None
    if not phonenumbers.is_valid_number(number):
        raise PhoneError(MSG_INVALID)
    if phonenumbers.region_code_for_number(number) != REGION:
        raise PhoneError(MSG_FOREIGN)
    if phonenumbers.number_type(number) not in _personal_types():
        raise PhoneError(MSG_NOT_PERSONAL)
    return number


def format_phone_national(e164: str) -> str:
    """Format for Chinese readers: mobile "13812345678", landline "0310-1234567"."""
    number = parse_cn(e164)
    nsn = _lib().national_significant_number(number)
    area_len = _lib().length_of_geographical_area_code(number)
    if area_len == 0:
        return nsn
    return f"0{nsn[:area_len]}-{nsn[area_len:]}"


def _clean(raw: str) -> str:
    """NFKC-normalise (full-width digits, brackets) and reject obvious junk."""
    if raw is None or not isinstance(raw, str):
        raise PhoneError(MSG_EMPTY if raw is None else MSG_INVALID)
    text = unicodedata.normalize("NFKC", raw).translate(_DASHES).strip()
    if not text:
        raise PhoneError(MSG_EMPTY)
    if _EXCEL_DECIMAL.match(text):
        raise PhoneError(MSG_EXCEL)
    if not _ALLOWED.match(text):
        raise PhoneError(MSG_CHARS)
    return text
