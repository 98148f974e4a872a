"""What the admin's job page shows: last runs per job, failures, heartbeat, queue length."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import redis
from flask import current_app
from sqlalchemy import func, select

from caseapp.core.db import db, utcnow
from caseapp.jobs.locks import redis_client
from caseapp.jobs.models import JobRun, SchedulerHeartbeat

#: the scheduler counts as stopped when no heartbeat came for this long
STALE_AFTER = timedelta(hours=1)


@dataclass
class JobSummary:
    """One job's recent history."""

    name: str
    last: JobRun | None
    last_failure: JobRun | None
    failures_7d: int


def job_summaries(names: list[str]) -> list[JobSummary]:
    """For each job name (scheduled or seen), its last run, last failure and failures in seven days."""
    seen = set(db.session.scalars(select(JobRun.name).distinct()))
    week_ago = utcnow() - timedelta(days=7)
    return [JobSummary(name, _latest(name), _latest(name, "failed"),
                       db.session.scalar(select(func.count(JobRun.id)).where(
                           JobRun.name == name, JobRun.status == "failed", JobRun.started_at >= week_ago)))
            for name in sorted(set(names) | seen)]


def _latest(name: str, status: str | None = None) -> JobRun | None:
    stmt = select(JobRun).where(JobRun.name == name)
    if status:
        stmt = stmt.where(JobRun.status == status)
    return db.session.scalars(stmt.order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(1)).first()


def recent_runs(limit: int = 30) -> list[JobRun]:
    """The latest runs of every job except the minute-by-minute heartbeat."""
    stmt = select(JobRun).where(JobRun.name != "jobs.heartbeat").order_by(JobRun.started_at.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def last_heartbeat() -> SchedulerHeartbeat | None:
    """The most recent heartbeat of any scheduler."""
    stmt = select(SchedulerHeartbeat).order_by(SchedulerHeartbeat.beat_at.desc()).limit(1)
    return db.session.scalars(stmt).first()


def scheduler_stale(started_at: datetime, now: datetime | None = None) -> bool:
    """True when no scheduler has beaten for over an hour, counted from the later of its last beat and this
    server's start (``started_at``): right after start-up nothing has had time to run yet."""
    beat = last_heartbeat()
    expected_since = max(beat.beat_at, started_at) if beat is not None else started_at
    return (now or utcnow()) - expected_since > STALE_AFTER


def queue_length() -> int | None:
    """Messages waiting in the Celery queue (Redis LLEN); None without Redis or when it is unreachable."""
    client = redis_client()
    if client is None:
        return None
    try:
        return int(client.llen(current_app.config.get("CELERY_QUEUE", "celery")))
    except redis.RedisError:
        return None
