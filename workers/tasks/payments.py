"""The nightly payment check task."""
from celery import shared_task

from caseapp.jobs.runner import run_job
from workers import IDEMPOTENT


@shared_task(name="payments.nightly_check", **IDEMPOTENT)
def nightly_check(year: int | None = None) -> dict:
    """Reconcile counters with the ledger and check the year's data against budgets and rules."""
    return run_job("payments.nightly_check", runner="celery", year=year)
