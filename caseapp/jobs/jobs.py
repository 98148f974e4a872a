"""The jobs area's own periodic job: the scheduler heartbeat, the health scan and pruning old run records."""
from __future__ import annotations

import os
import socket
from datetime import timedelta

from celery.schedules import crontab
from sqlalchemy import delete, update

from caseapp.core.db import db, insert_ignoring_conflicts, utcnow
from caseapp.jobs import health
from caseapp.jobs.models import JobRun, SchedulerHeartbeat
from caseapp.jobs.registry import job
from caseapp.jobs.runner import current_runner

#: run records kept this long; the minute-by-minute heartbeat runs only for a day
KEEP_RUNS = timedelta(days=90)
KEEP_HEARTBEAT_RUNS = timedelta(days=1)


@job("jobs.heartbeat", schedule=crontab(), locked=False)
def heartbeat() -> dict:
    """Prove the scheduler (Celery beat and worker, or the in-process thread) is alive; mark dead runs 中断 and
    scheduled runs that never started 未运行; prune old runs. Idempotent, so it needs no lock."""
    now, scheduler = utcnow(), current_runner()
    if scheduler not in ("cli", "web"):  # a run by hand (command line, jobs page) proves nothing about the scheduler
        values = {"beat_at": now, "hostname": socket.gethostname()[:200], "pid": os.getpid()}
        db.session.execute(insert_ignoring_conflicts(SchedulerHeartbeat, db.session.get_bind().dialect.name,
                                                     name=scheduler, **values))
        db.session.execute(update(SchedulerHeartbeat).where(SchedulerHeartbeat.name == scheduler).values(**values))
    db.session.execute(delete(JobRun).where(JobRun.started_at < now - KEEP_RUNS))
    db.session.execute(delete(JobRun).where(JobRun.name == "jobs.heartbeat",
                                            JobRun.started_at < now - KEEP_HEARTBEAT_RUNS))
    interrupted, missed = health.sweep_interrupted(now=now), health.record_missed(now)
    db.session.flush()
    return {"scheduler": scheduler, "interrupted": interrupted, "missed": missed}
