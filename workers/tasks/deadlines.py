"""The daily deadline scan task."""
from celery import shared_task

from caseapp.jobs.runner import run_job
from workers import IDEMPOTENT


@shared_task(name="deadlines.scan", **IDEMPOTENT)
def scan(today: str | None = None) -> dict:
    """Scan deadlines for ``today`` (ISO date; default: today in Asia/Shanghai) and queue reminders."""
    return run_job("deadlines.scan", runner="celery", today=today)
