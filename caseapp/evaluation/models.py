"""Scoring settings, project and department self-evaluations (绩效自评) with their review state."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from caseapp.budgets.models import Indicator, Project
from caseapp.core.db import UTCDateTime, db, utcnow

#: review states: 草稿 → 已提交 (frozen) → 已审核, or 已退回 (editable again)
DRAFT, SUBMITTED, APPROVED, RETURNED = "draft", "submitted", "approved", "returned"
STATUS_LABELS = {None: "未开始", DRAFT: "填报中", SUBMITTED: "已提交", APPROVED: "已审核", RETURNED: "已退回"}
_STATUS_SQL = "status IN ('draft','submitted','approved','returned')"


class EvaluationSetting(db.Model):
    """评分设置 of one organisation and year (no row: the defaults of ``settings.DEFAULTS``)."""

    __tablename__ = "evaluation_settings"
    __table_args__ = (
        UniqueConstraint("org_id", "year"),
        CheckConstraint("weight_execution >= 0 AND weight_output >= 0 AND weight_benefit >= 0 "
                        "AND weight_satisfaction >= 0 AND weight_execution + weight_output + weight_benefit "
                        "+ weight_satisfaction = 10000", name="weights_sum"),
        CheckConstraint("spread IN ('equal','custom')", name="spread"),
        CheckConstraint("le_formula IN ('domain','ratio')", name="le_formula"),
        CheckConstraint("over_threshold_percent BETWEEN 101 AND 1000", name="over_threshold"),
        CheckConstraint("light_green_gap >= 0 AND light_yellow_gap >= light_green_gap AND light_yellow_gap <= 100",
                        name="light_gaps"),
        CheckConstraint("monitoring_month BETWEEN 1 AND 11 AND monitoring_due_month BETWEEN 1 AND 12 "
                        "AND monitoring_due_day BETWEEN 1 AND 31", name="monitoring_dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    year: Mapped[int] = mapped_column()
    #: group weights in hundredths of a point (预算执行率 10 = 1000); they sum to 100 points
    weight_execution: Mapped[int] = mapped_column()
    weight_output: Mapped[int] = mapped_column()
    weight_benefit: Mapped[int] = mapped_column()
    weight_satisfaction: Mapped[int] = mapped_column()
    #: equal: each group's weight spread equally; custom: evaluators may set each indicator's weight
    spread: Mapped[str] = mapped_column(String(8))
    #: the ≤ formula: domain = w·(1−(A−T)/T) up to 2T; ratio = w·T/A
    le_formula: Mapped[str] = mapped_column(String(8))
    over_threshold_percent: Mapped[int] = mapped_column()  #: A ≥ this % of T needs a 偏差原因 too
    qualitative_bands: Mapped[list] = mapped_column(JSON)  #: [[name, low %, high %], …]
    grade_bands: Mapped[list] = mapped_column(JSON)  #: [[grade, lowest total], …] best first
    light_green_gap: Mapped[int] = mapped_column()  #: 绩效运行监控: time ahead of progress ≤ this (points) is green
    light_yellow_gap: Mapped[int] = mapped_column()  #: … ≤ this is yellow, beyond it red
    monitoring_month: Mapped[int] = mapped_column()  #: the monitoring covers 1–N月 (7: to 7月31日)
    monitoring_due_month: Mapped[int] = mapped_column()  #: the finance bureau's deadline for the report
    monitoring_due_day: Mapped[int] = mapped_column()
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ReviewState:
    """Columns of an evaluation that is filled, submitted (frozen), returned or approved."""

    status: Mapped[str] = mapped_column(String(12), default=DRAFT)
    as_of: Mapped[date] = mapped_column()  #: 完成值 and execution counted up to this day
    #: the whole result frozen at submission; later payments do not change a submitted evaluation
    snapshot: Mapped[dict | None] = mapped_column(JSON)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by: Mapped[str | None] = mapped_column(String(100))  #: 填报人

    @declared_attr
    def submitted_by_id(cls) -> Mapped[int | None]:  # noqa: N805
        """The user who submitted (the 填报人 may not review it)."""
        return mapped_column(ForeignKey("users.id"))

    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(100))  #: 审核人 (approval or return)
    return_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def status_label(self) -> str:
        """The state in Chinese."""
        return STATUS_LABELS[self.status]

    @property
    def is_frozen(self) -> bool:
        """Submitted or approved: the snapshot is the result."""
        return self.status in (SUBMITTED, APPROVED)


class ProjectEvaluation(ReviewState, db.Model):
    """项目支出绩效自评 of one project (a project belongs to one fiscal year)."""

    __tablename__ = "project_evaluations"
    __table_args__ = (CheckConstraint(_STATUS_SQL, name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)  #: the project's
    year: Mapped[int] = mapped_column(index=True)
    overall_actual: Mapped[str] = mapped_column(Text, default="")  #: 年度总体目标的实际完成情况

    project: Mapped[Project] = relationship()
    items: Mapped[list["EvaluationItem"]] = relationship(cascade="all, delete-orphan",
                                                         back_populates="evaluation")


class EvaluationItem(db.Model):
    """What the evaluator decided about one indicator: band, override, not applicable, reasons, weight."""

    __tablename__ = "evaluation_items"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "indicator_id"),
        CheckConstraint("band_percent IS NULL OR band_percent BETWEEN 0 AND 100", name="band_percent"),
        CheckConstraint("weight_centi IS NULL OR weight_centi BETWEEN 0 AND 10000", name="weight_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("project_evaluations.id", ondelete="CASCADE"),
                                               index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    not_applicable: Mapped[bool] = mapped_column(default=False)  #: left out; the total is rescaled
    na_reason: Mapped[str] = mapped_column(Text, default="")
    band: Mapped[str | None] = mapped_column(String(40))  #: qualitative band chosen
    band_percent: Mapped[Decimal | None] = mapped_column(Numeric(9, 4))  #: score as % of the weight
    override_text: Mapped[str | None] = mapped_column(Text)  #: 实际完成值 as the evaluator states it
    override_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))  #: its number, in the target's unit
    override_parts: Mapped[dict | None] = mapped_column(JSON)  #: compound targets: {label: number}
    override_reason: Mapped[str | None] = mapped_column(Text)  #: why the computed value was replaced
    deviation_reason: Mapped[str] = mapped_column(Text, default="")  #: 偏差原因分析
    improvement: Mapped[str] = mapped_column(Text, default="")  #: 改进措施
    weight_centi: Mapped[int | None] = mapped_column()  #: edited weight (hundredths of a point)

    evaluation: Mapped[ProjectEvaluation] = relationship(back_populates="items")
    indicator: Mapped[Indicator] = relationship()


class DepartmentEvaluation(ReviewState, db.Model):
    """部门整体支出绩效自评 of one organisation and year."""

    __tablename__ = "department_evaluations"
    __table_args__ = (UniqueConstraint("org_id", "year"), CheckConstraint(_STATUS_SQL, name="status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    year: Mapped[int] = mapped_column()

    goals: Mapped[list["DepartmentGoalResult"]] = relationship(
        cascade="all, delete-orphan", order_by="DepartmentGoalResult.position", back_populates="evaluation")


class DepartmentGoalResult(db.Model):
    """One overall goal (from the document's first part, or added) with its 实际完成情况."""

    __tablename__ = "department_goal_results"
    __table_args__ = (UniqueConstraint("evaluation_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("department_evaluations.id", ondelete="CASCADE"),
                                               index=True)
    position: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(200))
    target_text: Mapped[str] = mapped_column(Text)  #: 预期目标, as the document wrote it
    actual_text: Mapped[str] = mapped_column(Text, default="")  #: 实际完成情况

    evaluation: Mapped[DepartmentEvaluation] = relationship(back_populates="goals")
