"""Tests for caseapp.core.idnumber (GB 11643-1999)."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseapp.core.idnumber import (
    PROVINCES,
    IdNumber,
    IdNumberError,
    check_char,
    is_valid_id_number,
    make_id_number,
    parse_id_number,
)

STANDARD_EXAMPLE = "11010519491231002X"  # the example printed in the standard
TODAY = date(2025, 6, 1)


def with_check(first17: str) -> str:
    """Complete 17 digits with their correct check character."""
    return first17 + check_char(first17)


def error_of(raw: object, **kwargs: object) -> str:
    """Return the message parse_id_number raises for raw."""
    with pytest.raises(IdNumberError) as info:
        parse_id_number(raw, today=TODAY, **kwargs)
    return str(info.value)


def test_standard_example_is_valid() -> None:
    parsed = parse_id_number(STANDARD_EXAMPLE, today=TODAY)
    assert parsed == IdNumber(
        value=STANDARD_EXAMPLE,
        birth_date=date(1949, 12, 31),
        sex="女",
        region_code="110105",
    )
    assert str(parsed) == STANDARD_EXAMPLE


def test_error_is_a_value_error() -> None:
    assert issubclass(IdNumberError, ValueError)


def test_lowercase_x_becomes_uppercase() -> None:
    assert parse_id_number("11010519491231002x", today=TODAY).value == STANDARD_EXAMPLE


def test_surrounding_whitespace_and_full_width_digits_accepted() -> None:
    full_width = "１１０１０５１９４９１２３１００２Ｘ"
    assert parse_id_number(f"  {full_width}\t", today=TODAY).value == STANDARD_EXAMPLE
    assert parse_id_number(f"\u3000{STANDARD_EXAMPLE} \n", today=TODAY).value == STANDARD_EXAMPLE


@pytest.mark.parametrize("region", ["000000", "990101", "130000", "710101", "810101", "001234"])
def test_region_code_must_be_a_real_province_and_county(region: str) -> None:
    assert "行政区划代码" in error_of(with_check(f"{region}19850615001"))


@pytest.mark.parametrize("region", ["130434", "110105", "650102", "810000", "820000", "830000"])
def test_real_regions_and_residence_permits_are_accepted(region: str) -> None:
    assert parse_id_number(with_check(f"{region}19850615001"), today=TODAY).region_code == region


@pytest.mark.parametrize("lookalike", ["①", "¹", "𝟏", "١"])
def test_digits_that_only_look_like_digits_are_refused_not_guessed(lookalike: str) -> None:
    number = with_check("13043419850615001")
    assert error_of(lookalike + number[1:]) == "身份证号只能由数字和末位的X组成"


def test_male_number() -> None:
    value = make_id_number("130434", date(1970, 3, 5), seq=17, sex="男")
    parsed = parse_id_number(value, today=TODAY)
    assert (parsed.sex, parsed.birth_date, parsed.region_code) == ("男", date(1970, 3, 5), "130434")


def test_integer_input_is_read_as_text() -> None:
    value = make_id_number(seq=1)
    assert parse_id_number(int(value), today=TODAY).value == value


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000"])
def test_empty(raw: object) -> None:
    assert error_of(raw) == "请填写身份证号"


@pytest.mark.parametrize("raw", ["1.30434E+17", "1.304342E17", "1.30434e+17", "1,30434E+17", 1.30434e17])
def test_excel_scientific_notation(raw: object) -> None:
    message = error_of(raw)
    assert "科学计数法" in message and "文本格式" in message


def test_excel_trailing_decimal() -> None:
    message = error_of("130434198506150011.0")
    assert ".0" in message and "文本格式" in message


def test_inner_space() -> None:
    assert error_of("110105 19491231002X") == "身份证号中间不能有空格"


@pytest.mark.parametrize("raw", ["110105-19491231002X", "11010519491231002Y", "身份证11010519491231002X"])
def test_other_characters(raw: str) -> None:
    assert error_of(raw) == "身份证号只能由数字和末位的X组成"


def test_legacy_15_digits() -> None:
    assert error_of("130434850615001") == "这是15位旧身份证号，请填写18位新号码"


@pytest.mark.parametrize("raw, length", [("1101051949123100", 16), ("1101051949123100211", 19)])
def test_wrong_length(raw: str, length: int) -> None:
    assert error_of(raw) == f"身份证号应为18位，现在是{length}位"


def test_x_only_in_last_position() -> None:
    assert error_of("1101051949X2310021") == "身份证号中的X只能出现在最后一位"


def test_bad_check_char_does_not_reveal_expected() -> None:
    message = error_of("110105194912310021")
    assert "校验位不正确" in message
    assert "X" not in message


@pytest.mark.parametrize("birth", ["19490230", "19491301", "19490001", "20230229"])
def test_impossible_birth_date(birth: str) -> None:
    assert "出生日期不存在" in error_of(with_check(f"130434{birth}001"))


def test_birth_date_in_future() -> None:
    raw = with_check("13043420250602001")
    assert "晚于今天" in error_of(raw)
    assert parse_id_number(raw, today=date(2025, 6, 2)).birth_date == date(2025, 6, 2)


def test_birth_date_before_1900() -> None:
    assert "早于1900年" in error_of(with_check("13043418991231001"))


def test_sex_checks() -> None:
    assert parse_id_number(STANDARD_EXAMPLE, sex="女", today=TODAY).sex == "女"
    assert parse_id_number(STANDARD_EXAMPLE, sex=" 女 ", today=TODAY).sex == "女"
    assert parse_id_number(STANDARD_EXAMPLE, sex="", today=TODAY).sex == "女"
    assert error_of(STANDARD_EXAMPLE, sex="男") == "性别与身份证号第17位不符"
    assert "男" in error_of(STANDARD_EXAMPLE, sex="M")


def test_is_valid_id_number() -> None:
    assert is_valid_id_number(STANDARD_EXAMPLE)
    assert is_valid_id_number(" 11010519491231002x ")
    assert not is_valid_id_number("110105194912310021")
    assert not is_valid_id_number(None)
    assert not is_valid_id_number(with_check("13043420250602001"), today=TODAY)


def test_make_id_number_defaults_and_parity() -> None:
    assert make_id_number().startswith("130434")
    assert parse_id_number(make_id_number(seq=2, sex="女"), today=TODAY).sex == "女"
    assert parse_id_number(make_id_number(seq=0, sex=None), today=TODAY).sex == "女"
    with pytest.raises(ValueError, match="sex"):
        make_id_number(seq=2, sex="男")
    with pytest.raises(ValueError, match="sex"):
        make_id_number(seq=1, sex="女")


@pytest.mark.parametrize(
    "kwargs",
    [{"seq": -1}, {"seq": 1001, "sex": None}, {"region": "13043"}, {"region": "13O434"},
     {"birth": date(1899, 12, 31)}],
)
def test_make_id_number_rejects_bad_arguments(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        make_id_number(**kwargs)  # type: ignore[arg-type]


#: real-looking regions: a province, then anything but 0000
regions = st.builds(lambda p, rest: p + rest, st.sampled_from(sorted(PROVINCES - {"81", "82", "83"})),
                    st.from_regex(r"[0-9]{4}", fullmatch=True).filter(lambda r: r != "0000"))
ids = st.builds(
    make_id_number,
    region=regions,
    birth=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    seq=st.integers(min_value=0, max_value=999),
    sex=st.none(),
)


@given(
    region=regions,
    birth=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    seq=st.integers(min_value=0, max_value=999),
)
def test_make_id_number_always_parses_back(region: str, birth: date, seq: int) -> None:
    sex = "男" if seq % 2 else "女"
    value = make_id_number(region, birth, seq, sex)
    parsed = parse_id_number(value, sex=sex, today=TODAY)
    assert (parsed.value, parsed.birth_date, parsed.region_code, parsed.sex) == (
        value, birth, region, sex,
    )


@settings(max_examples=300)
@given(value=ids, position=st.integers(min_value=0, max_value=16), digit=st.integers(0, 9))
def test_single_digit_change_is_rejected(value: str, position: int, digit: int) -> None:
    changed = value[:position] + str(digit) + value[position + 1:]
    assert is_valid_id_number(changed, today=TODAY) == (changed == value)


@given(value=ids, position=st.integers(min_value=0, max_value=15))
def test_adjacent_transposition_is_rejected(value: str, position: int) -> None:
    a, b = value[position], value[position + 1]
    swapped = value[:position] + b + a + value[position + 2:]
    assert is_valid_id_number(swapped, today=TODAY) == (a == b)
