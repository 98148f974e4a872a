"""劳模 records (one per title a person holds) and benefit rules kept as data."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.core import limits
from caseapp.core.db import UTCDateTime, db, utcnow
from caseapp.orgs.models import Organisation
from caseapp.persons.models import Person

LEVELS = ("全国", "省部级", "市级", "县级")
STATUSES = ("在职", "退休", "去世")
#: benefit rule shapes: fixed by level (per year), 差额补助 up to a threshold, one-off
SHAPES = {"fixed": "按级别定额（每年）", "top_up": "差额补助（补足至标准）", "one_off": "一次性补助"}


def _in(column: str, values) -> str:
    return f"{column} IN (" + ",".join(f"'{v}'" for v in values) + ")"


class ModelWorker(db.Model):
    """A 劳模 title held by a person; a person may hold several titles over the years."""

    __tablename__ = "model_workers"
    __table_args__ = (
        UniqueConstraint("person_id", "level", "title", "year_awarded"),
        CheckConstraint(_in("level", LEVELS), name="level"),
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint("allowance_monthly_fen >= 0", name="allowance_nonnegative"),
        CheckConstraint("year_awarded BETWEEN 1950 AND 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)  #: 所属工会
    level: Mapped[str] = mapped_column(String(8), index=True)  #: 级别: 全国 / 省部级 / 市级 / 县级
    title: Mapped[str] = limits.text(100, "荣誉称号")  #: e.g. 县级劳动模范
    year_awarded: Mapped[int] = limits.integer(1950, 2100, "授予年份")
    awarded_by: Mapped[str] = limits.text(200, "授予单位", default="")
    status: Mapped[str] = mapped_column(String(4), default="在职")  #: 在职 / 退休 / 去世
    is_hardship: Mapped[bool] = mapped_column(default=False, index=True)  #: 困难劳模
    hardship_reason: Mapped[str] = limits.long_text(2000, "困难原因", default="")
    is_allowance_paid: Mapped[bool] = mapped_column(default=False)  #: whether a 荣誉津贴 is paid
    allowance_monthly_fen: Mapped[int] = limits.money(limits.MONTHLY_INCOME_YUAN, "荣誉津贴（每月）", default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    person: Mapped[Person] = relationship()
    org: Mapped[Organisation] = relationship()


class BenefitRule(db.Model):
    """A 劳模 benefit rule as data (provincial rules change; code must not): see :data:`SHAPES`."""

    __tablename__ = "benefit_rules"
    __table_args__ = (
        CheckConstraint(_in("shape", SHAPES), name="shape"),
        CheckConstraint("level IS NULL OR " + _in("level", LEVELS), name="level"),
        CheckConstraint("amount_fen IS NULL OR amount_fen >= 0", name="amount_nonnegative"),
        CheckConstraint("threshold_fen IS NULL OR threshold_fen >= 0", name="threshold_nonnegative"),
        CheckConstraint("shape <> 'top_up' OR threshold_fen IS NOT NULL", name="top_up_threshold"),
        CheckConstraint("shape = 'top_up' OR amount_fen IS NOT NULL", name="amount_required"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = limits.integer(*limits.YEARS, "年度", index=True)  #: the year the rule applies to
    shape: Mapped[str] = mapped_column(String(8))  #: fixed / top_up / one_off
    level: Mapped[str | None] = mapped_column(String(8))  #: only 劳模 of this 级别; None = every level
    aid_type: Mapped[str] = mapped_column(String(20), default="劳模帮扶")  #: 发放类型 the payment uses
    hardship_only: Mapped[bool] = mapped_column(default=False)  #: only 困难劳模 qualify
    amount_fen: Mapped[int | None] = limits.money(limits.PAYMENT_YUAN, "金额")  #: fixed: per year; one_off: once
    threshold_fen: Mapped[int | None] = limits.money(limits.MONTHLY_INCOME_YUAN, "补差标准")  #: top_up: income topped up to
    description: Mapped[str] = limits.long_text(2000, "规则说明", default="")  #: as written, with its source
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def shape_label(self) -> str:
        return SHAPES[self.shape]
