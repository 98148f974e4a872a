"""What the union enters in a 绩效运行监控表: forecasts, likelihood, causes of deviations, corrective measures."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.budgets.models import Indicator, Project
from caseapp.core import limits
from caseapp.core.db import UTCDateTime, db, utcnow

#: 完成目标可能性 and 偏差原因 as the national table lists them
LIKELIHOODS = ("确定能", "有可能", "完全不可能")
CAUSES = ("经费保障", "制度保障", "人员保障", "硬件保障", "其他")


class MonitoringReport(db.Model):
    """One project's 绩效运行监控 at the end of ``month`` (data 1–N月)."""

    __tablename__ = "monitoring_reports"
    __table_args__ = (
        UniqueConstraint("project_id", "month"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_range"),
        CheckConstraint("expected_spend_fen IS NULL OR expected_spend_fen >= 0", name="expected_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)  #: the project's
    year: Mapped[int] = mapped_column(index=True)
    month: Mapped[int] = mapped_column()
    expected_spend_fen: Mapped[int | None] = limits.money(limits.BUDGET_YUAN, "全年预计执行数")  #: in 分
    spend_causes: Mapped[list] = mapped_column(JSON, default=list)  #: 偏差原因 of the execution (CAUSES)
    spend_measures: Mapped[str] = mapped_column(Text, default="")  #: 纠偏措施 of the execution
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    project: Mapped[Project] = relationship()
    items: Mapped[list["MonitoringItem"]] = relationship(cascade="all, delete-orphan", back_populates="report")


class MonitoringItem(db.Model):
    """One indicator's entries in a monitoring report."""

    __tablename__ = "monitoring_items"
    __table_args__ = (
        UniqueConstraint("report_id", "indicator_id"),
        CheckConstraint("likelihood IS NULL OR likelihood IN ('确定能','有可能','完全不可能')", name="likelihood"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("monitoring_reports.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    expected_text: Mapped[str] = mapped_column(Text, default="")  #: 全年预计完成情况
    likelihood: Mapped[str | None] = mapped_column(String(8))  #: 完成目标可能性
    causes: Mapped[list] = mapped_column(JSON, default=list)  #: 偏差原因 (CAUSES)
    cause_note: Mapped[str] = mapped_column(Text, default="")  #: what 其他 means here
    measures: Mapped[str] = mapped_column(Text, default="")  #: 纠偏措施

    report: Mapped[MonitoringReport] = relationship(back_populates="items")
    indicator: Mapped[Indicator] = relationship()
