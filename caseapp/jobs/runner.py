"""Run one job as a unit of work, with a run record that tells the truth from its first moment.

The run record is written (and committed) when the run starts, as 运行中, and stamped by the run's heartbeat
(``caseapp.jobs.keeper``) while its lock is renewed. The job's work and its final status are committed together
(or, for a step-by-step job such as the mail sender, the status after the steps). A job reporting failures in
``failed`` ends 部分失败 with its last error; a failed job is rolled back and its failure recorded (class and
scrubbed message only), then re-raised so Celery sees it too. A run whose process died keeps 运行中 with a
heartbeat that stops; ``caseapp.jobs.health`` shows it as 中断.
"""
from __future__ import annotations

import contextvars
import os
import re
import socket
import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from caseapp.core import context
from caseapp.core.db import db, utcnow
from caseapp.core.uow import unit_of_work
from caseapp.jobs import health
from caseapp.jobs.keeper import RunKeeper
from caseapp.jobs.locks import lock_for
from caseapp.jobs.models import JobRun
from caseapp.jobs.registry import Job, get_job

_DIGITS = re.compile(r"\d[\d\s-]{4,}[\dXx]")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_runner: contextvars.ContextVar[str] = contextvars.ContextVar("job_runner", default="cli")


def current_runner() -> str:
    """Who started the running job: celery, in_process or cli."""
    return _runner.get()


@dataclass(frozen=True)
class _Run:
    name: str
    runner: str
    started: datetime
    clock: float

    @property
    def principal(self) -> context.Principal:
        return context.OPERATOR if self.runner == "cli" else context.SYSTEM


class _NoLock:
    """What an unlocked job (the heartbeat) renews: nothing."""

    def acquire(self) -> bool:
        return True

    def renew(self) -> bool:
        return True

    def release(self) -> bool:
        return True


def run_job(name: str, *, runner: str, beat: str | None = None, **kwargs) -> dict:
    """Run job ``name`` under its lock; returns its result plus ``status``.

    ``beat`` names the Celery beat that sent the task (recorded to detect a second beat); the other keywords
    go to the job.
    """
    job, cfg = get_job(name), current_app.config
    if beat:
        health.saw_beat(beat)
    lock = lock_for(name, int(cfg.get("JOB_LOCK_SECONDS", 90))) if job.locked else _NoLock()
    runner_token = _runner.set(runner)
    run = _Run(name, runner, utcnow(), time.monotonic())
    try:
        if not lock.acquire():
            return _record(run, "skipped_locked", {})
        try:
            return _run_kept(job, run, lock, kwargs, float(cfg.get("JOB_HEARTBEAT_SECONDS", 20)))
        finally:
            lock.release()  # after the commit: the next holder sees this run's work
    finally:
        _runner.reset(runner_token)


def _run_kept(job: Job, run: _Run, lock, kwargs: dict, interval: float) -> dict:
    run_id = _start(run)
    keeper = RunKeeper(db.engine, lock, run_id, interval)
    keeper.start()
    try:
        return _call(job, run, run_id, kwargs)
    except Exception as exc:
        _finish(run, run_id, {}, "failed", scrub_error(exc))
        raise
    finally:
        keeper.stop()


def _start(run: _Run) -> int:
    """Commit the 运行中 record (after marking this job's dead runs 中断); returns its id."""
    with unit_of_work(run.principal):
        health.sweep_interrupted(run.name)
        record = JobRun(name=run.name, runner=run.runner, started_at=run.started, heartbeat_at=run.started,
                        status="running", host=host_id())
        db.session.add(record)
        db.session.flush()
        return record.id


def _call(job: Job, run: _Run, run_id: int, kwargs: dict) -> dict:
    """The job's work and its final status in one unit (or, for a step-by-step job, the status after it)."""
    if job.own_transactions:
        return _finish(run, run_id, job.fn(**kwargs) or {})
    with unit_of_work(run.principal) as unit:
        result = job.fn(**kwargs) or {}
        if unit.refused:  # a refusal caught inside the job still means its work is not committed
            raise unit.refusals[0]
        return _settle(run, run_id, result)


def _finish(run: _Run, run_id: int, result: dict, status: str | None = None, error: str | None = None) -> dict:
    with unit_of_work(run.principal):
        return _settle(run, run_id, result, status, error)


def _settle(run: _Run, run_id: int, result: dict, status: str | None = None, error: str | None = None) -> dict:
    """Write the run's outcome: 部分失败 when the job reports failures, with its last error."""
    result = dict(result)
    last_error = result.pop("last_error", None)
    if status is None:
        status, error = ("partial", last_error) if result.get("failed") else ("ok", None)
    record = db.session.get(JobRun, run_id)
    record.status, record.error, record.result = status, error, recordable(result) if status != "failed" else None
    record.finished_at = record.heartbeat_at = utcnow()
    record.duration_ms = int((time.monotonic() - run.clock) * 1000)
    return {"status": status, **result, **({"last_error": error} if status == "partial" else {})}


def _record(run: _Run, status: str, result: dict) -> dict:
    with unit_of_work(run.principal):
        db.session.add(JobRun(name=run.name, runner=run.runner, started_at=run.started, finished_at=utcnow(),
                              duration_ms=int((time.monotonic() - run.clock) * 1000), status=status,
                              result=result, host=host_id()))
    return {"status": status, **result}


def recordable(result: dict) -> dict:
    """The summary kept in the run record: lists (the scan's findings) as their length."""
    return {key: len(value) if isinstance(value, list) else value for key, value in result.items()}


def host_id() -> str:
    """hostname:pid of this process."""
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def scrub_error(exc: BaseException, message: str | None = None) -> str:
    """The exception class and message (or ``message``) with digit runs and e-mail addresses masked, ≤ 500 chars."""
    text = str(exc) if message is None else message
    text = _EMAIL.sub("***@***", _DIGITS.sub("***", text.splitlines()[0] if text else ""))
    return f"{type(exc).__name__}: {text}"[:500]
