"""Run one job as a unit of work: take its lock, call it, record a JobRun with its work, commit once.

This is an edge like a request or a CLI command. A failed job is rolled back and its failure recorded
(class and scrubbed message only) in a unit of its own, then re-raised so Celery sees it too.
"""
from __future__ import annotations

import contextvars
import re
import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from caseapp.core import context
from caseapp.core.db import db, utcnow
from caseapp.core.uow import unit_of_work
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


def run_job(name: str, *, runner: str, **kwargs) -> dict:
    """Run job ``name`` under its lock; returns its summary plus ``status``."""
    job = get_job(name)
    lock = lock_for(name, current_app.config.get("JOB_LOCK_SECONDS", 660))
    runner_token = _runner.set(runner)
    run = _Run(name, runner, utcnow(), time.monotonic())
    try:
        if not lock.acquire():
            return _record(run, "skipped_locked", {})
        try:
            return _call(job, run, kwargs)
        except Exception as exc:
            _record(run, "failed", None, scrub_error(exc))
            raise
        finally:
            lock.release()  # after the commit: the next holder sees this run's work
    finally:
        _runner.reset(runner_token)


def _call(job: Job, run: _Run, kwargs: dict) -> dict:
    """The job's work and its run record in one unit (or, for a step-by-step job, the record after it)."""
    if job.own_transactions:
        return _record(run, "ok", job.fn(**kwargs) or {})
    with unit_of_work(context.SYSTEM) as unit:
        result = job.fn(**kwargs) or {}
        if unit.refused:  # a refusal caught inside the job still means its work is not committed
            raise unit.refusals[0]
        return _add(run, "ok", result)


def _record(run: _Run, status: str, result: dict | None, error: str | None = None) -> dict:
    with unit_of_work(context.SYSTEM):
        return _add(run, status, result, error)


def _add(run: _Run, status: str, result: dict | None, error: str | None = None) -> dict:
    db.session.add(JobRun(name=run.name, runner=run.runner, started_at=run.started, finished_at=utcnow(),
                          duration_ms=int((time.monotonic() - run.clock) * 1000), status=status,
                          result=result, error=error))
    return {"status": status, **(result or {})}


def scrub_error(exc: BaseException) -> str:
    """The exception class and message with digit runs and e-mail addresses masked, at most 500 chars."""
    message = _EMAIL.sub("***@***", _DIGITS.sub("***", str(exc).splitlines()[0] if str(exc) else ""))
    return f"{type(exc).__name__}: {message}"[:500]
