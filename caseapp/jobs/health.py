"""Whether the background machinery is alive: dead runs, lost queued work, live beats, answering workers.

- A run is 中断 when its heartbeat is older than its lock's lifetime: the process that ran it is gone.
- A scheduled run that never started (its Celery message vanished with a Redis flush, or no beat or worker
  ran) is recorded as 未运行 by the next heartbeat scan, once per missed time.
- Each Celery beat names itself in the tasks it sends; more than one name seen recently is two beats.
- A worker answers Celery's ping.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import exists, select, update

from caseapp.core.templating import datetime_zh
from caseapp.core.db import db, utcnow
from caseapp.jobs.locks import redis_client
from caseapp.jobs.models import JobRun
from caseapp.jobs.registry import schedule
from caseapp.jobs.crontab import next_fire, previous_fire

log = logging.getLogger("caseapp.jobs")
BEATS_KEY = "caseapp:beats"
#: a beat counts as running when it sent a task this recently (the heartbeat task goes out every minute)
BEAT_WINDOW = timedelta(seconds=90)
#: a scheduled run may wait this long in the queue before it counts as never started
MISSED_AFTER = timedelta(minutes=15)
HEARTBEAT_JOB = "jobs.heartbeat"


def stale_after() -> timedelta:
    """How long a run may go without a heartbeat before it counts as 中断: its lock's lifetime."""
    return timedelta(seconds=int(current_app.config.get("JOB_LOCK_SECONDS", 90)))


def is_interrupted(run: JobRun, now: datetime | None = None) -> bool:
    """True for a 运行中 record whose process stopped beating."""
    beat = run.heartbeat_at or run.started_at
    return run.status == "running" and (now or utcnow()) - beat > stale_after()


def sweep_interrupted(name: str | None = None, now: datetime | None = None) -> int:
    """Mark dead 运行中 records (of job ``name``, or all) 中断, ended at their last heartbeat; returns how many."""
    cutoff = (now or utcnow()) - stale_after()
    stmt = update(JobRun).where(JobRun.status == "running", JobRun.heartbeat_at < cutoff)
    if name:
        stmt = stmt.where(JobRun.name == name)
    done = db.session.execute(stmt.values(status="interrupted", finished_at=JobRun.heartbeat_at,
                                          error="运行中断：执行它的进程已停止（被终止、崩溃或失联），见最后心跳时间")
                              .execution_options(synchronize_session=False))
    if done.rowcount:
        log.warning("%d job run(s) of %s found interrupted", done.rowcount, name or "any job")
    return done.rowcount


def record_missed(now: datetime | None = None) -> list[str]:
    """Record 未运行 for each scheduled job whose last due time passed without a run; returns their names."""
    now, tz = now or utcnow(), ZoneInfo(current_app.config.get("TIMEZONE", "Asia/Shanghai"))
    missed = []
    for name, entry in schedule().items():
        due = previous_fire(entry["schedule"], now - MISSED_AFTER, tz)
        if name == HEARTBEAT_JOB or due is None or not _ran_before(name, due) or _started_since(name, due):
            continue
        db.session.add(JobRun(name=name, runner="celery", started_at=due, finished_at=due, status="missed",
                              error=f"应于{datetime_zh(due)}运行，但没有任何进程执行：队列中的任务可能已丢失"
                                    "（Redis 重启或被清空），或调度进程、工作进程没有运行"))
        log.warning("scheduled run of %s due at %s never started", name, due.isoformat())
        missed.append(name)
    db.session.flush()
    return missed


def _ran_before(name: str, due: datetime) -> bool:
    """The job has history before ``due`` (a new installation misses nothing)."""
    return db.session.scalar(select(exists().where(JobRun.name == name, JobRun.started_at < due)))


def _started_since(name: str, due: datetime) -> bool:
    return db.session.scalar(select(exists().where(JobRun.name == name, JobRun.started_at >= due)))


def saw_beat(identity: str) -> None:
    """Note that the beat ``identity`` (host:pid) just sent a task."""
    client = redis_client()
    if client is None:
        return
    from redis import RedisError  # imported with the client, not by every command

    try:
        now = time.time()
        client.zadd(BEATS_KEY, {identity[:200]: now})
        client.zremrangebyscore(BEATS_KEY, 0, now - 24 * 3600)
    except RedisError:
        log.warning("could not record the beat %s in Redis", identity)


def live_beats() -> list[str] | None:
    """The beats that sent a task within the last 90 seconds; None without Redis or when unreachable."""
    client = redis_client()
    if client is None:
        return None
    from redis import RedisError  # imported with the client, not by every command

    try:
        names = client.zrangebyscore(BEATS_KEY, time.time() - BEAT_WINDOW.total_seconds(), "+inf")
    except RedisError:
        return None
    return sorted(n.decode() for n in names)


def ping_workers(timeout: float = 1.0) -> list[str] | None:
    """The Celery workers answering a ping within ``timeout``; None without Redis or when unreachable."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    from celery import Celery  # only here: the web process needs no Celery app otherwise

    probe = Celery("caseapp-ping", broker=url, set_as_current=False)
    try:
        replies = probe.control.ping(timeout=timeout) or []
    except Exception as exc:  # broker down: the page says so rather than failing
        log.warning("worker ping failed: %s", type(exc).__name__)
        return None
    finally:
        probe.close()
    return sorted(name for reply in replies for name in reply)


def next_heartbeat_due(last: datetime) -> datetime:
    """When the heartbeat after ``last`` was expected (its schedule in the registry)."""
    tz = ZoneInfo(current_app.config.get("TIMEZONE", "Asia/Shanghai"))
    return next_fire(schedule()[HEARTBEAT_JOB]["schedule"], last, tz)
