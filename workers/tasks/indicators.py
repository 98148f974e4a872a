"""The nightly indicator roll-up task."""
from celery import shared_task

from caseapp.jobs.runner import run_job
from workers import IDEMPOTENT


@shared_task(name="indicators.rollup", **IDEMPOTENT)
def rollup(year: int | None = None) -> dict:
    """Recompute every indicator's 完成值 for ``year`` (default: this year) and store a snapshot."""
    return run_job("indicators.rollup", runner="celery", year=year)
