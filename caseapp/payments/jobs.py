"""The payments area's periodic job: the nightly check of counters, caps and amounts against the ledger."""
from __future__ import annotations

from caseapp.budgets.checks import run_checks
from caseapp.jobs.clock import local_today
from caseapp.jobs.registry import job
from caseapp.payments.checks import data_problems
from caseapp.payments.reports import reconcile


@job("payments.nightly_check")
def nightly_check(year: int | None = None) -> dict:
    """Reconcile counters with the ledger and check the year's data against the rules; counts only."""
    year = year or local_today().year
    differences = reconcile(year)
    problems = run_checks(year)
    return {"year": year, "differences": len(differences),
            "errors": sum(p.severity == "error" for p in problems),
            "data_problems": len(data_problems(year))}
