"""The reminders area's periodic job: sending due digests."""
from __future__ import annotations

from celery.schedules import crontab

from caseapp.jobs.registry import job
from caseapp.reminders.delivery import send_due


@job("reminders.send", schedule=crontab(minute="*/5"), own_transactions=True)
def send() -> dict:
    """Send the due digests from the outbox."""
    return send_due()
