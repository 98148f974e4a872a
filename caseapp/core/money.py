"""Money as integer 分: parsing written amounts, display formats and 人民币大写."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from decimal import Decimal, InvalidOperation

#: How many 分 one unit of each written unit is worth.
UNIT_FEN: dict[str, int] = {"万元": 1_000_000, "元": 100, "分": 1}

_PLAIN_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿", "万亿")
#: far above any union's budget, far below a 64-bit column: larger input is refused before any arithmetic
_MAX_FEN = 10**24
#: 大写 stops at 万亿 groups; beyond that the amount is not a union budget anyway.
_MAX_UPPER_YUAN = 10**16 - 1


class MoneyError(ValueError):
    """An amount could not be read; the message is Chinese and shown to the user."""


def to_fen(amount: str | Decimal | int | float, unit: str) -> int:
    """Convert an amount written in 万元/元/分 to integer 分; a part smaller than 1 分 is refused, not rounded."""
    if unit not in UNIT_FEN:
        raise MoneyError(f"不支持的金额单位“{unit}”，只能是万元、元或分")
    value = _to_decimal(amount)
    if value < 0:
        raise MoneyError(f"金额不能为负数：{amount}")
    if value > _MAX_FEN / UNIT_FEN[unit]:
        raise MoneyError(f"金额过大：{str(amount).strip()[:30]}")
    fen = value * UNIT_FEN[unit]
    if fen != fen.to_integral_value():
        places = {"万元": 6, "元": 2}.get(unit, 0)
        raise MoneyError(f"金额只能精确到分（{unit}最多 {places} 位小数）：“{str(amount).strip()[:30]}”")
    return int(fen)


def _to_decimal(amount: str | Decimal | int | float) -> Decimal:
    """Read a number from text (full-width digits, thousands commas) or a numeric value."""
    if isinstance(amount, bool):
        raise MoneyError("金额格式不正确")
    if isinstance(amount, Decimal):
        if not amount.is_finite():
            raise MoneyError("金额格式不正确")
        return amount
    if isinstance(amount, int):
        return Decimal(amount)
    if isinstance(amount, float):
        # repr() gives the shortest text that round-trips, so 0.1 stays 0.1, not 0.1000000000000000055…
        return _parse_text(repr(amount))
    if isinstance(amount, str):
        return _parse_text(amount)
    raise MoneyError("金额格式不正确")


@lru_cache(maxsize=4096)
def _parse_text(text: str) -> Decimal:
    """:func:`_read_text`, remembered: a roster repeats the same amounts in thousands of rows (Decimals are
    immutable; a refusal is not remembered and is raised again)."""
    return _read_text(text)


def _read_text(text: str) -> Decimal:
    """Parse '1,000.50', '１９０．００', ' -5 ' into a Decimal; refuse anything else."""
    cleaned = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text[:200])).replace(",", "")
    negative = cleaned.startswith("-")
    digits = cleaned[1:] if negative else cleaned
    if len(text) > 200 or not _PLAIN_NUMBER.match(digits):
        raise MoneyError(f"金额格式不正确：“{text.strip()[:30]}”，请填写数字，例如 1000.00")
    try:
        value = Decimal(digits)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise MoneyError(f"金额格式不正确：“{text.strip()}”") from exc
    return -value if negative else value


def format_yuan(fen: int) -> str:
    """Show 分 as '¥1,000.00' ('-¥5.00' for negatives)."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


def format_wan(fen: int) -> str:
    """Show 分 in 万元 with at least two decimals, more only when needed to stay exact."""
    text = format(Decimal(fen) / UNIT_FEN["万元"], "f")
    whole, _, decimals = text.partition(".")
    decimals = decimals.rstrip("0").ljust(2, "0")
    return f"{whole}.{decimals}万元"


def rmb_upper(fen: int) -> str:
    """Write 分 as 人民币大写 following the banking rules (零 for gaps, 整 only without 角分)."""
    if fen < 0:
        return "负" + rmb_upper(-fen)
    yuan, rest = divmod(fen, 100)
    if yuan > _MAX_UPPER_YUAN:
        raise MoneyError("金额过大，无法转换为大写")
    jiao, cent = divmod(rest, 10)
    if yuan == 0 and rest == 0:
        return "零元整"
    head = _upper_integer(yuan) + "元" if yuan else ""
    if rest == 0:
        return head + "整"
    return head + _upper_fraction(jiao, cent, has_yuan=yuan > 0)


def _upper_fraction(jiao: int, cent: int, *, has_yuan: bool) -> str:
    """角分 part; a zero 角 between 元 and 分 is written 零 (壹佰零壹元零壹分)."""
    out = ""
    if jiao:
        out += _UPPER_DIGITS[jiao] + "角"
    elif has_yuan:
        out += "零"
    if cent:
        out += _UPPER_DIGITS[cent] + "分"
    return out


def _upper_integer(yuan: int) -> str:
    """Integer 元 in 大写: one 零 per run of zeros before a non-zero digit, 万/亿 per group."""
    digits = str(yuan)
    out: list[str] = []
    pending_zero = False
    for index, char in enumerate(digits):
        position = len(digits) - 1 - index
        if char == "0":
            pending_zero = True
        else:
            out.append(("零" if pending_zero else "") + _UPPER_DIGITS[int(char)] + _SMALL_UNITS[position % 4])
            pending_zero = False
        if position % 4 == 0 and position and int(digits[max(0, index - 3): index + 1]):
            out.append(_BIG_UNITS[position // 4])
            # Zeros closing a group are not read: 105000 is 壹拾万伍仟, not 壹拾万零伍仟.
            pending_zero = False
    return "".join(out)
