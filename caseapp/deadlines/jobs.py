"""The deadlines area's periodic job: the daily scan."""
from __future__ import annotations

import datetime as dt

from celery.schedules import crontab

from caseapp.deadlines.scan import scan as run_scan
from caseapp.core.calendar import local_today
from caseapp.jobs.registry import job


# a crontab cannot express a lunar date: one daily scan computes every deadline
@job("deadlines.scan", schedule=crontab(hour=8, minute=30))
def scan(today: str | None = None) -> dict:
    """Scan for ``today`` (ISO date) or the local date now; the run record keeps the number of findings."""
    day = dt.date.fromisoformat(today) if today else local_today()
    return {"today": day.isoformat(), **run_scan(day)}
