"""The daily scan: run every finder, queue each finding for its recipients (at most once each).

Set-based: each finder asks the database a fixed number of questions, and all findings reach all their
recipients in one INSERT … SELECT, so the number of statements does not grow with users, projects or findings.
"""
from __future__ import annotations

import datetime as dt

from caseapp.core import audit
from caseapp.deadlines.findings import FINDERS, Finding
from caseapp.deadlines.services import load_calendar
from caseapp.deadlines.sources import remembered
from caseapp.reminders import services as reminders


def find_all(today: dt.date) -> list[Finding]:
    """Every finder's findings for ``today`` (each area's ``findings.py`` registers its own)."""
    from caseapp.areas import area_modules

    area_modules("findings")
    cal = load_calendar()
    with remembered():
        return [finding for find in FINDERS for finding in find(today, cal)]


def scan(today: dt.date) -> dict:
    """Find and queue; returns ``{"findings": [...], "queued": n}`` (n new reminders, 0 on a rerun)."""
    findings = find_all(today)
    queued = reminders.queue_all(findings)
    if queued:
        audit.record("reminders.queue", ("scan", today.isoformat()),
                     summary=f"截止日期检查（{today.isoformat()}）：{len(findings)}项发现，新增{queued}条提醒")
    return {"findings": [f.as_json() for f in findings], "queued": queued}
