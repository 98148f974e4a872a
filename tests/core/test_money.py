"""Money: exact 分 from written amounts, display formats, 人民币大写."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseapp.core.money import MoneyError, format_wan, format_yuan, rmb_upper, to_fen


@pytest.mark.parametrize(("amount", "unit", "fen"), [
    ("190.00", "万元", 190_000_000),
    ("47.66", "万元", 47_660_000),
    ("5.00", "万元", 5_000_000),
    ("1,000", "元", 100_000),
    ("１９０．００", "万元", 190_000_000),
    ("１，０００.５", "元", 100_050),
    (" 12 ", "分", 12),
    (Decimal("0.010"), "元", 1),
    ("0.000001", "万元", 1),
    (0.1, "元", 10),
    (7, "元", 700),
])
def test_to_fen_is_exact(amount, unit, fen):
    assert to_fen(amount, unit) == fen


@pytest.mark.parametrize(("amount", "unit"), [
    ("0.005", "元"), (Decimal("0.004"), "元"), ("1000.001", "元"), ("0.0000005", "万元"), ("1.5", "分"),
])
def test_to_fen_refuses_a_part_smaller_than_one_fen_instead_of_rounding(amount, unit):
    with pytest.raises(MoneyError, match="只能精确到分"):
        to_fen(amount, unit)


@pytest.mark.parametrize("amount", ["1" + "0" * 26, "9" * 5000, 10**30])
def test_to_fen_refuses_absurdly_large_amounts(amount):
    with pytest.raises(MoneyError, match="金额"):
        to_fen(amount, "元")


@pytest.mark.parametrize("garbage", ["", "abc", "1.2.3", "1e5", "¥100", "NaN", "--5", "5-", Decimal("NaN"), True, None])
def test_to_fen_refuses_garbage_in_chinese(garbage):
    with pytest.raises(MoneyError, match="金额"):
        to_fen(garbage, "元")


def test_to_fen_refuses_negative_and_unknown_unit():
    with pytest.raises(MoneyError, match="负数"):
        to_fen("-5", "元")
    with pytest.raises(MoneyError, match="单位"):
        to_fen("5", "美元")
    assert issubclass(MoneyError, ValueError)


@pytest.mark.parametrize(("fen", "text"), [
    (100_000, "¥1,000.00"), (0, "¥0.00"), (-500, "-¥5.00"), (1, "¥0.01"), (123_456_789, "¥1,234,567.89"),
])
def test_format_yuan(fen, text):
    assert format_yuan(fen) == text


@pytest.mark.parametrize(("fen", "text"), [
    (47_660_000, "47.66万元"), (190_000_000, "190.00万元"), (5_000_000, "5.00万元"), (0, "0.00万元"),
    (12_345, "0.012345万元"),
])
def test_format_wan(fen, text):
    assert format_wan(fen) == text


@pytest.mark.parametrize(("fen", "text"), [
    (0, "零元整"),
    (100_000, "壹仟元整"),
    (1_000_000, "壹万元整"),
    (10_000_000, "壹拾万元整"),
    (10_550, "壹佰零伍元伍角"),
    (10_101, "壹佰零壹元零壹分"),
    (4_766_000_000, "肆仟柒佰陆拾陆万元整"),
    (47_660_000, "肆拾柒万陆仟陆佰元整"),
    (168_032, "壹仟陆佰捌拾元叁角贰分"),
    (10_700_053, "壹拾万柒仟元伍角叁分"),
    (10_050_000, "壹拾万零伍佰元整"),
    (100_000_100, "壹佰万零壹元整"),
    (10_000_000_000, "壹亿元整"),
    (10_000_500_000, "壹亿零伍仟元整"),
    (50, "伍角"),
    (5, "伍分"),
    (105, "壹元零伍分"),
    (1_000, "壹拾元整"),
    (-500, "负伍元整"),
])
def test_rmb_upper_follows_banking_rules(fen, text):
    assert rmb_upper(fen) == text


@given(st.integers(min_value=0, max_value=10**15))
def test_rmb_upper_shape(fen):
    text = rmb_upper(fen)
    assert "零零" not in text
    assert text.endswith("整") == (fen % 100 == 0)
    assert not text.endswith("零")


@given(st.integers(min_value=0, max_value=10**14))
def test_to_fen_round_trips_format_yuan(fen):
    assert to_fen(format_yuan(fen).lstrip("¥"), "元") == fen
