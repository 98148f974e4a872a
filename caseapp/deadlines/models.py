"""Hand-added deadline rules and the admin's holiday overrides.

The document's own deadlines are not copied here: confirmed ``budgets.Rule`` rows of kind 'deadline',
indicators whose target is a date (春节前完成救助) and spending-plan points are read where they live.
A ``DeadlineRule`` with ``indicator_id`` replaces that indicator's deadline (e.g. to read its 春节前 as
"before 除夕" instead of "before 正月初一").
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.budgets.models import Project
from caseapp.core.db import UTCDateTime, db, utcnow

KINDS = {"fixed": "固定日期", "month_end": "月底", "festival": "节日前", "workdays": "工作日推算",
         "plan_month_end": "资金支出计划月底"}
FESTIVAL_LABELS = {"spring": "春节", "labour_day": "五一劳动节"}
BEFORE_LABELS = {"day": "节日当天之前", "eve": "节日前一天（除夕）之前", "holiday_start": "法定假期开始之前"}


class DeadlineRule(db.Model):
    """A deadline entered by hand, for a project, an award event or an indicator."""

    __tablename__ = "deadline_rules"
    __table_args__ = (
        CheckConstraint("kind IN ('fixed','month_end','festival','workdays')", name="kind"),
        CheckConstraint("month IS NULL OR month BETWEEN 1 AND 12", name="month_range"),
        CheckConstraint("day IS NULL OR day BETWEEN 1 AND 31", name="day_range"),
        CheckConstraint("festival IS NULL OR festival IN ('spring','labour_day')", name="festival"),
        CheckConstraint("festival_before IN ('day','eve','holiday_start')", name="festival_before"),
        CheckConstraint("kind <> 'workdays' OR (base_date IS NOT NULL AND workdays IS NOT NULL)",
                        name="workdays_complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)  #: fiscal year
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)  #: whose staff are reminded
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    #: the award event (评选表彰) it belongs to; a plain id until the awards area links it
    award_event_id: Mapped[int | None] = mapped_column(index=True)
    #: an indicator whose date target this rule replaces
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    month: Mapped[int | None] = mapped_column()
    day: Mapped[int | None] = mapped_column()
    festival: Mapped[str | None] = mapped_column(String(16))  #: spring / labour_day
    #: what "before the festival" means; 'day' = before 正月初一 / 5月1日
    festival_before: Mapped[str] = mapped_column(String(16), default="day")
    base_date: Mapped[date | None] = mapped_column(Date)  #: for 'workdays': counted from this date
    workdays: Mapped[int | None] = mapped_column()  #: for 'workdays': N after (negative: before) base_date
    subject: Mapped[str] = mapped_column(String(200))  #: what must be done, e.g. 完成救助发放
    source_text: Mapped[str] = mapped_column(Text, default="")  #: where the rule comes from
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project | None] = relationship()


class HolidayOverride(db.Model):
    """An admin's correction of the workday calendar (调休, a year not yet published, a local holiday)."""

    __tablename__ = "holiday_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    is_workday: Mapped[bool] = mapped_column()  #: True: a working day (调休上班); False: a day off
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
