"""The work calendar with the admin's overrides, and editing those overrides."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from caseapp.core import audit
from caseapp.core.calendar import WorkCalendar
from caseapp.core.db import db
from caseapp.core.errors import Conflict, NotFound, ValidationFailed
from caseapp.core.scoping import require_global_admin
from caseapp.deadlines.models import HolidayOverride
from caseapp.deadlines.resolve import PROVISIONAL_NOTE


def load_calendar() -> WorkCalendar:
    """The official calendar corrected by every override in the table."""
    rows = db.session.execute(select(HolidayOverride.day, HolidayOverride.is_workday))
    return WorkCalendar({day: is_workday for day, is_workday in rows})


def provisional_note(year: int, cal: WorkCalendar) -> str:
    """The notice shown for a year without official holiday data ("" when the year is official)."""
    return "" if cal.is_official(year) else f"{year}年：{PROVISIONAL_NOTE}"


def list_overrides(year: int | None = None) -> list[HolidayOverride]:
    """The overrides, by date (optionally one year's)."""
    stmt = select(HolidayOverride).order_by(HolidayOverride.day)
    if year is not None:
        stmt = stmt.where(HolidayOverride.day.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    return list(db.session.scalars(stmt))


def _snapshot(row: HolidayOverride) -> dict:
    return {"day": row.day.isoformat(), "is_workday": row.is_workday, "note": row.note}


def add_override(day: dt.date, is_workday: bool, note: str) -> HolidayOverride:
    """Mark ``day`` as a workday or a day off (admins); one override per day."""
    require_global_admin()
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationFailed("说明不能超过200字", field="note")
    if db.session.scalar(select(HolidayOverride.id).where(HolidayOverride.day == day)) is not None:
        raise Conflict(f"{day.year}年{day.month}月{day.day}日已有调整记录，请先删除再添加", field="day")
    row = HolidayOverride(day=day, is_workday=is_workday, note=note)
    db.session.add(row)
    db.session.flush()
    audit.record("holiday_override.create", row, after=_snapshot(row),
                 summary=f"{day.isoformat()} 设为{'工作日' if is_workday else '休息日'}")
    return row


def delete_override(override_id: int) -> None:
    """Remove an override (admins)."""
    require_global_admin()
    row = db.session.get(HolidayOverride, override_id)
    if row is None:
        raise NotFound("调整记录不存在")
    audit.record("holiday_override.delete", row, before=_snapshot(row), summary=f"删除 {row.day.isoformat()} 的调整")
    db.session.delete(row)
    db.session.flush()
