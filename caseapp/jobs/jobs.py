"""The jobs area's own periodic job: the scheduler heartbeat (and pruning old run records)."""
from __future__ import annotations

import os
import socket
from datetime import timedelta

from celery.schedules import crontab
from sqlalchemy import delete

from caseapp.core.db import db, utcnow
from caseapp.jobs.models import JobRun, SchedulerHeartbeat
from caseapp.jobs.registry import job
from caseapp.jobs.runner import current_runner

#: run records kept this long; the minute-by-minute heartbeat runs only for a day
KEEP_RUNS = timedelta(days=90)
KEEP_HEARTBEAT_RUNS = timedelta(days=1)


@job("jobs.heartbeat", schedule=crontab())
def heartbeat() -> dict:
    """Prove the scheduler (Celery beat and worker, or the in-process thread) is alive; prune old runs."""
    now, scheduler = utcnow(), current_runner()
    row = db.session.get(SchedulerHeartbeat, scheduler) or SchedulerHeartbeat(name=scheduler)
    row.beat_at, row.hostname, row.pid = now, socket.gethostname()[:200], os.getpid()
    db.session.add(row)
    db.session.execute(delete(JobRun).where(JobRun.started_at < now - KEEP_RUNS))
    db.session.execute(delete(JobRun).where(JobRun.name == "jobs.heartbeat",
                                            JobRun.started_at < now - KEEP_HEARTBEAT_RUNS))
    db.session.flush()
    return {"scheduler": scheduler}
