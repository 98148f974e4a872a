"""A running job's heartbeat: a thread that renews the job's lock and stamps its run record while it works.

A run is alive exactly as long as this thread beats. When the process dies (a killed worker), the beats
stop: the lock expires ``JOB_LOCK_SECONDS`` later, so the next tick takes over instead of skipping for a fixed
eleven minutes, and the run record's stale ``heartbeat_at`` shows the run as 中断 with the time it was last
alive. Each beat is a short transaction of its own; a beat that fails (a busy SQLite) is tried again next time.
"""
from __future__ import annotations

import logging
import threading

from sqlalchemy import update
from sqlalchemy.engine import Engine

from caseapp.core.db import utcnow
from caseapp.jobs.models import JobRun

log = logging.getLogger("caseapp.jobs")


class RunKeeper(threading.Thread):
    """Beats every ``interval`` seconds until stopped: renew ``lock``, stamp run ``run_id``."""

    def __init__(self, engine: Engine, lock, run_id: int, interval: float) -> None:
        super().__init__(name=f"caseapp-run-{run_id}", daemon=True)
        self.engine, self.lock, self.run_id, self.interval = engine, lock, run_id, interval
        self.stopping = threading.Event()
        self.lost = False  #: the lock was taken over or expired while the run went on

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.beat()

    def beat(self) -> None:
        """Renew the lock and stamp the run; failures are logged, never raised."""
        try:
            if not self.lock.renew() and not self.lost:
                self.lost = True
                log.warning("job run %s lost its lock (expired or taken over); the work goes on", self.run_id)
            with self.engine.begin() as conn:
                conn.execute(update(JobRun).where(JobRun.id == self.run_id, JobRun.status == "running")
                             .values(heartbeat_at=utcnow()))
        except Exception as exc:  # a beat must never kill the run
            log.warning("job run %s heartbeat failed: %s", self.run_id, type(exc).__name__)

    def stop(self) -> None:
        """Stop beating (the run is over)."""
        self.stopping.set()
        if self.is_alive():
            self.join(timeout=self.interval + 5)
