"""Resolving deadline rules: festivals, 除夕, statutory holidays, workdays, a year without official data."""
import datetime as dt
from types import SimpleNamespace

import pytest

from caseapp.core import calendar
from caseapp.core.calendar import WorkCalendar, chuxi
from caseapp.deadlines.resolve import PROVISIONAL_NOTE, resolve


def rule(**kw):
    base = dict(kind="festival", year=2025, month=None, day=None, festival="spring", festival_before="day",
                base_date=None, workdays=None)
    return SimpleNamespace(**{**base, **kw})


@pytest.mark.parametrize("before, last", [("day", "2025-01-28"), ("eve", "2025-01-27"),
                                           ("holiday_start", "2025-01-27")])
def test_spring_festival_2025(before, last):
    r = resolve(rule(festival_before=before), WorkCalendar())
    assert (r.date.isoformat(), r.last_day.isoformat(), r.provisional) == ("2025-01-29", last, False)


def test_chuxi_2025_is_the_28th_not_lacking_a_30th():
    assert chuxi(2025) == dt.date(2025, 1, 28)
    assert "腊月廿九" in resolve(rule(festival_before="eve"), WorkCalendar()).explanation_zh


def test_2027_spring_festival_is_feb_6_and_holiday_start_is_provisional():
    r = resolve(rule(year=2027, festival_before="holiday_start"), WorkCalendar())
    assert r.date == dt.date(2027, 2, 6)
    assert r.provisional and r.last_day == dt.date(2027, 2, 4)  # 除夕 (2-5) stands in for the holiday start


def test_fixed_month_end_and_workdays_across_labour_day():
    cal = WorkCalendar()
    assert resolve(rule(kind="fixed", month=6, day=30), cal).last_day == dt.date(2025, 6, 30)
    assert resolve(rule(kind="fixed", month=2, day=30), cal).last_day == dt.date(2025, 2, 28)
    assert resolve(rule(kind="month_end", month=6), cal).last_day == dt.date(2025, 6, 30)
    after = resolve(rule(kind="workdays", base_date=dt.date(2025, 4, 30), workdays=1), cal)
    assert (after.last_day, after.provisional) == (dt.date(2025, 5, 6), False)  # 5月1日-5日 off


def test_year_without_official_calendar_degrades_to_weekdays_and_overrides(monkeypatch):
    monkeypatch.setattr(calendar, "_library_has_year", lambda year: False)
    plain = resolve(rule(kind="workdays", base_date=dt.date(2025, 4, 30), workdays=1), WorkCalendar())
    assert plain.last_day == dt.date(2025, 5, 1) and plain.provisional and PROVISIONAL_NOTE in plain.explanation_zh
    holiday = WorkCalendar({dt.date(2025, 5, 1): False, dt.date(2025, 5, 2): False})
    assert resolve(rule(kind="workdays", base_date=dt.date(2025, 4, 30), workdays=1), holiday).last_day == \
        dt.date(2025, 5, 5)
    spring = resolve(rule(festival_before="holiday_start"), WorkCalendar())
    assert spring.provisional and spring.last_day == dt.date(2025, 1, 27)
