"""Tests for caseapp.core.masking."""
from __future__ import annotations

import pytest

from caseapp.core.masking import mask_account, mask_id, mask_name, mask_phone


@pytest.mark.parametrize("mask", [mask_id, mask_phone, mask_account, mask_name])
@pytest.mark.parametrize("empty", [None, "", "   "])
def test_empty_values_give_empty_string(mask, empty) -> None:  # type: ignore[no-untyped-def]
    assert mask(empty) == ""


def test_mask_id() -> None:
    assert mask_id("13043419850615123X") == "1304**********123X"
    assert mask_id("11010519491231002x") == "1101**********002X"
    assert len(mask_id("130434850615001")) == 15


def test_mask_id_short_value_fully_starred() -> None:
    assert mask_id("12345678") == "********"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("+8613812341234", "138****1234"),
        ("13812341234", "138****1234"),
        ("+863101234567", "0310-***4567"),
        ("0310-1234567", "0310-***4567"),
        ("+861012345678", "010-****5678"),
    ],
)
def test_mask_phone(raw: str, expected: str) -> None:
    assert mask_phone(raw) == expected


def test_mask_phone_unparseable_never_leaks() -> None:
    assert mask_phone("4008123123") == "400***3123"
    assert mask_phone("12345") == "*****"


def test_mask_account() -> None:
    assert mask_account("6222 0212 3456 7890") == "**** 7890"
    assert mask_account("6222021234567890123") == "**** 0123"
    assert mask_account("1234") == "****"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧阳**"),
        ("欧阳锋", "欧阳*"),
        ("欧阳", "欧*"),
        ("王", "*"),
        ("买买提·艾力", "买**·**"),
        (" 李四 ", "李*"),
    ],
)
def test_mask_name(name: str, expected: str) -> None:
    assert mask_name(name) == expected


def test_masks_never_contain_the_middle() -> None:
    value = "13043419850615123X"
    assert "19850615" not in mask_id(value)
    assert "1234" not in mask_phone("+8613812345678")[:7]
