"""Deadline dates: lunar festivals, the official workday calendar and its fallback.

No function here reads the clock, except ``local_today`` / ``local_now`` (the one "today" of the whole
application, in the configured zone): callers pass every date in, so the same code gives the same answer
in a web request, a worker process and a test.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal
from zoneinfo import ZoneInfo

import chinese_calendar
from lunar_python import Lunar, Solar

__all__ = [
    "DeadlineDate",
    "local_now",
    "local_today",
    "local_zone",
    "WorkCalendar",
    "chuxi",
    "format_date_zh",
    "labour_day",
    "labour_day_holiday_start",
    "lunar_date_zh",
    "month_end",
    "quarter_ends",
    "resolve_festival_deadline",
    "spring_festival",
    "spring_festival_holiday_start",
]

Festival = Literal["spring", "labour_day"]
Before = Literal["day", "eve", "holiday_start"]
FESTIVALS: tuple[str, ...] = ("spring", "labour_day")
BEFORE_MODES: tuple[str, ...] = ("day", "eve", "holiday_start")

ONE_DAY = dt.timedelta(days=1)
SPRING_FESTIVAL_NAME = chinese_calendar.Holiday.spring_festival.value
LABOUR_DAY_NAME = chinese_calendar.Holiday.labour_day.value


@dataclass(frozen=True)
class DeadlineDate:
    """A resolved date, whether it rests on unofficial data, and why (in Chinese)."""

    date: dt.date
    provisional: bool
    explanation_zh: str


# ---------------------------------------------------------------- the one "today"


def local_zone() -> ZoneInfo:
    """The configured zone for schedules and dates shown to people (Asia/Shanghai by default)."""
    try:
        from flask import current_app

        return ZoneInfo(current_app.config.get("TIMEZONE", "Asia/Shanghai"))
    except RuntimeError:  # outside an app context (a bench script, a unit test)
        return ZoneInfo("Asia/Shanghai")


def local_now(now: dt.datetime | None = None) -> dt.datetime:
    """The current time (or ``now``) in the configured zone."""
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(local_zone())


def local_today(now: dt.datetime | None = None) -> dt.date:
    """Today in the configured zone: at 00:30 in Shanghai it is already tomorrow, whatever the server's zone."""
    return local_now(now).date()


# ---------------------------------------------------------------- plain dates


def spring_festival(year: int) -> dt.date:
    """Return 正月初一 of the lunar year starting in `year` (astronomical, e.g. 2027-02-06)."""
    return _to_date(Lunar.fromYmd(year, 1, 1).getSolar())


def chuxi(year: int) -> dt.date:
    """Return 除夕, the day before 正月初一 (腊月廿九 in 2025-2027, so never 腊月三十 by rule)."""
    return spring_festival(year) - ONE_DAY


def labour_day(year: int) -> dt.date:
    """Return 5月1日 of `year`."""
    return dt.date(year, 5, 1)


def month_end(year: int, month: int) -> dt.date:
    """Return the last day of the month."""
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - ONE_DAY


def quarter_ends(year: int) -> tuple[dt.date, dt.date, dt.date, dt.date]:
    """Return 3月31日, 6月30日, 9月30日 and 12月31日 of `year`."""
    return (
        month_end(year, 3),
        month_end(year, 6),
        month_end(year, 9),
        month_end(year, 12),
    )


def format_date_zh(d: dt.date) -> str:
    """Format as "2025年6月30日"."""
    return f"{d.year}年{d.month}月{d.day}日"


def lunar_date_zh(d: dt.date) -> str:
    """Return the lunar month and day of a solar date, e.g. "腊月廿九"."""
    lunar = Solar.fromYmd(d.year, d.month, d.day).getLunar()
    return f"{lunar.getMonthInChinese()}月{lunar.getDayInChinese()}"


def _to_date(solar: Solar) -> dt.date:
    """Convert a lunar-python Solar to a date."""
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def _as_date(d: dt.date) -> dt.date:
    """Drop the time of a datetime; a datetime key would never match a date key."""
    return d.date() if isinstance(d, dt.datetime) else d


# ---------------------------------------------------------------- workdays


class WorkCalendar:
    """Official workday calendar with admin overrides and a weekday fallback.

    Overrides (True = workday, False = holiday) win over everything. For a year that
    chinese_calendar has no data for, Monday-Friday are workdays; such a year is
    "provisional" and callers must say so.
    """

    def __init__(self, overrides: Mapping[dt.date, bool] | None = None) -> None:
        """Copy the overrides so later edits by the caller do not leak in."""
        self._overrides = {_as_date(k): bool(v) for k, v in (overrides or {}).items()}
        self._official: dict[int, bool] = {}

    @property
    def overrides(self) -> Mapping[dt.date, bool]:
        """The override table, read-only."""
        return MappingProxyType(self._overrides)

    def is_official(self, year: int) -> bool:
        """True when chinese_calendar has the State Council's data for `year`."""
        if year not in self._official:
            self._official[year] = _library_has_year(year)
        return self._official[year]

    def is_workday(self, d: dt.date) -> bool:
        """Is `d` a workday (调休 Saturdays included)?"""
        d = _as_date(d)
        if d in self._overrides:
            return self._overrides[d]
        if self.is_official(d.year):
            return chinese_calendar.is_workday(d)
        return d.weekday() < 5

    def add_workdays(self, d: dt.date, n: int) -> dt.date:
        """Return the n-th workday after `d` (n < 0: before); `d` itself is day 0.

        add_workdays(d, 0) is `d` unchanged, even when `d` is a holiday.
        """
        current, step = _as_date(d), (1 if n > 0 else -1)
        remaining = abs(n)
        while remaining:
            current += step * ONE_DAY
            if self.is_workday(current):
                remaining -= 1
        return current

    def workdays_between(self, a: dt.date, b: dt.date) -> int:
        """Count workdays in (a, b]; negative count of those in [b, a) when b < a.

        This is the inverse of add_workdays: add_workdays(a, n) == b gives n.
        """
        a, b = _as_date(a), _as_date(b)
        if b >= a:
            return sum(self.is_workday(x) for x in _days(a + ONE_DAY, b))
        return -sum(self.is_workday(x) for x in _days(b, a - ONE_DAY))

    def provisional_years(self, d1: dt.date, d2: dt.date) -> set[int]:
        """Years touched by the range d1..d2 (either order) with no official data."""
        low, high = sorted((d1.year, d2.year))
        return {y for y in range(low, high + 1) if not self.is_official(y)}

    def provisional_note_zh(self, years: set[int]) -> str:
        """A sentence telling users which years' workdays are estimated ("" if none)."""
        if not years:
            return ""
        listed = "、".join(f"{y}年" for y in sorted(years))
        return f"{listed}的国务院节假日安排尚未收录，工作日暂按周一至周五及管理员调整计算，仅供参考"

    def in_official_holiday(self, d: dt.date, name: str) -> bool:
        """Is `d` a day off of the named statutory holiday (override False counts)?"""
        d = _as_date(d)
        if d in self._overrides:
            return not self._overrides[d]
        if not self.is_official(d.year):
            return False
        return chinese_calendar.get_holiday_detail(d) == (True, name)


def _library_has_year(year: int) -> bool:
    """Ask chinese_calendar; it raises NotImplementedError for a year it does not know."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    """All dates from first to last inclusive."""
    return [first + i * ONE_DAY for i in range((last - first).days + 1)]


# ---------------------------------------------------------------- holiday starts


def spring_festival_holiday_start(year: int, cal: WorkCalendar) -> DeadlineDate:
    """First day of the statutory 春节 holiday; 除夕 (provisional) without official data."""
    festival = spring_festival(year)
    start = _holiday_start(festival, SPRING_FESTIVAL_NAME, cal)
    provisional = not cal.is_official(festival.year)
    if start is None:
        start = chuxi(year)
        why = f"{year}年官方放假安排尚未收录，暂按除夕（{format_date_zh(start)}）作为春节假期第一天"
    else:
        why = f"{year}年春节法定假期自{format_date_zh(start)}开始"
        if provisional:
            why += "（按管理员维护的调整日期，官方安排尚未收录）"
    return DeadlineDate(start, provisional, why)


def labour_day_holiday_start(year: int, cal: WorkCalendar) -> DeadlineDate:
    """First day of the statutory 劳动节 holiday; 5月1日 (provisional) without official data."""
    festival = labour_day(year)
    start = _holiday_start(festival, LABOUR_DAY_NAME, cal)
    provisional = not cal.is_official(year)
    if start is None:
        start = festival
        why = f"{year}年官方放假安排尚未收录，暂按5月1日作为劳动节假期第一天"
    else:
        why = f"{year}年劳动节法定假期自{format_date_zh(start)}开始"
        if provisional:
            why += "（按管理员维护的调整日期，官方安排尚未收录）"
    return DeadlineDate(start, provisional, why)


def _holiday_start(festival: dt.date, name: str, cal: WorkCalendar) -> dt.date | None:
    """Walk back from the festival day through days off of that holiday."""
    if not cal.in_official_holiday(festival, name):
        return None
    start = festival
    # Bounded: no statutory holiday starts more than a few days before the festival.
    for _ in range(10):
        if not cal.in_official_holiday(start - ONE_DAY, name):
            break
        start -= ONE_DAY
    return start


# ---------------------------------------------------------------- festival deadlines


def resolve_festival_deadline(
    year: int, festival: Festival, before: Before, cal: WorkCalendar
) -> DeadlineDate:
    """Resolve "春节前" / "五一前" to the LAST day that still counts as "before".

    before='day': the day before the festival (春节 → 除夕; 五一 → 4月30日).
    before='eve': the day before the festival's eve (春节 → 除夕 − 1; 五一 → 4月29日).
    before='holiday_start': the day before the statutory holiday starts; provisional
    (and explained) when the year has no official data.
    The returned date is inclusive: work done on it is on time.
    """
    if festival not in FESTIVALS:
        raise ValueError(f"unknown festival {festival!r}; expected one of {FESTIVALS}")
    if before not in BEFORE_MODES:
        raise ValueError(f"unknown before {before!r}; expected one of {BEFORE_MODES}")
    day, intro = _festival_intro(year, festival)
    if before == "day":
        boundary = DeadlineDate(day, False, "")
    elif before == "eve":
        boundary = DeadlineDate(day - ONE_DAY, False, _eve_text(day - ONE_DAY, festival))
    else:
        boundary = _holiday_boundary(year, festival, cal)
    last = boundary.date - ONE_DAY
    parts = [intro, boundary.explanation_zh, f"截止日为{format_date_zh(last)}（含当日）"]
    return DeadlineDate(last, boundary.provisional, "；".join(p for p in parts if p))


def _festival_intro(year: int, festival: str) -> tuple[dt.date, str]:
    """The festival day and a sentence naming it."""
    if festival == "spring":
        day = spring_festival(year)
        return day, f"{year}年春节（正月初一）为{format_date_zh(day)}"
    day = labour_day(year)
    return day, f"{year}年劳动节为{format_date_zh(day)}"


def _eve_text(eve: dt.date, festival: str) -> str:
    """Name the eve; 除夕 also gets its lunar date since it is not always 腊月三十."""
    if festival == "spring":
        return f"除夕为{format_date_zh(eve)}（{lunar_date_zh(eve)}）"
    return f"劳动节前一天为{format_date_zh(eve)}"


def _holiday_boundary(year: int, festival: str, cal: WorkCalendar) -> DeadlineDate:
    """The statutory holiday start of the festival."""
    if festival == "spring":
        return spring_festival_holiday_start(year, cal)
    return labour_day_holiday_start(year, cal)
