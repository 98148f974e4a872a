"""Job runs, the scheduler heartbeat and the database leases that stand in for Redis locks."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.db import UTCDateTime, db, utcnow

#: every state a run record can be in, with what the admin reads
RUN_STATUSES = {"running": "运行中", "ok": "成功", "partial": "部分失败", "failed": "失败", "interrupted": "中断",
                "skipped_locked": "已在运行，跳过", "missed": "未运行"}


class JobRun(db.Model):
    """One run of a periodic job, whichever scheduler started it."""

    __tablename__ = "job_runs"
    __table_args__ = (
        CheckConstraint("status IN ('running','ok','partial','failed','interrupted','skipped_locked','missed')",
                        name="status"),
        CheckConstraint("duration_ms >= 0", name="duration_nonnegative"),
        Index("ix_job_runs_name_started", "name", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))  #: job name, e.g. deadlines.scan
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when the run ended (None while it runs, or when it was interrupted: see ``heartbeat_at``)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the run's last sign of life, renewed with its lock while it works
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16))
    #: exception class and scrubbed message, or the last delivery error of a partial run; never personal data
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict | None] = mapped_column(JSON)  #: the job's summary, e.g. {"queued": 3}
    runner: Mapped[str] = mapped_column(String(16), default="celery")  #: celery / in_process / cli
    host: Mapped[str | None] = mapped_column(String(200))  #: hostname:pid of the process that ran it

    @property
    def status_label(self) -> str:
        """The status in Chinese."""
        return self.label(self.status)

    @staticmethod
    def label(status: str | None) -> str:
        """A status in Chinese."""
        return RUN_STATUSES.get(status or "", status or "")


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
