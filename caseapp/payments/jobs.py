"""The payments area's periodic job: the nightly check of counters, caps and amounts against the ledger."""
from __future__ import annotations

from celery.schedules import crontab

from caseapp.budgets.checks import run_checks
from caseapp.core.calendar import local_today
from caseapp.jobs.registry import job
from caseapp.payments.checks import data_problems


@job("payments.nightly_check", schedule=crontab(hour=1, minute=0))
def nightly_check(year: int | None = None) -> dict:
    """Reconcile counters with the ledger and check the year's data against the rules; counts only."""
    year = year or local_today().year
    data = data_problems(year)  # includes the reconciliation, once
    problems = run_checks(year, include_data=False) + data
    return {"year": year, "differences": sum(p.kind == "counter_mismatch" for p in data),
            "errors": sum(p.severity == "error" for p in problems), "data_problems": len(data)}
