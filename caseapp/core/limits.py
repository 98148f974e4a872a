"""Input limits declared once, on the model column, and used everywhere input arrives.

A column says how long its text may be (``String(n)``, or ``info={"max_length": n}`` on a ``Text``) and which
integers it holds (``info={"min": …, "max": …}``, else the range of its SQL type); ``info={"label": "姓名"}``
names it in messages. From that one declaration:

- the model guard (:func:`install_guard`) refuses, before any flush, a value that breaks it (so SQLite stores
  nothing PostgreSQL would refuse, and a new area is covered without doing anything);
- :func:`schema` gives the API's JSON-schema fragment, :func:`validators` a form field's validators,
  :func:`check` and :func:`fen` check a roster cell or a service argument.

Declare columns with :func:`text`, :func:`long_text`, :func:`money` and :func:`integer`, or write
``info=`` by hand on a ``mapped_column``.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import BigInteger, Float, Integer, Numeric, SmallInteger, String, Text, event, inspect
from sqlalchemy.orm import Session, mapped_column
from sqlalchemy.types import TypeDecorator

from caseapp.core.errors import ValidationFailed
from caseapp.core.text import TextError, refuse_controls

INT32 = 2**31 - 1
INT64 = 2**63 - 1
#: upper bounds of the money columns, in 元: one month's income, one payment or rule amount, one budget
MONTHLY_INCOME_YUAN = 1_000_000
PAYMENT_YUAN = 10_000_000
BUDGET_YUAN = 10_000_000_000
#: the fiscal years a budget, a rule or a payment may belong to
YEARS = (2000, 2100)
#: a Text column without its own ``max_length``
TEXT_MAX = 10_000
_TYPE_RANGE = {SmallInteger: 2**15 - 1, Integer: INT32, BigInteger: INT64}


@dataclass(frozen=True)
class Bounds:
    """What one column accepts."""

    name: str
    label: str
    max_length: int | None = None  #: text columns
    minimum: int | None = None  #: integer columns
    maximum: int | None = None
    money: bool = False  #: an amount in 分
    multiline: bool = False
    digits: tuple[int, int] | None = None  #: NUMERIC(precision, scale): decimal columns


# ---------------------------------------------------------------- declaring


def text(length: int, label: str, **kwargs):
    """A one-line text column of at most ``length`` characters."""
    return mapped_column(String(length), info={"label": label}, **kwargs)


def long_text(max_length: int, label: str, **kwargs):
    """A multi-line ``Text`` column of at most ``max_length`` characters."""
    return mapped_column(Text, info={"label": label, "max_length": max_length, "multiline": True}, **kwargs)


class Fen(TypeDecorator):
    """分 in a 64-bit integer column (BIGINT; SQLite's INTEGER is 64-bit already); PostgreSQL's SUM of one is
    NUMERIC, so results always come back as int."""

    impl = BigInteger
    cache_ok = True

    def load_dialect_impl(self, dialect):
        return dialect.type_descriptor(Integer() if dialect.name == "sqlite" else BigInteger())

    def process_result_value(self, value, dialect):
        return None if value is None else int(value)


def money(max_yuan: int, label: str, *, signed: bool = False, **kwargs):
    """An amount in 分 (64-bit), from 0 (or ``-max_yuan`` when signed) up to ``max_yuan`` 元."""
    top = max_yuan * 100
    info = {"label": label, "min": -top if signed else 0, "max": top, "money": True}
    return mapped_column(Fen, info=info, **kwargs)


def integer(minimum: int, maximum: int, label: str, **kwargs):
    """An integer column holding ``minimum`` … ``maximum``."""
    return mapped_column(Integer, info={"label": label, "min": minimum, "max": maximum}, **kwargs)


# ---------------------------------------------------------------- reading the declaration


#: bounds by attribute, read once (declarations do not change while the process runs): rosters ask per cell
_BOUNDS: dict[int, tuple[object, Bounds]] = {}


def bounds(attribute) -> Bounds:
    """The limits of a model attribute (``Person.name``) or a Core column."""
    known = _BOUNDS.get(id(attribute))
    if known is not None and known[0] is attribute:
        return known[1]
    found = _bounds(attribute)
    _BOUNDS[id(attribute)] = (attribute, found)  # the attribute is kept, so its id is not reused
    return found


def _bounds(attribute) -> Bounds:
    column = getattr(attribute, "expression", attribute)
    info, kind = column.info, _sql_type(column.type)
    label = info.get("label", column.name)
    if isinstance(kind, String):
        length = info.get("max_length") or kind.length or (TEXT_MAX if isinstance(kind, Text) else None)
        return Bounds(column.name, label, max_length=length, multiline=info.get("multiline", isinstance(kind, Text)))
    if isinstance(kind, Numeric) and not isinstance(kind, Float) and kind.precision:
        return Bounds(column.name, label, digits=(kind.precision, kind.scale or 0))
    for sql_type, top in _TYPE_RANGE.items():
        if isinstance(kind, sql_type):
            return Bounds(column.name, label, minimum=info.get("min", -top - 1), maximum=info.get("max", top),
                          money=info.get("money", False))
    return Bounds(column.name, label)


def _sql_type(type_):
    """The storage type behind a TypeDecorator (encrypted columns hold text)."""
    return type_.impl_instance if isinstance(type_, TypeDecorator) else type_


# ---------------------------------------------------------------- using it


def schema(attribute, **extra) -> dict:
    """The attribute's JSON-schema fragment for the API (and its OpenAPI document)."""
    b = bounds(attribute)
    if b.max_length is not None:
        return {"type": "string", "maxLength": b.max_length, **extra}
    if b.maximum is not None:
        return {"type": "integer", "minimum": b.minimum, "maximum": b.maximum, **extra}
    return dict(extra)


def validators(attribute) -> list:
    """WTForms validators enforcing the attribute's length or range, with Chinese messages."""
    from wtforms.validators import Length, NumberRange

    b = bounds(attribute)
    if b.max_length is not None:
        return [Length(max=b.max_length, message=f"{b.label}最多 {b.max_length} 个字符")]
    if b.maximum is not None and not b.money:
        return [NumberRange(b.minimum, b.maximum, message=f"{b.label}应在 {b.minimum} 至 {b.maximum} 之间")]
    return []


def problem(b: Bounds, value) -> str | None:
    """Why ``value`` does not fit ``b`` (Chinese, without the label), or None."""
    if isinstance(value, str):
        try:
            refuse_controls(value)
        except TextError as exc:
            return str(exc)
        if b.max_length is not None and len(value) > b.max_length:
            return f"太长（{len(value)} 个字符，最多 {b.max_length} 个）"
    elif isinstance(value, int) and not isinstance(value, bool) and b.maximum is not None:
        if not b.minimum <= value <= b.maximum:
            return _range_text(b)
    elif isinstance(value, Decimal) and b.digits is not None:
        precision, scale = b.digits
        if not value.is_finite() or abs(value) >= Decimal(10) ** (precision - scale):
            return f"超出允许范围（绝对值小于 {10 ** (precision - scale):,}）"
    return None


def _range_text(b: Bounds) -> str:
    if b.money:
        from caseapp.core.money import format_yuan

        return f"超出允许范围（{format_yuan(b.minimum)} 至 {format_yuan(b.maximum)}）"
    return f"超出允许范围（{b.minimum} 至 {b.maximum}）"


def check(attribute, value, *, label: str | None = None, field: str | None = None):
    """Return ``value`` when it fits the attribute, else raise ValidationFailed naming the field."""
    b = bounds(attribute)
    reason = problem(b, value)
    if reason is not None:
        raise ValidationFailed(f"{label or b.label}{reason}", field=field or b.name)
    return value


def fen(attribute, text: str, unit: str = "元", *, label: str | None = None) -> int:
    """A written amount (元 by default) as 分 within the attribute's bounds; MoneyError otherwise."""
    from caseapp.core.money import MoneyError, to_fen

    amount = to_fen(text, unit)
    reason = problem(bounds(attribute), amount)
    if reason is not None:
        raise MoneyError(f"{label or '金额'}{reason}")
    return amount


def check_year(year: int, field: str = "year") -> int:
    """A fiscal year this system can hold (2000–2100), else ValidationFailed."""
    if not YEARS[0] <= year <= YEARS[1]:
        raise ValidationFailed(f"年度应在 {YEARS[0]} 至 {YEARS[1]} 之间", field=field)
    return year


# ---------------------------------------------------------------- the model guard


def install_guard() -> None:
    """Check every new or changed column value against its declaration before each flush (idempotent)."""
    if not event.contains(Session, "before_flush", _guard):
        event.listen(Session, "before_flush", _guard)


def _guard(session, _context, _instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        state = inspect(obj)
        for attr in state.mapper.column_attrs:
            if obj in session.new or state.attrs[attr.key].history.has_changes():
                _check_value(attr, state.dict.get(attr.key))


def _check_value(attr, value) -> None:
    if value is None or not isinstance(value, (str, int, Decimal)):
        return
    for column in attr.columns:
        b = bounds(column)
        reason = problem(b, value)
        if reason is not None:
            raise ValidationFailed(f"{b.label}{reason}", field=attr.key)
