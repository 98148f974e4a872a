"""Job functions by name; each area contributes its own in ``caseapp/<area>/jobs.py``.

A job name is also its Celery task name and its key in ``workers.schedule.SCHEDULE``, so the
Celery worker and the in-process scheduler run exactly the same function.
"""
from __future__ import annotations

from collections.abc import Callable

JOBS: dict[str, Callable[..., dict | None]] = {}
_loaded = False


def job(name: str):
    """Register the decorated function as the job ``name``."""

    def decorate(fn):
        JOBS[name] = fn
        return fn

    return decorate


def get_job(name: str) -> Callable[..., dict | None]:
    """The job function registered as ``name`` (KeyError when unknown)."""
    _load_area_jobs()
    return JOBS[name]


def job_names() -> list[str]:
    """Every registered job name, sorted."""
    _load_area_jobs()
    return sorted(JOBS)


def _load_area_jobs() -> None:
    global _loaded
    if not _loaded:
        from caseapp.areas import area_modules

        area_modules("jobs")
        _loaded = True
