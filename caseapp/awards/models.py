"""Award events, their categories (cap and amount per awardee) and recipients with status history."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (CheckConstraint, ForeignKey, ForeignKeyConstraint, String, Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.budgets.models import Project
from caseapp.core import limits
from caseapp.core.crypto import EncryptedString
from caseapp.core.db import UTCDateTime, db, utcnow
from caseapp.core.ddl import protect_append_only
from caseapp.orgs.models import Organisation
from caseapp.persons.models import Person

KINDS = {"individual": "个人", "collective": "集体"}
STATUSES = ("提名", "确定", "撤销")


class AwardEvent(db.Model):
    """One 评选表彰 event paid from a budget project, e.g. 2025年县级劳模和先进集体评选."""

    __tablename__ = "award_events"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)  #: paying budget project
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)  #: organising union
    name: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column()  #: 评选日期 (the document wants it before 五一)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship()
    org: Mapped[Organisation] = relationship()
    categories: Mapped[list["AwardCategory"]] = relationship(
        back_populates="event", order_by="AwardCategory.id", cascade="all, delete-orphan")


class AwardCategory(db.Model):
    """A category of an event: 先进劳模 (individuals) or 先进集体 (collectives), with cap and amount."""

    __tablename__ = "award_categories"
    __table_args__ = (
        UniqueConstraint("event_id", "name"),
        #: target of the recipients' composite key: recipient kind and event always match the category
        UniqueConstraint("id", "event_id", "kind", name="uq_award_categories_id_event_kind"),
        CheckConstraint("kind IN ('individual','collective')", name="kind"),
        CheckConstraint("max_count >= 0", name="max_count_nonnegative"),
        CheckConstraint("amount_fen >= 0", name="amount_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("award_events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = limits.text(100, "类别名称")  #: 先进劳模, 先进集体 …
    kind: Mapped[str] = mapped_column(String(12))  #: individual (a person) / collective (an organisation)
    max_count: Mapped[int] = limits.integer(0, 100_000, "名额", default=0)  #: confirmed recipients never exceed it
    amount_fen: Mapped[int] = limits.money(limits.PAYMENT_YUAN, "奖励金额", default=0)  #: per awardee
    source_text: Mapped[str] = mapped_column(Text, default="")  #: where the prefilled cap/amount came from

    event: Mapped[AwardEvent] = relationship(back_populates="categories")

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


class AwardRecipient(db.Model):
    """A nominated awardee: a person (individual category) or a collective (collective category)."""

    __tablename__ = "award_recipients"
    __table_args__ = (
        UniqueConstraint("event_id", "person_id"),  # one recipient per person per event
        UniqueConstraint("event_id", "collective_name"),
        ForeignKeyConstraint(["category_id", "event_id", "kind"],
                             ["award_categories.id", "award_categories.event_id", "award_categories.kind"],
                             name="fk_award_recipients_category_event_kind"),
        CheckConstraint("status IN ('提名','确定','撤销')", name="status"),
        CheckConstraint(
            "(kind = 'individual' AND person_id IS NOT NULL AND collective_name IS NULL"
            " AND collective_org_id IS NULL) OR "
            "(kind = 'collective' AND person_id IS NULL AND collective_name IS NOT NULL)",
            name="person_or_collective"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("award_events.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(12))  #: copy of the category's kind, held equal by the composite key
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)  #: 所属工会 (scoping)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    #: the 先进集体 when it is an organisation in the tree; else only collective_name is set
    collective_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    collective_name: Mapped[str | None] = mapped_column(String(200))  #: 集体名称 as it will be announced
    contact_name: Mapped[str | None] = mapped_column(String(100))  #: 集体联系人
    contact_phone: Mapped[str | None] = mapped_column(EncryptedString)  #: 联系人电话, E.164, encrypted
    contact_phone_masked: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(4), default="提名")  #: 提名 / 确定 / 撤销
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  #: maker, for maker-checker
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[AwardEvent] = relationship()
    category: Mapped[AwardCategory] = relationship(
        primaryjoin="AwardRecipient.category_id == AwardCategory.id", foreign_keys=[category_id])
    org: Mapped[Organisation] = relationship(foreign_keys=[org_id])
    person: Mapped[Person | None] = relationship()
    collective_org: Mapped[Organisation | None] = relationship(foreign_keys=[collective_org_id])
    history: Mapped[list["AwardRecipientStatus"]] = relationship(order_by="AwardRecipientStatus.id")

    @property
    def display_name(self) -> str:
        return self.person.name if self.person else self.collective_name or ""


class AwardRecipientStatus(db.Model):
    """One status change of a recipient (提名 → 确定 / 撤销 …). Append-only."""

    __tablename__ = "award_recipient_statuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("award_recipients.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(4))
    to_status: Mapped[str] = mapped_column(String(4))
    note: Mapped[str] = mapped_column(Text, default="")
    actor_name: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


protect_append_only(AwardRecipientStatus.__table__)
