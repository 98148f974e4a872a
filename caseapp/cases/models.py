"""困难职工档案 (hardship case file), its family members, status history and category thresholds."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.cases import vocab
from caseapp.core import limits
from caseapp.core.crypto import EncryptedString, HashColumn
from caseapp.core.db import UTCDateTime, db, utcnow
from caseapp.core.ddl import protect_append_only
from caseapp.orgs.models import Organisation
from caseapp.persons.models import Person

_OPEN = text(f"status IN {vocab.sql_in(vocab.OPEN_STATUSES)}")


class HardshipFile(db.Model):
    """One person's 困难职工档案 at one registering union; at most one open (申请/在档) per person."""

    __tablename__ = "hardship_files"
    __table_args__ = (
        # the database, not only Python, refuses a second open file for the same person
        Index("uq_hardship_files_open_person", "person_id", unique=True, sqlite_where=_OPEN, postgresql_where=_OPEN),
        Index("ix_hardship_files_org_status", "org_id", "status", "id"),
        Index("ix_hardship_files_status", "status", "id"),  #: a province's list and counts by status
        Index("ix_hardship_files_category", "category", "id"),
        Index("ix_hardship_files_review_due", "review_due"),
        CheckConstraint(f"status IN {vocab.sql_in(vocab.STATUSES)}", name="status"),
        CheckConstraint(f"category IS NULL OR category IN {vocab.sql_in(vocab.CATEGORIES)}", name="category"),
        CheckConstraint(f"main_cause IN {vocab.sql_in(vocab.CAUSES)}", name="main_cause"),
        CheckConstraint("own_income_fen >= 0 AND family_income_fen >= 0 AND per_capita_income_fen >= 0",
                        name="income_nonnegative"),
        CheckConstraint("family_size >= 1", name="family_size_positive"),
        CheckConstraint(f"close_reason IS NULL OR close_reason IN {vocab.sql_in(vocab.CLOSE_REASONS)}",
                        name="close_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))  #: the registering union (乡镇/街道)
    unit_type: Mapped[str] = mapped_column(String(20), default="")  #: 单位性质
    hukou_type: Mapped[str] = mapped_column(String(10), default="")  #: 户口类型
    marital_status: Mapped[str] = mapped_column(String(10), default="")  #: 婚姻状况
    health_status: Mapped[str] = mapped_column(String(10), default="")  #: 健康状况
    disability: Mapped[str] = mapped_column(String(10), default="无")  #: 残疾类别
    own_income_fen: Mapped[int] = limits.money(limits.MONTHLY_INCOME_YUAN, "本人月收入", default=0)
    family_size: Mapped[int] = limits.integer(1, 99, "家庭人口", default=1)  #: including the person
    family_income_fen: Mapped[int] = limits.money(limits.MONTHLY_INCOME_YUAN, "家庭月总收入", default=0)
    #: 家庭人均月收入 (分, rounded down), stored so that lists can filter and sort by it
    per_capita_income_fen: Mapped[int] = limits.money(limits.MONTHLY_INCOME_YUAN, "家庭人均月收入", default=0)
    housing: Mapped[str] = mapped_column(String(20), default="")  #: 住房
    is_zero_employment: Mapped[bool] = mapped_column(default=False)  #: 零就业家庭
    is_single_parent: Mapped[bool] = mapped_column(default=False)  #: 单亲
    medical_insurance: Mapped[str] = mapped_column(String(10), default="")  #: 医保状况
    is_dibao: Mapped[bool] = mapped_column(default=False)  #: 享受低保
    #: 困难类别 the thresholds suggested when the income was last entered (None: no threshold or above it)
    suggested_category: Mapped[str | None] = mapped_column(String(10))
    category: Mapped[str | None] = mapped_column(String(10))  #: 困难类别 chosen by the caseworker
    category_reason: Mapped[str | None] = limits.long_text(500, "困难类别调整理由")  #: why it differs from the suggestion
    main_cause: Mapped[str] = mapped_column(String(10))  #: 主要致困原因
    secondary_causes: Mapped[list] = mapped_column(JSON, default=list)  #: 次要致困原因, at most 3
    needs: Mapped[list] = mapped_column(JSON, default=list)  #: 帮扶需求
    status: Mapped[str] = mapped_column(String(10), default=vocab.APPLIED)
    applied_on: Mapped[date] = mapped_column()  #: 申请日期
    filed_on: Mapped[date | None] = mapped_column()  #: 建档 (在档) 日期
    closed_on: Mapped[date | None] = mapped_column()  #: 解困脱困/退档 日期
    close_reason: Mapped[str | None] = mapped_column(String(10))
    review_due: Mapped[date | None] = mapped_column()  #: next yearly re-verification (动态管理)
    last_reviewed_on: Mapped[date | None] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  #: the registrant (maker)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    person: Mapped[Person] = relationship()
    org: Mapped[Organisation] = relationship()
    members: Mapped[list["FamilyMember"]] = relationship(
        back_populates="file", cascade="all, delete-orphan", order_by="FamilyMember.id")
    changes: Mapped[list["FileStatusChange"]] = relationship(order_by="FileStatusChange.id")

    @property
    def per_capita_fen(self) -> int:
        """家庭人均月收入 in 分 (family income ÷ family size, rounded down)."""
        return self.family_income_fen // max(self.family_size or 1, 1)

    @property
    def is_open(self) -> bool:
        return self.status in vocab.OPEN_STATUSES


class FamilyMember(db.Model):
    """A member of the case file's household (家庭成员)."""

    __tablename__ = "family_members"
    __table_args__ = (CheckConstraint("income_fen >= 0", name="income_nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("hardship_files.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = limits.text(100, "家庭成员姓名")
    relation: Mapped[str] = mapped_column(String(20))  #: 与申请人关系
    id_number: Mapped[str | None] = mapped_column(EncryptedString)  #: 身份证号 (Fernet), optional
    id_hash: Mapped[str | None] = mapped_column(HashColumn(), index=True)  #: keyed hash for look-ups
    id_masked: Mapped[str | None] = mapped_column(String(24))
    income_fen: Mapped[int] = limits.money(limits.MONTHLY_INCOME_YUAN, "家庭成员月收入", default=0)
    health: Mapped[str] = limits.text(20, "健康状况", default="")
    school_or_work: Mapped[str] = limits.text(200, "单位或学校", default="")

    file: Mapped[HardshipFile] = relationship(back_populates="members")


class FileStatusChange(db.Model):
    """One step of a file's lifecycle (or a yearly review). Append-only."""

    __tablename__ = "file_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("hardship_files.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(10))  #: None for the creation
    to_status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(20))  #: 退档/解困 reason, or 年度复核
    note: Mapped[str] = limits.long_text(2000, "说明", default="")
    effective_on: Mapped[date] = mapped_column()  #: the business date of the change
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


protect_append_only(FileStatusChange.__table__)


class HardshipThreshold(db.Model):
    """Yearly per-capita income bounds (分) for 深度困难 / 相对困难, per organisation or county-wide."""

    __tablename__ = "hardship_thresholds"
    __table_args__ = (
        UniqueConstraint("year", "org_id", name="uq_hardship_thresholds_year_org"),
        CheckConstraint("deep_max_fen >= 0 AND relative_max_fen >= deep_max_fen", name="bounds_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column()
    #: the union whose subtree the bounds apply to; the most specific one wins
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    deep_max_fen: Mapped[int] = limits.money(limits.MONTHLY_INCOME_YUAN, "深度困难标准")  #: 人均月收入 at or below
    relative_max_fen: Mapped[int] = limits.money(limits.MONTHLY_INCOME_YUAN, "相对困难标准")  #: 人均月收入 at or below
    basis: Mapped[str] = mapped_column(Text, default="")  #: e.g. "当地低保标准 ×1.5（待确认）"
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    org: Mapped[Organisation] = relationship()
