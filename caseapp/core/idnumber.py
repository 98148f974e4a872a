"""居民身份证号 (GB 11643-1999): parsing, validation and test-number generation."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from caseapp.core.calendar import local_today

__all__ = [
    "IdNumber",
    "IdNumberError",
    "check_char",
    "is_valid_id_number",
    "make_id_number",
    "parse_id_number",
]

WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
MIN_BIRTH_YEAR = 1900
SEXES = ("男", "女")

# Excel shows long numbers as "1.30434E+17" and, once saved, the lost digits never come back.
_SCIENTIFIC = re.compile(r"^[0-9]+(?:[.,][0-9]*)?[eE][+-]?[0-9]+$")
_EXCEL_DECIMAL = re.compile(r"^[0-9]+\.0+$")
_ALLOWED = re.compile(r"^[0-9X]+$")

MSG_EMPTY = "请填写身份证号"
MSG_SCIENTIFIC = "身份证号被 Excel 转成了科学计数法，后几位已丢失，请把该列设为文本格式后重新填写"
MSG_EXCEL_DECIMAL = "身份证号被 Excel 当成了数字（末尾多了“.0”），请把该列设为文本格式后重新填写"
MSG_SPACES = "身份证号中间不能有空格"
MSG_CHARS = "身份证号只能由数字和末位的X组成"
MSG_X_POSITION = "身份证号中的X只能出现在最后一位"
MSG_LEGACY = "这是15位旧身份证号，请填写18位新号码"
MSG_CHECK = "身份证号校验位不正确，请逐位核对"
MSG_SEX = "性别与身份证号第17位不符"
MSG_REGION = "身份证号前6位不是有效的行政区划代码，请逐位核对"

#: GB/T 2260 province codes (digits 1-2); 81/82/83 are the 港澳台居民居住证 numbers (810000, 820000, 830000)
PROVINCES = frozenset({"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
                       "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
                       "65", "81", "82", "83"})
_RESIDENCE_PERMITS = ("81", "82", "83")
#: full-width digits and X typed with a Chinese input method: the only characters converted, never guessed at
_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX")


class IdNumberError(ValueError):
    """An ID number that cannot be accepted; str(err) is a message for the user."""


@dataclass(frozen=True)
class IdNumber:
    """A valid 18-character ID number and what it encodes."""

    value: str
    birth_date: date
    sex: str
    region_code: str

    def __str__(self) -> str:
        return self.value


def check_char(first17: str) -> str:
    """Return the ISO 7064 MOD 11-2 check character for 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def parse_id_number(
    raw: object, *, sex: str | None = None, today: date | None = None
) -> IdNumber:
    """Validate raw input and return the parsed ID number or raise IdNumberError."""
    text = _clean(raw)
    _check_shape(text)
    birth = _birth_date(text, today or local_today())
    if check_char(text[:17]) != text[17]:
        raise IdNumberError(MSG_CHECK)
    own_sex = _sex_of(text)
    _check_sex(own_sex, sex)
    return IdNumber(value=text, birth_date=birth, sex=own_sex, region_code=text[:6])


def is_valid_id_number(raw: object, *, today: date | None = None) -> bool:
    """Return True when raw is an acceptable ID number."""
    try:
        parse_id_number(raw, today=today)
    except IdNumberError:
        return False
    return True


def make_id_number(
    region: str = "130434",
    birth: date = date(1985, 6, 15),
    seq: int = 1,
    sex: str | None = "男",
) -> str:
    """Build a valid ID number; seq (0..999) must have the parity of sex (None: any)."""
    if not (len(region) == 6 and region.isdigit()):
        raise ValueError(f"region must be 6 digits, got {region!r}")
    if not 0 <= seq <= 999:
        raise ValueError(f"seq must be in 0..999, got {seq}")
    if not MIN_BIRTH_YEAR <= birth.year <= 9999:
        raise ValueError(f"birth year out of range: {birth.year}")
    # Refuse rather than adjust: silently shifting seq would make two calls collide.
    if sex is not None and _sex_of_digit(seq % 10) != sex:
        raise ValueError(f"seq {seq} does not encode sex {sex!r} (男 odd, 女 even)")
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def _clean(raw: object) -> str:
    """Normalise raw input to a candidate string, rejecting Excel damage early."""
    if raw is None:
        raise IdNumberError(MSG_EMPTY)
    if isinstance(raw, float):
        raise IdNumberError(MSG_SCIENTIFIC)  # a float cannot hold 18 digits
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise IdNumberError(MSG_CHARS)
    text = str(raw).translate(_FULL_WIDTH).strip(" \t\r\n\u3000").upper()
    if not text:
        raise IdNumberError(MSG_EMPTY)
    if _SCIENTIFIC.match(text):
        raise IdNumberError(MSG_SCIENTIFIC)
    if _EXCEL_DECIMAL.match(text):
        raise IdNumberError(MSG_EXCEL_DECIMAL)
    return text


def _check_shape(text: str) -> None:
    """Check characters and length, most specific complaint first."""
    if any(c.isspace() for c in text):
        raise IdNumberError(MSG_SPACES)
    if not _ALLOWED.match(text):
        raise IdNumberError(MSG_CHARS)
    if len(text) == 15 and text.isdigit():
        raise IdNumberError(MSG_LEGACY)
    if len(text) != 18:
        raise IdNumberError(f"身份证号应为18位，现在是{len(text)}位")
    if "X" in text[:17]:
        raise IdNumberError(MSG_X_POSITION)
    if not is_valid_region(text[:6]):
        raise IdNumberError(MSG_REGION)


def is_valid_region(code: str) -> bool:
    """A plausible 行政区划代码: a real province, a county below it (港澳台 permits: exactly x10000 … 830000)."""
    province, rest = code[:2], code[2:]
    if province in _RESIDENCE_PERMITS:
        return rest == "0000"
    return province in PROVINCES and rest != "0000"


def _birth_date(text: str, today: date) -> date:
    """Decode digits 7-14 as the birth date and check it is plausible."""
    y, m, d = int(text[6:10]), int(text[10:12]), int(text[12:14])
    try:
        birth = date(y, m, d)
    except ValueError:
        raise IdNumberError(f"身份证号中的出生日期不存在（{y}年{m}月{d}日）") from None
    if birth.year < MIN_BIRTH_YEAR:
        raise IdNumberError(f"身份证号中的出生日期早于{MIN_BIRTH_YEAR}年，请核对")
    if birth > today:
        raise IdNumberError("身份证号中的出生日期晚于今天，请核对")
    return birth


def _sex_of_digit(digit: int) -> str:
    """Digit 17 odd means male, even means female."""
    return "男" if digit % 2 else "女"


def _sex_of(text: str) -> str:
    """Return the sex encoded in a normalised 18-character number."""
    return _sex_of_digit(int(text[16]))


def _check_sex(own: str, given: str | None) -> None:
    """Raise when a declared sex contradicts the number."""
    if given is None or not given.strip():
        return
    given = given.strip()
    if given not in SEXES:
        raise IdNumberError("性别应填写“男”或“女”")
    if given != own:
        raise IdNumberError(MSG_SEX)
