"""Tests for caseapp.core.phone."""
from __future__ import annotations

import pytest

from caseapp.core.phone import PhoneError, format_phone_national, normalize_phone


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("13812345678", "+8613812345678"),
        ("+86 138 1234 5678", "+8613812345678"),
        ("+8613812345678", "+8613812345678"),
        ("0086 13812345678", "+8613812345678"),
        ("138-1234-5678", "+8613812345678"),
        (" 13812345678 ", "+8613812345678"),
        ("１３８１２３４５６７８", "+8613812345678"),
        ("0310-1234567", "+863101234567"),
        ("(0310)1234567", "+863101234567"),
        ("（０３１０）１２３４５６７", "+863101234567"),
        ("0310 1234567", "+863101234567"),
        ("0310—1234567", "+863101234567"),
        ("010-12345678", "+861012345678"),
    ],
)
def test_normalize_valid(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


def test_normalize_is_idempotent() -> None:
    once = normalize_phone("(0310)1234567")
    assert normalize_phone(once) == once


def test_error_is_a_value_error() -> None:
    assert issubclass(PhoneError, ValueError)


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_empty(raw: str | None) -> None:
    with pytest.raises(PhoneError, match="请填写电话号码"):
        normalize_phone(raw)  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["1381234567", "138123456789", "12345", "99912345678", "0000"])
def test_invalid_numbers(raw: str) -> None:
    with pytest.raises(PhoneError, match="电话号码不正确"):
        normalize_phone(raw)


@pytest.mark.parametrize("raw", ["138abc45678", "1381234567８x", "电话13812345678", "138/1234/5678"])
def test_letters_and_junk_rejected(raw: str) -> None:
    with pytest.raises(PhoneError, match="只能包含数字"):
        normalize_phone(raw)


def test_excel_decimal_rejected() -> None:
    with pytest.raises(PhoneError, match="文本格式"):
        normalize_phone("13812345678.0")


def test_foreign_number_rejected() -> None:
    with pytest.raises(PhoneError, match="中国大陆"):
        normalize_phone("+1 650 253 0000")


def test_service_number_rejected() -> None:
    with pytest.raises(PhoneError, match="400/800"):
        normalize_phone("4008123123")


@pytest.mark.parametrize(
    "e164, expected",
    [
        ("+8613812345678", "13812345678"),
        ("+863101234567", "0310-1234567"),
        ("+861012345678", "010-12345678"),
        ("13812345678", "13812345678"),
    ],
)
def test_format_phone_national(e164: str, expected: str) -> None:
    assert format_phone_national(e164) == expected


def test_format_round_trip() -> None:
    for raw in ("0310-1234567", "010-12345678", "13812345678"):
        assert format_phone_national(normalize_phone(raw)) == raw
