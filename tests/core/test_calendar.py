"""Tests for caseapp.core.calendar.

Years 2024-2026 are in chinesecalendar 1.11.0 and stay there in later releases. "A year
without data" is 2099 or a monkeypatched library, so these tests survive package updates.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseapp.core.calendar import (
    DeadlineDate,
    WorkCalendar,
    chuxi,
    format_date_zh,
    labour_day,
    lunar_date_zh,
    month_end,
    quarter_ends,
    resolve_festival_deadline,
    spring_festival,
    spring_festival_holiday_start,
)

FAR_YEAR = 2099  # no official data will ever be published this early


def hide_year(monkeypatch: pytest.MonkeyPatch, hidden: int) -> None:
    """Make chinese_calendar behave as if it had no data for `hidden`."""
    real_is_workday = chinese_calendar.is_workday
    real_detail = chinese_calendar.get_holiday_detail

    def guard(d: date) -> None:
        if d.year == hidden:
            raise NotImplementedError(f"no available data for year {hidden}")

    monkeypatch.setattr(chinese_calendar, "is_workday", lambda d: guard(d) or real_is_workday(d))
    monkeypatch.setattr(chinese_calendar, "get_holiday_detail", lambda d: guard(d) or real_detail(d))


# ------------------------------------------------------------------ lunar dates


@pytest.mark.parametrize(
    "year, expected",
    [(2024, date(2024, 2, 10)), (2025, date(2025, 1, 29)), (2026, date(2026, 2, 17)),
     (2027, date(2027, 2, 6)), (1996, date(1996, 2, 19))],
)
def test_spring_festival(year: int, expected: date) -> None:
    assert spring_festival(year) == expected


def test_chuxi_is_day_before_and_not_always_la_yue_30() -> None:
    assert chuxi(2025) == date(2025, 1, 28)
    assert lunar_date_zh(chuxi(2025)) == "腊月廿九"
    assert lunar_date_zh(chuxi(2024)) == "腊月三十"
    assert chuxi(2027) == date(2027, 2, 5)


def test_simple_dates() -> None:
    assert labour_day(2025) == date(2025, 5, 1)
    assert month_end(2024, 2) == date(2024, 2, 29)
    assert month_end(2025, 2) == date(2025, 2, 28)
    assert month_end(2025, 12) == date(2025, 12, 31)
    assert quarter_ends(2025) == (date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31))
    assert format_date_zh(date(2025, 6, 30)) == "2025年6月30日"
    assert format_date_zh(date(2025, 1, 5)) == "2025年1月5日"


# ------------------------------------------------------------------ workdays


def test_is_official() -> None:
    cal = WorkCalendar()
    assert cal.is_official(2025)
    assert not cal.is_official(FAR_YEAR)


@pytest.mark.parametrize(
    "d, expected",
    [
        (date(2025, 1, 26), True),    # 调休 Sunday before 春节
        (date(2025, 2, 8), True),     # 调休 Saturday after 春节
        (date(2025, 10, 11), True),   # 调休 Saturday after 国庆
        (date(2025, 1, 28), False),   # 除夕, statutory holiday since 2025
        (date(2025, 10, 1), False),
        (date(2025, 10, 8), False),
        (date(2025, 6, 30), True),
        (date(2025, 6, 28), False),   # ordinary Saturday
    ],
)
def test_official_workdays(d: date, expected: bool) -> None:
    assert WorkCalendar().is_workday(d) is expected


def test_datetime_accepted() -> None:
    assert WorkCalendar().is_workday(datetime(2025, 10, 11, 9, 30))


def test_add_workdays_across_national_day() -> None:
    cal = WorkCalendar()
    assert cal.add_workdays(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert cal.add_workdays(date(2025, 9, 30), 3) == date(2025, 10, 11)  # Saturday counts
    assert cal.add_workdays(date(2025, 9, 30), 4) == date(2025, 10, 13)
    assert cal.add_workdays(date(2025, 10, 9), -1) == date(2025, 9, 30)
    assert cal.add_workdays(date(2025, 9, 28), 1) == date(2025, 9, 29)  # 调休 Sunday is day 0


def test_add_zero_workdays_is_identity() -> None:
    assert WorkCalendar().add_workdays(date(2025, 10, 3), 0) == date(2025, 10, 3)


def test_five_workday_notice_over_spring_festival() -> None:
    # 公示 starting 2025-01-24: 25 Sat off, 26 Sun 调休 workday, 27 Mon, 28 - 2/4 holiday.
    assert WorkCalendar().add_workdays(date(2025, 1, 24), 5) == date(2025, 2, 7)


def test_workdays_between() -> None:
    cal = WorkCalendar()
    assert cal.workdays_between(date(2025, 9, 30), date(2025, 10, 9)) == 1
    assert cal.workdays_between(date(2025, 10, 9), date(2025, 9, 30)) == -1
    assert cal.workdays_between(date(2025, 6, 2), date(2025, 6, 2)) == 0
    # 21 weekdays in June 2025, minus 6月2日 (端午 holiday on a Monday).
    assert cal.workdays_between(date(2025, 6, 1), date(2025, 6, 30)) == 20


@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 10, 1)),
    n=st.integers(min_value=-40, max_value=40),
)
def test_workdays_between_inverts_add_workdays(start: date, n: int) -> None:
    cal = WorkCalendar()
    end = cal.add_workdays(start, n)
    assert cal.workdays_between(start, end) == n
    assert n == 0 or cal.is_workday(end)


def test_overrides_win() -> None:
    cal = WorkCalendar({date(2025, 10, 11): False, date(2025, 10, 8): True})
    assert not cal.is_workday(date(2025, 10, 11))
    assert cal.is_workday(date(2025, 10, 8))
    assert cal.add_workdays(date(2025, 9, 30), 1) == date(2025, 10, 8)


def test_overrides_are_copied_and_read_only() -> None:
    table = {date(2025, 6, 30): False}
    cal = WorkCalendar(table)
    table[date(2025, 6, 30)] = True
    assert not cal.is_workday(date(2025, 6, 30))
    with pytest.raises(TypeError):
        cal.overrides[date(2025, 6, 30)] = True  # type: ignore[index]


def test_fallback_year_uses_weekdays_plus_overrides() -> None:
    cal = WorkCalendar({date(FAR_YEAR, 1, 3): True, date(FAR_YEAR, 1, 5): False})
    assert cal.is_workday(date(FAR_YEAR, 1, 2))        # Friday
    assert cal.is_workday(date(FAR_YEAR, 1, 3))        # Saturday, overridden
    assert not cal.is_workday(date(FAR_YEAR, 1, 4))    # Sunday
    assert not cal.is_workday(date(FAR_YEAR, 1, 5))    # Monday, overridden
    assert cal.add_workdays(date(FAR_YEAR, 1, 2), 2) == date(FAR_YEAR, 1, 6)


def test_fallback_by_monkeypatch(monkeypatch: pytest.MonkeyPatch) -> None:
    hide_year(monkeypatch, 2025)
    cal = WorkCalendar()
    assert not cal.is_official(2025)
    assert not cal.is_workday(date(2025, 10, 11))  # the 调休 is unknown without data
    assert cal.is_workday(date(2025, 10, 1))
    assert cal.is_official(2024)


def test_provisional_years() -> None:
    cal = WorkCalendar()
    assert cal.provisional_years(date(2024, 3, 1), date(2025, 12, 31)) == set()
    assert cal.provisional_years(date(FAR_YEAR + 1, 1, 1), date(FAR_YEAR - 1, 6, 1)) == {
        FAR_YEAR - 1, FAR_YEAR, FAR_YEAR + 1,
    }
    assert cal.provisional_note_zh(set()) == ""
    assert f"{FAR_YEAR}年" in cal.provisional_note_zh({FAR_YEAR})


# ------------------------------------------------------------------ festival deadlines


def test_spring_festival_holiday_start_official() -> None:
    cal = WorkCalendar()
    assert spring_festival_holiday_start(2025, cal).date == date(2025, 1, 28)
    assert spring_festival_holiday_start(2026, cal).date == date(2026, 2, 15)
    assert spring_festival_holiday_start(2024, cal).date == date(2024, 2, 10)
    assert not spring_festival_holiday_start(2025, cal).provisional


def test_spring_festival_holiday_start_fallback_is_chuxi() -> None:
    result = spring_festival_holiday_start(FAR_YEAR, WorkCalendar())
    assert result.date == chuxi(FAR_YEAR)
    assert result.provisional
    assert "尚未收录" in result.explanation_zh


def test_spring_festival_holiday_start_uses_admin_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    hide_year(monkeypatch, 2026)
    days_off = {date(2026, 2, 15) + timedelta(days=i): False for i in range(9)}
    result = spring_festival_holiday_start(2026, WorkCalendar(days_off))
    assert result.date == date(2026, 2, 15)
    assert result.provisional


@pytest.mark.parametrize(
    "festival, before, expected",
    [
        ("spring", "day", date(2025, 1, 28)),
        ("spring", "eve", date(2025, 1, 27)),
        ("spring", "holiday_start", date(2025, 1, 27)),
        ("labour_day", "day", date(2025, 4, 30)),
        ("labour_day", "eve", date(2025, 4, 29)),
        ("labour_day", "holiday_start", date(2025, 4, 30)),
    ],
)
def test_resolve_festival_deadline_2025(festival: str, before: str, expected: date) -> None:
    result = resolve_festival_deadline(2025, festival, before, WorkCalendar())  # type: ignore[arg-type]
    assert result.date == expected
    assert not result.provisional
    assert format_date_zh(expected) in result.explanation_zh


def test_resolve_explanations() -> None:
    cal = WorkCalendar()
    day = resolve_festival_deadline(2025, "spring", "day", cal)
    assert day.explanation_zh.startswith("2025年春节（正月初一）为2025年1月29日")
    eve = resolve_festival_deadline(2025, "spring", "eve", cal)
    assert "除夕为2025年1月28日（腊月廿九）" in eve.explanation_zh


def test_resolve_2026_holiday_start() -> None:
    result = resolve_festival_deadline(2026, "spring", "holiday_start", WorkCalendar())
    assert result == DeadlineDate(date(2026, 2, 14), False, result.explanation_zh)


def test_resolve_lunar_dates_are_never_provisional() -> None:
    result = resolve_festival_deadline(FAR_YEAR, "spring", "day", WorkCalendar())
    assert result.date == spring_festival(FAR_YEAR) - timedelta(days=1)
    assert not result.provisional


def test_resolve_holiday_start_in_fallback_year() -> None:
    cal = WorkCalendar()
    spring = resolve_festival_deadline(FAR_YEAR, "spring", "holiday_start", cal)
    assert spring.date == chuxi(FAR_YEAR) - timedelta(days=1)
    assert spring.provisional and "尚未收录" in spring.explanation_zh
    labour = resolve_festival_deadline(FAR_YEAR, "labour_day", "holiday_start", cal)
    assert labour.date == date(FAR_YEAR, 4, 30) and labour.provisional


@pytest.mark.parametrize("festival, before", [("qingming", "day"), ("spring", "after")])
def test_resolve_rejects_unknown_settings(festival: str, before: str) -> None:
    with pytest.raises(ValueError):
        resolve_festival_deadline(2025, festival, before, WorkCalendar())  # type: ignore[arg-type]
