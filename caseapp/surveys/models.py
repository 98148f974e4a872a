"""Satisfaction surveys: the survey, its frozen sampling frame, answers (append-only) and questionnaire tokens."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.budgets.models import Project
from caseapp.core import limits
from caseapp.core.db import UTCDateTime, db, utcnow
from caseapp.core.ddl import protect_append_only
from caseapp.orgs.models import Organisation
from caseapp.surveys import vocab
from caseapp.surveys.vocab import sql_in


class Survey(db.Model):
    """One 满意度调查 of one project and year; its frame is frozen when it is created."""

    __tablename__ = "surveys"
    __table_args__ = (
        CheckConstraint(f"method IN {sql_in(vocab.METHODS)}", name="method"),
        CheckConstraint(f"sampling IN {sql_in(vocab.SAMPLING)}", name="sampling"),
        CheckConstraint(f"strata IS NULL OR strata IN {sql_in(vocab.STRATA)}", name="strata"),
        CheckConstraint(f"no_phone IN {sql_in(vocab.NO_PHONE)}", name="no_phone"),
        CheckConstraint(f"rule IN {sql_in(vocab.RULES)}", name="rule"),
        CheckConstraint(f"status IN {sql_in(vocab.STATUSES)}", name="status"),
        CheckConstraint("sample_size >= 0 AND sample_size <= frame_size AND reserve_size >= 0", name="sizes"),
        CheckConstraint("unreachable_attempts BETWEEN 1 AND 20", name="attempts_range"),
        CheckConstraint("reserve_percent BETWEEN 0 AND 100", name="reserve_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)  #: the creator's union (scope)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    year: Mapped[int] = mapped_column()  #: the project's fiscal year
    aid_type_id: Mapped[int | None] = mapped_column(ForeignKey("aid_types.id"))  #: only this aid type
    award_category_id: Mapped[int | None] = mapped_column(ForeignKey("award_categories.id"))  #: only this category
    name: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(16))  #: phone / questionnaire / visit
    sampling: Mapped[str] = mapped_column(String(8))  #: full / random / fixed
    confidence: Mapped[Decimal | None] = mapped_column(Numeric(6, 4))  #: e.g. 0.95 (random sampling)
    margin: Mapped[Decimal | None] = mapped_column(Numeric(6, 4))  #: e, e.g. 0.05
    proportion: Mapped[Decimal | None] = mapped_column(Numeric(6, 4))  #: p of the formula, 0.5 unless known
    z_value: Mapped[Decimal | None] = mapped_column(Numeric(10, 6))  #: z of the confidence level
    n0: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))  #: z²·p(1−p)/e² before the correction
    fixed_n: Mapped[int | None] = mapped_column()  #: the requested n (fixed sampling)
    strata: Mapped[str | None] = mapped_column(String(16))  #: township / category / aid_type
    seed: Mapped[int] = mapped_column()  #: seed of random.Random: the same frame and seed give the same draw
    no_phone: Mapped[str] = mapped_column(String(8), default="visit")  #: people without a phone: visit / exclude
    reserve_percent: Mapped[int] = mapped_column(default=20)  #: reserve list size, % of n
    unreachable_attempts: Mapped[int] = mapped_column(default=3)  #: 未接通 this often → a reserve takes over
    rule: Mapped[str] = mapped_column(String(8), default="binary")  #: counting rule: binary / weighted
    frame_size: Mapped[int] = mapped_column(default=0)  #: N, everyone paid (frozen)
    eligible_size: Mapped[int] = mapped_column(default=0)  #: N after leaving out people without a phone
    sample_size: Mapped[int] = mapped_column(default=0)  #: n
    reserve_size: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(8), default="open")
    #: the result as computed at closing (counts, rates, interval, rule, strata); None while open
    result: Mapped[dict | None] = mapped_column(JSON)
    satisfaction_rate: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))  #: %, set when closed
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_on: Mapped[date | None] = mapped_column()  #: local day of closing (the roll-up's as-of date)
    closed_by_name: Mapped[str | None] = mapped_column(String(100))
    created_by_name: Mapped[str] = mapped_column(String(100))
    created_on: Mapped[date] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship()
    org: Mapped[Organisation] = relationship()

    @property
    def method_label(self) -> str:
        return vocab.METHODS[self.method]

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class SurveyMember(db.Model):
    """One recipient of the frozen frame; the sample and the reserve list are marked on it."""

    __tablename__ = "survey_members"
    __table_args__ = (
        UniqueConstraint("survey_id", "frame_no"),
        UniqueConstraint("survey_id", "recipient_key"),
        CheckConstraint(f"role IN {sql_in(vocab.ROLES)}", name="role"),
        CheckConstraint(f"outcome IS NULL OR outcome IN {sql_in(vocab.OUTCOMES)}", name="outcome"),
        CheckConstraint(f"satisfaction IS NULL OR satisfaction IN {sql_in(vocab.SATISFACTION)}", name="satisfaction"),
        CheckConstraint("attempts >= 0", name="attempts_nonnegative"),
        Index("ix_survey_members_calling", "survey_id", "is_active", "draw_rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: indexed through the unique (survey_id, frame_no) and the calling-list index; few indexes keep a
    #: province-sized frame (300,000 rows) quick to store
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    frame_no: Mapped[int] = mapped_column()  #: position in the deterministic frame order (1-based)
    recipient_key: Mapped[str] = mapped_column(String(24))  #: "p<person id>" or "r<award recipient id>" (集体)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    award_recipient_id: Mapped[int | None] = mapped_column(ForeignKey("award_recipients.id"))  #: a 先进集体
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))  #: 所属工会 (who follows up)
    name: Mapped[str] = mapped_column(String(200))  #: 姓名, or 集体名称 (frozen copy)
    contact_name: Mapped[str | None] = mapped_column(String(100))  #: a collective's 联系人
    township: Mapped[str] = mapped_column(String(200), default="")  #: 乡镇/街道 of the recipient's union
    category: Mapped[str] = mapped_column(String(10), default="")  #: 困难类别 at creation ('' when none)
    aid_types: Mapped[str] = mapped_column(String(200), default="")  #: 帮扶类型 paid, joined with 、
    paid_fen: Mapped[int] = limits.money(limits.BUDGET_YUAN, "已到账金额", default=0)  #: in the project and period
    paid_on: Mapped[date | None] = mapped_column()  #: the latest 到账 date
    has_phone: Mapped[bool] = mapped_column(default=True)
    stratum: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(8), default="frame")  #: sample / reserve / frame
    draw_rank: Mapped[int | None] = mapped_column()  #: order of drawing within the sample or the reserve
    is_active: Mapped[bool] = mapped_column(default=False)  #: on the calling list (sample, or reserve drawn in)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("survey_members.id"))  #: the unreachable one
    is_replaced: Mapped[bool] = mapped_column(default=False)  #: unreachable; a reserve took the place
    caller: Mapped[str | None] = mapped_column(String(100))  #: 回访员 assigned (per-caller sheets)
    outcome: Mapped[str | None] = mapped_column(String(8))  #: current outcome (latest answer)
    attempts: Mapped[int] = mapped_column(default=0)  #: contact attempts so far
    satisfaction: Mapped[str | None] = mapped_column(String(8))  #: current overall satisfaction
    finding: Mapped[str | None] = mapped_column(String(16))  #: follow-up asked by the latest answer
    finding_resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finding_note: Mapped[str | None] = mapped_column(Text)  #: how the caseworkers followed it up
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    survey: Mapped[Survey] = relationship()


class SurveyAnswer(db.Model):
    """One recorded contact or answer; the latest per member is the current one. Append-only: history kept."""

    __tablename__ = "survey_answers"
    __table_args__ = (
        CheckConstraint(f"outcome IN {sql_in(vocab.OUTCOMES)}", name="outcome"),
        CheckConstraint("source IN ('sheet','page','questionnaire')", name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("survey_members.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))  #: sheet (call sheet import) / page / questionnaire
    outcome: Mapped[str] = mapped_column(String(8))
    attempts: Mapped[int] = mapped_column(default=1)
    satisfaction: Mapped[str | None] = mapped_column(String(8))
    received: Mapped[str | None] = mapped_column(String(4))  #: 是 / 否 / 有问题
    full_amount: Mapped[str | None] = mapped_column(String(2))  #: 是 / 否
    on_time: Mapped[str | None] = mapped_column(String(2))
    knew_publicity: Mapped[str | None] = mapped_column(String(2))
    comment: Mapped[str | None] = mapped_column(Text)
    recorded_by_name: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveyToken(db.Model):
    """A one-time questionnaire link for one sampled person: a random token, nothing personal in it."""

    __tablename__ = "survey_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("survey_members.id", ondelete="CASCADE"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)  #: secrets.token_urlsafe
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  #: answered: the link is spent
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    member: Mapped[SurveyMember] = relationship()


protect_append_only(SurveyAnswer.__table__)
