"""The reminder sender task."""
from celery import shared_task

from caseapp.jobs.runner import run_job
from workers import IDEMPOTENT


@shared_task(name="reminders.send", **IDEMPOTENT)
def send() -> dict:
    """Send the due reminder digests from the outbox."""
    return run_job("reminders.send", runner="celery")
