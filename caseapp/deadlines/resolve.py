"""Resolving a deadline rule to dates.

``date`` is the date the text names: the festival itself (春节 2025 → 2025-01-29), the fixed day or the
month end. ``last_day`` is the last day on which the work is still on time (春节前 read as "before
正月初一" → 2025-01-28). Reminders count down to ``last_day``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from caseapp.core.calendar import (WorkCalendar, format_date_zh, labour_day, month_end, resolve_festival_deadline,
                                   spring_festival)

PROVISIONAL_NOTE = "该年度官方节假日安排尚未发布，按周一至周五推算"


@dataclass(frozen=True)
class ResolvedDeadline:
    """The named date, the inclusive last day, whether it rests on unofficial data, and why."""

    date: dt.date
    last_day: dt.date
    provisional: bool
    explanation_zh: str


def resolve(rule, cal: WorkCalendar) -> ResolvedDeadline:
    """Dates for anything with kind, year, month, day, festival, festival_before, base_date, workdays."""
    if rule.kind == "festival":
        return _festival(rule, cal)
    if rule.kind == "workdays":
        return _workdays(rule, cal)
    if rule.kind in ("month_end", "plan_month_end"):
        day = month_end(rule.year, rule.month)
        return ResolvedDeadline(day, day, False, f"{rule.month}月底即{format_date_zh(day)}（含当日）")
    if rule.kind == "fixed":
        # 6月31日 written by mistake means the month end
        day = dt.date(rule.year, rule.month, min(rule.day, month_end(rule.year, rule.month).day))
        return ResolvedDeadline(day, day, False, f"截止日为{format_date_zh(day)}（含当日）")
    raise ValueError(f"unknown deadline kind {rule.kind!r}")


def _festival(rule, cal: WorkCalendar) -> ResolvedDeadline:
    festival, before = rule.festival or "spring", rule.festival_before or "day"
    named = spring_festival(rule.year) if festival == "spring" else labour_day(rule.year)
    resolved = resolve_festival_deadline(rule.year, festival, before, cal)
    return ResolvedDeadline(named, resolved.date, resolved.provisional, resolved.explanation_zh)


def _workdays(rule, cal: WorkCalendar) -> ResolvedDeadline:
    day = cal.add_workdays(rule.base_date, rule.workdays)
    direction = "后" if rule.workdays >= 0 else "前"
    why = f"{format_date_zh(rule.base_date)}{direction}{abs(rule.workdays)}个工作日为{format_date_zh(day)}"
    provisional = bool(cal.provisional_years(rule.base_date, day))
    if provisional:
        why += "；" + PROVISIONAL_NOTE
    return ResolvedDeadline(day, day, provisional, why)
