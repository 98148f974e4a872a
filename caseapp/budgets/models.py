"""Budget projects, their spending plans, indicators and the rules read from the document."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.core import limits
from caseapp.core.db import UTCDateTime, db, utcnow
from caseapp.core.ddl import protect_append_only
from caseapp.orgs.models import Organisation

DIRECTIONS = (">=", "<=", "=", "qualitative", "date")
RULE_KINDS = ("headcount_cap", "per_person_amount", "deadline", "rate_target")


class Project(db.Model):
    """A budget project (预算项目) of one fiscal year."""

    __tablename__ = "projects"
    __table_args__ = (
        UniqueConstraint("year", "code"),
        CheckConstraint("budget_fen >= 0", name="budget_nonnegative"),
        CheckConstraint("fiscal_fen >= 0 AND other_fen >= 0", name="sources_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)  #: fiscal year
    code: Mapped[str] = mapped_column(String(40))  #: 项目编码, unique within a year
    #: True when the document had no 项目编码 and caseapp made one up (N2025-…): the project is known by its name
    code_generated: Mapped[bool] = mapped_column(default=False, server_default=false())
    name: Mapped[str] = mapped_column(String(300))  #: 项目名称
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)  #: owning organisation
    budget_fen: Mapped[int] = limits.money(limits.BUDGET_YUAN, "预算数", default=0)
    fiscal_fen: Mapped[int] = limits.money(limits.BUDGET_YUAN, "财政资金", default=0)
    other_fen: Mapped[int] = limits.money(limits.BUDGET_YUAN, "其他资金", default=0)
    purpose: Mapped[str] = mapped_column(Text, default="")  #: 资金用途
    goal_text: Mapped[str] = mapped_column(Text, default="")  #: 绩效目标
    source_unit: Mapped[str] = mapped_column(String(8), default="万元")  #: unit the document used
    heading: Mapped[str] = mapped_column(String(400), default="")  #: the table's title in the document
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    org: Mapped[Organisation] = relationship()
    plan_points: Mapped[list["SpendingPlanPoint"]] = relationship(
        cascade="all, delete-orphan", order_by="SpendingPlanPoint.month", back_populates="project")
    indicators: Mapped[list["Indicator"]] = relationship(
        cascade="all, delete-orphan", order_by="Indicator.position", back_populates="project")


class SpendingPlanPoint(db.Model):
    """资金支出计划: the cumulative share of the budget due by the end of ``month``."""

    __tablename__ = "spending_plan_points"
    __table_args__ = (
        UniqueConstraint("project_id", "month"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_range"),
        CheckConstraint("percent BETWEEN 0 AND 100", name="percent_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    month: Mapped[int] = mapped_column()
    percent: Mapped[int] = mapped_column()  #: cumulative % of 预算数 spent by the month end

    project: Mapped[Project] = relationship(back_populates="plan_points")


class Indicator(db.Model):
    """A performance indicator (绩效指标) with its target exactly as written and as parsed."""

    __tablename__ = "indicators"
    __table_args__ = (
        CheckConstraint("direction IN ('>=','<=','=','qualitative','date')", name="direction"),
        CheckConstraint("category IN ('','output','cost','benefit','satisfaction')", name="category"),
        CheckConstraint("weight >= 0", name="weight_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)  #: row order in the document
    level1: Mapped[str] = mapped_column(String(40))  #: 一级指标: 产出 / 效益 / 满意度
    level2: Mapped[str] = mapped_column(String(60))  #: 二级指标: 数量, 质量, 时效, 成本, …
    level3: Mapped[str] = mapped_column(String(200))  #: 三级指标 name
    description: Mapped[str] = mapped_column(Text, default="")  #: 绩效指标描述
    target_text: Mapped[str] = mapped_column(Text)  #: 指标值 exactly as written
    direction: Mapped[str] = mapped_column(String(12))
    target_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    unit: Mapped[str | None] = mapped_column(String(20))
    target_parts: Mapped[list | None] = mapped_column(JSON)  #: compound targets: [[label, value, unit]]
    basis: Mapped[str] = mapped_column(Text, default="")  #: 指标值确定依据
    #: 分值 or 权重 as the document wrote it (the 绩效自评 uses it as this indicator's weight); None when absent
    weight: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    #: the 一级 group for scoring: output / cost / benefit / satisfaction ('' when the labels say none)
    category: Mapped[str] = mapped_column(String(16), default="", server_default="")
    #: how 完成值 is obtained: a named metric computed from the data, or "manual"
    metric: Mapped[str] = mapped_column(String(32), default="manual")

    project: Mapped[Project] = relationship(back_populates="indicators")


class Rule(db.Model):
    """A rule read from the prose (proposed) or entered by hand; confirmed rules drive checks and deadlines."""

    __tablename__ = "rules"
    __table_args__ = (
        CheckConstraint("kind IN ('headcount_cap','per_person_amount','deadline','rate_target')", name="kind"),
        CheckConstraint("status IN ('proposed','confirmed','rejected')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    subject: Mapped[str] = mapped_column(String(100), default="")  #: what it is about, e.g. 满意度
    value: Mapped[Decimal | None] = mapped_column(Numeric(18, 4))
    unit: Mapped[str | None] = mapped_column(String(20))
    source_text: Mapped[str] = mapped_column(Text, default="")  #: the sentence (or table cell) it came from
    #: for a rule read from a table cell: where (第4张表第3行第5列); None for the prose
    source_cell: Mapped[str | None] = mapped_column(String(100))
    section_title: Mapped[str] = mapped_column(String(200), default="")
    deadline_kind: Mapped[str | None] = mapped_column(String(16))  #: fixed / month_end / festival / workdays
    deadline_month: Mapped[int | None] = mapped_column()
    deadline_day: Mapped[int | None] = mapped_column()
    festival: Mapped[str | None] = mapped_column(String(16))  #: spring / labour_day
    #: what "before the festival" means: day (正月初一), eve (除夕) or holiday_start (法定假期首日)
    festival_before: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(12), default="proposed")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project | None] = relationship()


class ImportTemplate(db.Model):
    """An organisation's answers for documents of one layout, so next year's document imports without questions."""

    __tablename__ = "import_templates"
    __table_args__ = (UniqueConstraint("org_id", "shape"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: fingerprint of the document's table layout (labels and table kinds, not values)
    shape: Mapped[str] = mapped_column(String(64))
    #: the answers as ``Answers.as_json()``: unit, column mapping, table → project, codes, year offset
    answers: Mapped[dict] = mapped_column(JSON)
    filename: Mapped[str] = mapped_column(String(300))  #: the document the answers were first given for
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class TargetImport(db.Model):
    """One confirmed import of a 绩效目标 document, with what it changed."""

    __tablename__ = "target_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    changes: Mapped[dict] = mapped_column(JSON)  #: {"created": [...], "updated": {...}, "unchanged": [...]}
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_name: Mapped[str] = mapped_column(String(100))


class BudgetChange(db.Model):
    """A change of a project's 预算数 after the import (预算调整); the first one's ``before_fen`` is 年初预算数."""

    __tablename__ = "budget_changes"
    __table_args__ = (CheckConstraint("before_fen >= 0 AND after_fen >= 0", name="nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    before_fen: Mapped[int] = limits.money(limits.BUDGET_YUAN, "调整前预算数")  #: in 分
    after_fen: Mapped[int] = limits.money(limits.BUDGET_YUAN, "调整后预算数")  #: in 分
    changed_on: Mapped[date] = mapped_column()  #: local day the change took effect
    reason: Mapped[str] = mapped_column(Text, default="")  #: 调整原因 (e.g. the 追加/调减 document)
    actor_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DocumentGoal(db.Model):
    """A goal of the document's first part (部门整体绩效目标): 总体目标 or one 分项绩效目标, as written."""

    __tablename__ = "document_goals"
    __table_args__ = (UniqueConstraint("year", "org_id", "position"),
                      CheckConstraint("kind IN ('overall','sub')", name="kind"))

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    position: Mapped[int] = mapped_column()  #: order in the document
    kind: Mapped[str] = mapped_column(String(8))  #: overall (总体绩效目标) / sub (分项绩效目标)
    title: Mapped[str] = mapped_column(String(200))  #: 总体绩效目标, or the sub-section title
    text: Mapped[str] = mapped_column(Text)  #: the goal's paragraphs, as written


protect_append_only(BudgetChange.__table__)
