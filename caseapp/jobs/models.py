"""Job runs, the scheduler heartbeat and the database leases that stand in for Redis locks."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.db import UTCDateTime, db, utcnow

RUN_STATUSES = ("ok", "failed", "skipped_locked")


class JobRun(db.Model):
    """One run of a periodic job, whichever scheduler started it."""

    __tablename__ = "job_runs"
    __table_args__ = (
        CheckConstraint("status IN ('ok','failed','skipped_locked')", name="status"),
        CheckConstraint("duration_ms >= 0", name="duration_nonnegative"),
        Index("ix_job_runs_name_started", "name", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))  #: job name, e.g. deadlines.scan
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    duration_ms: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16))
    #: exception class and scrubbed message; never personal data
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict | None] = mapped_column(JSON)  #: the job's summary, e.g. {"queued": 3}
    runner: Mapped[str] = mapped_column(String(16), default="celery")  #: celery / in_process / cli


class SchedulerHeartbeat(db.Model):
    """The last time a scheduler proved it is alive (one row per scheduler kind)."""

    __tablename__ = "scheduler_heartbeats"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)  #: celery / in_process
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hostname: Mapped[str] = mapped_column(String(200), default="")
    pid: Mapped[int] = mapped_column(default=0)


class JobLease(db.Model):
    """A lock held in the database when there is no Redis (embedded default)."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(64))  #: random token of the holder
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
