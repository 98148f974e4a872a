"""Run one job as a unit of work: take its lock, call it, record a JobRun, commit once.

This is an edge like a request or a CLI command: it commits. A failed job is rolled back and its
failure recorded (class and scrubbed message only), then re-raised so Celery sees it too.
"""
from __future__ import annotations

import contextvars
import re
import time

from flask import current_app

from caseapp.core import context
from caseapp.core.db import db, utcnow
from caseapp.jobs.locks import lock_for
from caseapp.jobs.models import JobRun
from caseapp.jobs.registry import get_job

_DIGITS = re.compile(r"\d[\d\s-]{4,}[\dXx]")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_runner: contextvars.ContextVar[str] = contextvars.ContextVar("job_runner", default="cli")


def current_runner() -> str:
    """Who started the running job: celery, in_process or cli."""
    return _runner.get()


def run_job(name: str, *, runner: str, **kwargs) -> dict:
    """Run job ``name`` under its lock; returns its summary plus ``status``."""
    fn = get_job(name)
    lock = lock_for(name, current_app.config.get("JOB_LOCK_SECONDS", 660))
    token, runner_token = context.set_principal(context.SYSTEM), _runner.set(runner)
    started, clock = utcnow(), time.monotonic()
    try:
        if not lock.acquire():
            return _finish(name, runner, started, clock, "skipped_locked", {})
        try:
            result = fn(**kwargs) or {}
        except Exception as exc:
            db.session.rollback()
            _finish(name, runner, started, clock, "failed", None, scrub_error(exc))
            raise
        else:
            return _finish(name, runner, started, clock, "ok", result)
        finally:
            # only after the commit: the next holder must see this run's work (and SQLite's write lock is free)
            db.session.rollback()
            lock.release()
    finally:
        _runner.reset(runner_token)
        context.reset_principal(token)


def _finish(name, runner, started, clock, status, result, error=None) -> dict:
    """Record the run and commit (with the job's own work, when it succeeded)."""
    db.session.add(JobRun(name=name, runner=runner, started_at=started, finished_at=utcnow(),
                          duration_ms=int((time.monotonic() - clock) * 1000), status=status,
                          result=result, error=error))
    db.session.commit()
    return {"status": status, **(result or {})}


def scrub_error(exc: BaseException) -> str:
    """The exception class and message with digit runs and e-mail addresses masked, at most 500 chars."""
    message = _EMAIL.sub("***@***", _DIGITS.sub("***", str(exc).splitlines()[0] if str(exc) else ""))
    return f"{type(exc).__name__}: {message}"[:500]
