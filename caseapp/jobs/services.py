"""What the admin's job page and ``caseapp jobs status`` show: runs per job, heartbeat, locks, queue, workers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from caseapp.core.db import db, utcnow
from caseapp.jobs import health
from caseapp.jobs.locks import KEY_PREFIX, redis_client
from caseapp.jobs.models import JobLease, JobRun, SchedulerHeartbeat

#: the statuses an admin must look at
TROUBLE = ("failed", "partial", "interrupted", "missed")
#: the heartbeat may be this late before admins are warned (the expected minute plus this margin)
HEARTBEAT_MARGIN = timedelta(minutes=2)


@dataclass
class JobSummary:
    """One job's recent history."""

    name: str
    last: JobRun | None
    last_failure: JobRun | None
    failures_7d: int


def job_summaries(names: list[str]) -> list[JobSummary]:
    """For each job name (scheduled or seen), its last run, last trouble and troubles in seven days."""
    seen = set(db.session.scalars(select(JobRun.name).distinct()))
    week_ago = utcnow() - timedelta(days=7)
    return [JobSummary(name, _latest(name), _latest(name, TROUBLE),
                       db.session.scalar(select(func.count(JobRun.id)).where(
                           JobRun.name == name, JobRun.status.in_(TROUBLE), JobRun.started_at >= week_ago)))
            for name in sorted(set(names) | seen)]


def _latest(name: str, statuses: tuple[str, ...] | None = None) -> JobRun | None:
    stmt = select(JobRun).where(JobRun.name == name)
    if statuses:
        stmt = stmt.where(JobRun.status.in_(statuses))
    return db.session.scalars(stmt.order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(1)).first()


def recent_runs(limit: int = 30) -> list[JobRun]:
    """The latest runs of every job except the minute-by-minute heartbeat."""
    stmt = select(JobRun).where(JobRun.name != "jobs.heartbeat").order_by(JobRun.started_at.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def status_of(run: JobRun | None, now: datetime | None = None) -> str | None:
    """A run's status as it really is: a 运行中 record whose heartbeat stopped is 中断."""
    if run is None:
        return None
    return "interrupted" if health.is_interrupted(run, now) else run.status


def last_heartbeat() -> SchedulerHeartbeat | None:
    """The most recent heartbeat of any scheduler."""
    stmt = select(SchedulerHeartbeat).order_by(SchedulerHeartbeat.beat_at.desc()).limit(1)
    return db.session.scalars(stmt).first()


def scheduler_stale(started_at: datetime | None = None, now: datetime | None = None) -> bool:
    """True when the heartbeat expected after the later of the last beat and this server's start (``started_at``)
    is more than two minutes late: right after start-up nothing has had time to beat yet; never a beat is stale."""
    beat = last_heartbeat()
    since = max([t for t in (beat.beat_at if beat else None, started_at) if t is not None], default=None)
    return since is None or (now or utcnow()) > health.next_heartbeat_due(since) + HEARTBEAT_MARGIN


def queue_length() -> int | None:
    """Messages waiting in the Celery queue (Redis LLEN); None without Redis or when it is unreachable."""
    client = redis_client()
    if client is None:
        return None
    from redis import RedisError  # imported with the client, not by every command

    try:
        return int(client.llen(current_app.config.get("CELERY_QUEUE", "celery")))
    except RedisError:
        return None


def lock_holders() -> dict[str, dict] | None:
    """Held job locks: name → seconds left (Redis keys or database leases); None when Redis is unreachable."""
    client = redis_client()
    if client is None:
        now = utcnow()
        leases = db.session.scalars(select(JobLease).where(JobLease.leased_until > now))
        return {lease.name: {"expires_in": round((lease.leased_until - now).total_seconds(), 1)} for lease in leases}
    from redis import RedisError  # imported with the client, not by every command

    try:
        return {key.decode().removeprefix(KEY_PREFIX): {"expires_in": round(client.pttl(key) / 1000, 1)}
                for key in client.scan_iter(KEY_PREFIX + "*")}
    except RedisError:
        return None


def mail_mode() -> str:
    """How reminder mail leaves: the SMTP server, or the folder it is written into instead."""
    cfg = current_app.config
    if cfg.get("SMTP_HOST"):
        return f"SMTP {cfg['SMTP_HOST']}:{cfg.get('SMTP_PORT') or 25}"
    return f"未配置 SMTP_HOST：邮件写入文件夹 {cfg.get('MAIL_OUTBOX_DIR') or '（实例目录下 outbox）'}"


def snapshot(names: list[str], ping_timeout: float = 1.0) -> dict:
    """Everything an operator checks, as JSON: last run per job, locks, queue, workers, beats, heartbeat, mail."""
    now, beat = utcnow(), last_heartbeat()
    return {"jobs": [{"name": s.name, "last": run_json(s.last, now)} for s in job_summaries(names)],
            "locks": lock_holders(), "queue_length": queue_length(), "workers": health.ping_workers(ping_timeout),
            "beats": health.live_beats(),
            "heartbeat": {"at": beat.beat_at.isoformat() if beat else None, "scheduler": beat.name if beat else None,
                          "stale": scheduler_stale(None, now)},
            "mail": mail_mode()}


def run_json(run: JobRun | None, now: datetime | None = None) -> dict | None:
    """One run record as JSON, with its real status (中断 when its heartbeat stopped)."""
    if run is None:
        return None
    status = status_of(run, now)
    stamp = (lambda t: t.isoformat() if t else None)
    return {"started_at": stamp(run.started_at), "finished_at": stamp(run.finished_at),
            "heartbeat_at": stamp(run.heartbeat_at), "status": status, "status_label": JobRun.label(status),
            "runner": run.runner, "host": run.host, "result": run.result, "error": run.error}
