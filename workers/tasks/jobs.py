"""The scheduler heartbeat task."""
from celery import shared_task

from caseapp.jobs.runner import run_job
from workers import IDEMPOTENT


@shared_task(name="jobs.heartbeat", **IDEMPOTENT)
def heartbeat() -> dict:
    """Record that beat and a worker are alive."""
    return run_job("jobs.heartbeat", runner="celery")
