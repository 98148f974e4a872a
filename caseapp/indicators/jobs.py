"""The indicators area's periodic job: the nightly roll-up of every indicator's 完成值."""
from __future__ import annotations

import datetime as dt

from celery.schedules import crontab

from caseapp.indicators.rollup import run_rollup
from caseapp.core.calendar import local_today
from caseapp.jobs.registry import job


# after the working day, so the morning's pages show yesterday's 完成值
@job("indicators.rollup", schedule=crontab(hour=1, minute=30))
def rollup(year: int | None = None) -> dict:
    """Roll up ``year`` (default: this year) with data up to today; the summary holds only counts."""
    today = local_today()
    year = year or today.year
    _run, rows = run_rollup(year, min(today, dt.date(year, 12, 31)))
    return {"year": year, "indicators": len(rows), "achieved": sum(1 for r in rows if r.achieved)}
