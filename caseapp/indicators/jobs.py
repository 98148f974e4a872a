"""The indicators area's periodic job: the nightly roll-up of every indicator's 完成值."""
from __future__ import annotations

import datetime as dt

from celery.schedules import crontab

from caseapp.indicators.rollup import run_rollup
from caseapp.core.calendar import local_today
from caseapp.jobs.registry import job


# after the working day, so the morning's pages show yesterday's 完成值
@job("indicators.rollup", schedule=crontab(hour=1, minute=30))
def rollup(year: int | None = None, as_of: str | None = None) -> dict:
    """Roll up ``year`` (default: this year) with data up to ``as_of`` (ISO date, default today, at most the
    year's last day); the run record keeps the counts (the list of indicators as its length)."""
    day = dt.date.fromisoformat(as_of) if as_of else local_today()
    year = year or day.year
    run, rows = run_rollup(year, min(day, dt.date(year, 12, 31)))
    return {"year": year, "as_of": run.as_of.isoformat(), "indicators": [r.as_json() for r in rows],
            "achieved": sum(1 for r in rows if r.achieved)}
