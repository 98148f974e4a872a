"""Dated snapshots of each indicator's achieved value (完成值), and hand-entered values with evidence."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.db import UTCDateTime, db, utcnow
from caseapp.core.ddl import protect_append_only


class Rollup(db.Model):
    """One run of the roll-up for a fiscal year (history is kept; the newest run is current)."""

    __tablename__ = "indicator_rollups"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    as_of: Mapped[date] = mapped_column()  #: data up to and including this day
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_name: Mapped[str] = mapped_column(String(100))


class IndicatorSnapshot(db.Model):
    """An indicator's 完成值 in one roll-up run."""

    __tablename__ = "indicator_snapshots"
    __table_args__ = (Index("ix_indicator_snapshots_indicator_rollup", "indicator_id", "rollup_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rollup_id: Mapped[int] = mapped_column(ForeignKey("indicator_rollups.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(32))
    actual_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))  #: in the target's unit; None = no data
    unit: Mapped[str | None] = mapped_column(String(20))
    actual_text: Mapped[str] = mapped_column(Text, default="")  #: as shown, e.g. "39人", "95.2%", "2个/98名"
    achieved: Mapped[bool | None] = mapped_column()  #: None when it cannot be judged yet
    detail: Mapped[dict] = mapped_column(JSON, default=dict)  #: numerator/denominator, deadline, notes


class ManualValue(db.Model):
    """A hand-entered 完成值 (qualitative 效益 indicators) with its evidence; append-only, newest wins."""

    __tablename__ = "indicator_manual_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    value_text: Mapped[str] = mapped_column(Text)  #: the 完成值 as the evaluator writes it
    actual_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))  #: a number, when there is one
    achieved: Mapped[bool] = mapped_column()
    evidence: Mapped[str] = mapped_column(Text)  #: 佐证材料: what supports the value
    entered_by: Mapped[str] = mapped_column(String(100))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


protect_append_only(ManualValue.__table__)
