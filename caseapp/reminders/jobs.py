"""The reminders area's periodic job: sending due digests."""
from __future__ import annotations

from caseapp.jobs.registry import job
from caseapp.reminders.delivery import send_due


@job("reminders.send")
def send() -> dict:
    """Send the due digests from the outbox."""
    return send_due()
