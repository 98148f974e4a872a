"""The embedded default's scheduler: a thread running the scheduled jobs of the registry in-process.

Started lazily by the first request a serving process handles (``caseapp run`` or the WSGI app), never
by the CLI, tests or Werkzeug's reloader parent (which handles no requests). Each run goes through
:func:`caseapp.jobs.runner.run_job`, so the same lock (a database lease without Redis) and the same
run records apply; several gunicorn workers may each start one and still run each job once.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy import func, select

from caseapp.core import context
from caseapp.core.db import db, utcnow
from caseapp.core.uow import unit_of_work
from caseapp.jobs.crontab import next_fire
from caseapp.jobs.models import JobRun
from caseapp.jobs.registry import schedule
from caseapp.jobs.runner import run_job

log = logging.getLogger("caseapp.jobs")
#: how far back a missed run is caught up at start-up
CATCH_UP = timedelta(days=1)
_start_lock = threading.Lock()


class InProcessScheduler(threading.Thread):
    """Wakes every ``poll_seconds`` and runs the entries that are due."""

    def __init__(self, app: Flask, schedule: dict[str, dict], poll_seconds: float = 20) -> None:
        super().__init__(name="caseapp-scheduler", daemon=True)
        self.app, self.schedule, self.poll = app, schedule, poll_seconds
        self.tz = ZoneInfo(app.config.get("TIMEZONE", "Asia/Shanghai"))
        self.next_runs: dict[str, datetime] = {}
        self.stopping = threading.Event()

    def plan(self, now: datetime) -> None:
        """First run times: a run missed since the last recorded one (within a day) is due at once."""
        with self.app.app_context(), unit_of_work(context.SYSTEM, write=False):
            for name, entry in self.schedule.items():
                last = db.session.scalar(select(func.max(JobRun.started_at)).where(JobRun.name == entry["task"]))
                since = max(last, now - CATCH_UP) if last else now
                self.next_runs[name] = next_fire(entry["schedule"], since, self.tz)

    def tick(self, now: datetime) -> list[str]:
        """Run every due entry once; returns the names run."""
        ran = []
        for name, entry in self.schedule.items():
            if now >= self.next_runs.get(name, now):
                self._run(entry)
                self.next_runs[name] = next_fire(entry["schedule"], now, self.tz)
                ran.append(name)
        return ran

    def _run(self, entry: dict) -> None:
        with self.app.app_context():
            try:
                run_job(entry["task"], runner="in_process", **entry.get("kwargs", {}))
            except Exception:  # recorded as a failed JobRun; the thread must keep going
                log.exception("in-process job %s failed", entry["task"])

    def run(self) -> None:
        self.plan(utcnow())
        while not self.stopping.wait(self.poll):
            self.tick(utcnow())

    def stop(self) -> None:
        self.stopping.set()


def start_in_process(app: Flask) -> InProcessScheduler | None:
    """Start the scheduler once per process when ``JOBS_IN_PROCESS`` is on and the app is not testing."""
    if not app.config.get("JOBS_IN_PROCESS") or app.testing:
        return None
    with _start_lock:
        if "caseapp_scheduler" in app.extensions:
            return app.extensions["caseapp_scheduler"]
        scheduler = InProcessScheduler(app, schedule())
        app.extensions["caseapp_scheduler"] = scheduler
        scheduler.start()
        log.info("in-process scheduler started")
        return scheduler
