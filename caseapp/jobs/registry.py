"""Jobs by name, with their schedules; each area contributes its own in ``caseapp/<area>/jobs.py``.

A job name is also its Celery task name (the tasks are generated from this registry by ``workers``) and
its key in the beat schedule, so the Celery worker and the in-process scheduler run exactly the same
function at the same times.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    """A periodic job: its function, its crontab (Asia/Shanghai) and how it commits."""

    name: str
    fn: Callable[..., dict | None]
    schedule: object = None  #: a ``celery.schedules.crontab``; None: run on demand only
    #: the job commits step by step in units of its own (the mail sender); otherwise it is one unit
    own_transactions: bool = False
    #: runs under a lock (one at a time across every scheduler); False for the idempotent heartbeat
    locked: bool = True


JOBS: dict[str, Job] = {}
_loaded = False


def job(name: str, *, schedule=None, own_transactions: bool = False, locked: bool = True):
    """Register the decorated function as the job ``name``, run on ``schedule``."""

    def decorate(fn):
        JOBS[name] = Job(name, fn, schedule, own_transactions, locked)
        return fn

    return decorate


def get_job(name: str) -> Job:
    """The job registered as ``name`` (KeyError when unknown)."""
    _load_area_jobs()
    return JOBS[name]


def job_names() -> list[str]:
    """Every registered job name, sorted."""
    _load_area_jobs()
    return sorted(JOBS)


def schedule() -> dict[str, dict]:
    """The periodic jobs in Celery's ``beat_schedule`` shape (the in-process scheduler reads it too)."""
    _load_area_jobs()
    return {name: {"task": name, "schedule": j.schedule} for name, j in sorted(JOBS.items()) if j.schedule}


def _load_area_jobs() -> None:
    global _loaded
    if not _loaded:
        from caseapp.areas import area_modules

        area_modules("jobs")
        _loaded = True
