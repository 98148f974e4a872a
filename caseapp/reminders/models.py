"""The reminder outbox: one row per finding and recipient, grouped into one digest per user and day."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.auth.models import User
from caseapp.core.db import UTCDateTime, db, utcnow

DIGEST_STATUSES = {"pending": "待发送", "sent": "已发送", "dead": "发送失败（已停止重试）", "empty": "无内容"}


class ReminderDigest(db.Model):
    """One e-mail per user and local day; the unit that is leased, sent, retried or dead-lettered."""

    __tablename__ = "reminder_digests"
    __table_args__ = (
        UniqueConstraint("user_id", "day"),
        CheckConstraint("status IN ('pending','sent','dead','empty')", name="status"),
        CheckConstraint("attempts >= 0", name="attempts_nonnegative"),
        Index("ix_reminder_digests_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)  #: local (Asia/Shanghai) day the digest belongs to
    status: Mapped[str] = mapped_column(String(8), default="pending")
    #: delivery attempts started (counted when the lease is taken, so a crash counts too)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  #: back-off: not before
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  #: a sender holds it until then
    lease_owner: Mapped[str | None] = mapped_column(String(64))  #: random token of that sender
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)  #: scrubbed: no addresses or numbers
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    reminders: Mapped[list["Reminder"]] = relationship(back_populates="digest", order_by="Reminder.due_on")

    @property
    def status_label(self) -> str:
        return DIGEST_STATUSES[self.status]


class Reminder(db.Model):
    """A finding addressed to one user; the unique key makes a second scan queue nothing new."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("source_key", "subject_key", "due_on", "offset_days", "user_id"),
        Index("ix_reminders_user_digest", "user_id", "digest_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))  #: deadline_approaching, deadline_passed, spending_behind …
    source_key: Mapped[str] = mapped_column(String(64))  #: the deadline or rule, e.g. "rule-5", "plan-12"
    subject_key: Mapped[str] = mapped_column(String(100), default="")  #: what it is about within the source
    due_on: Mapped[date] = mapped_column(Date)  #: the deadline's last day
    offset_days: Mapped[int] = mapped_column(default=0)  #: reminder tier: 30/7/1 days before, -1 passed
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))
    project_code: Mapped[str | None] = mapped_column(String(40))
    count: Mapped[int] = mapped_column(default=1)  #: items concerned (files due, deadlines)
    message: Mapped[str] = mapped_column(Text)  #: Chinese text without personal data
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("reminder_digests.id", ondelete="SET NULL"),
                                                  index=True)

    digest: Mapped[ReminderDigest | None] = relationship(back_populates="reminders")
