"""What the daily scan reports about payments: unpaid items as a deadline nears, 公示 ending, waiting items.

Each finder counts with one GROUP BY; the scan turns findings into reminders for the organisation's staff.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import func, select

from caseapp.core.calendar import WorkCalendar, format_date_zh
from caseapp.core.db import db
from caseapp.deadlines.findings import Finding, finder
from caseapp.deadlines.sources import deadlines_for_year
from caseapp.payments.models import PUBLICIZED, REGISTERED, RESERVED_STATES, REVIEWED, PaymentItem

#: a payment deadline is one stated for a project (rules, 时效 indicators, hand-added), not a plan month end
_PAYMENT_SOURCES = ("rule-", "indicator-", "custom-")


def _unpaid_by_project(project_ids: list[int]) -> dict[int, int]:
    stmt = (select(PaymentItem.project_id, func.count()).where(
        PaymentItem.project_id.in_(project_ids), PaymentItem.status.in_(RESERVED_STATES))
        .group_by(PaymentItem.project_id))
    return dict(db.session.execute(stmt).all())


@finder
def unpaid_before_deadline(today: dt.date, cal: WorkCalendar) -> list[Finding]:
    """Items registered or approved but unpaid while their project's deadline nears or has passed."""
    offsets = tuple(sorted(current_app.config.get("DEADLINE_REMINDER_OFFSETS", (30, 7, 1))))
    near = [d for year in (today.year - 1, today.year) for d in deadlines_for_year(year, cal)
            if d.confirmed and d.project_id and d.id.startswith(_PAYMENT_SOURCES)
            and -30 <= (d.resolved.last_day - today).days <= offsets[-1]]
    counts = _unpaid_by_project(sorted({d.project_id for d in near}))
    found = []
    for d in near:
        if counts.get(d.project_id):
            found.append(_unpaid_finding(d, today, counts[d.project_id], offsets))
    return found


def _unpaid_finding(d, today: dt.date, count: int, offsets: tuple[int, ...]) -> Finding:
    left = (d.resolved.last_day - today).days
    tier = -1 if left < 0 else min(o for o in offsets if o >= left)
    when = f"已于{format_date_zh(d.resolved.last_day)}截止" if left < 0 else f"截止日{format_date_zh(d.resolved.last_day)}"
    message = f"【{d.project_name}】{d.subject}：{when}，仍有{count}笔款项未发放"
    return Finding("unpaid_before_deadline", d.id, d.org_id, d.resolved.last_day, tier, message, d.project_id,
                   d.project_code, count=count, subject_key="unpaid")


@finder
def publicity_ending(today: dt.date, cal: WorkCalendar) -> list[Finding]:
    """公示 periods that end today or ended: finance can pay once no objection is open."""
    stmt = (select(PaymentItem.org_id, PaymentItem.publicity_end, func.count()).where(
        PaymentItem.status == PUBLICIZED, PaymentItem.publicity_end <= today)
        .group_by(PaymentItem.org_id, PaymentItem.publicity_end))
    return [Finding("publicity_ended", f"publicity-{end.isoformat()}", org_id, end, 0,
                    f"{n}笔款项的公示期已于{format_date_zh(end)}结束，无异议的可以发放", count=n,
                    subject_key=f"publicity-{org_id}")
            for org_id, end, n in db.session.execute(stmt)]


@finder
def waiting_too_long(today: dt.date, cal: WorkCalendar) -> list[Finding]:
    """Items waiting for 内部审核 or 集体研究 longer than PAYMENT_WAITING_DAYS (default 7) working days."""
    limit = current_app.config.get("PAYMENT_WAITING_DAYS", 7)
    cutoff = cal.add_workdays(today, -limit)
    stmt = (select(PaymentItem.org_id, PaymentItem.status, func.count()).where(
        PaymentItem.status.in_((REGISTERED, REVIEWED)), PaymentItem.registered_on <= cutoff)
        .group_by(PaymentItem.org_id, PaymentItem.status))
    step = {REGISTERED: "内部审核", REVIEWED: "集体研究"}
    return [Finding("waiting_for_approval", f"waiting-{status}", org_id, today, 0,
                    f"{n}笔款项登记已超过{limit}个工作日仍待{step[status]}", count=n,
                    subject_key=f"waiting-{status}-{org_id}")
            for org_id, status, n in db.session.execute(stmt)]



