"""What each role has to do next, as counts that link to the lists holding exactly those items.

Every count is computed with the filter of the list it links to (the payment work list by status, the case
files by status or review date), so the number on the desk is the total the list shows. The queries live here,
not in the view, so that they can be tuned in one place.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import func, select

from caseapp.core.context import Principal
from caseapp.core.db import db
from caseapp.core.scoping import scoped

#: (role, payment status, what the role does to items in it); the same transitions as the workflow table
PAYMENT_STEPS = (
    ("reviewer", "登记", "待内部审核"), ("leader", "已审核", "待集体研究"),
    ("caseworker", "已批准", "待公示"), ("leader", "已批准", "待公示"),
    ("finance", "公示中", "公示中（期满后发放）"), ("finance", "已发放", "待确认到账"),
    ("caseworker", "登记", "已登记，待审核"),
)


#: the nearest upcoming deadlines the desk shows (a province has 1,500 in a month: the deadlines page has them all)
DESK_DEADLINES = 12


@dataclass
class Entry:
    """One line of the queue: what, how many, where the list is, and a warning look when it needs care."""

    label: str
    count: int
    url: str
    urgent: bool = False
    hint: str = ""


@dataclass
class Queue:
    """The desk of one user: the work queue and the other panels."""

    entries: list[Entry] = field(default_factory=list)
    deadlines: list = field(default_factory=list)
    more_deadlines: int = 0  #: upcoming deadlines beyond the ones shown (the deadlines page lists them all)
    no_email: list = field(default_factory=list)  #: users in scope who get no reminder e-mail
    own_email_missing: bool = False
    dead_letters: int = 0


def payment_entries(principal: Principal) -> list[Entry]:
    """The payment statuses the principal's roles act on, counted like the work list counts them."""
    from caseapp.payments.reports import list_year, status_counts

    wanted = tuple(dict.fromkeys(status for role, status, _label in PAYMENT_STEPS if principal.has_role(role)))
    counts, seen, entries = status_counts(list_year(), wanted) if wanted else {}, set(), []
    for role, status, label in PAYMENT_STEPS:
        if status in seen or not principal.has_role(role):
            continue
        seen.add(status)
        entries.append(Entry(f"款项{label}", counts.get(status, 0), url_for("payments.index", status=status)))
    return entries


def objection_entry() -> Entry:
    """Open objections in scope (they hold their items)."""
    from caseapp.payments.models import Objection

    count = db.session.scalar(scoped(select(func.count()).select_from(Objection)
                                     .where(Objection.status == "open"), Objection.org_id))
    return Entry("公示异议待处理", count, url_for("payments.objections"), urgent=bool(count))


def case_entries(principal: Principal, today: dt.date) -> list[Entry]:
    """Applications to 审核 (reviewers) and files whose yearly review is overdue (caseworkers and reviewers)."""
    from caseapp.cases import vocab
    from caseapp.cases.queries import FileFilters, count_files

    entries = []
    if principal.has_role("reviewer", "admin"):
        entries.append(Entry("档案申请待审核", count_files(FileFilters(status=vocab.APPLIED)),
                             url_for("cases.index", status=vocab.APPLIED)))
    if principal.has_role("caseworker", "reviewer", "admin"):
        overdue_by = today - dt.timedelta(days=1)
        count = count_files(FileFilters(status=vocab.FILED, review_due_by=overdue_by))
        entries.append(Entry("年度复核已逾期", count, url_for("cases.index", status=vocab.FILED,
                                                           due_by=overdue_by.isoformat()), urgent=bool(count)))
    return entries


def nominee_entry() -> Entry:
    """Nominees waiting to be 确定 (reviewers and leaders)."""
    from caseapp.awards.models import AwardRecipient

    count = db.session.scalar(scoped(select(func.count()).select_from(AwardRecipient)
                                     .where(AwardRecipient.status == "提名"), AwardRecipient.org_id))
    return Entry("表彰提名待确定", count, url_for("awards.index"))


def upcoming_deadlines(today: dt.date, days: int = 30) -> list:
    """Deadlines in scope whose last day falls within the next ``days`` days, earliest first."""
    from caseapp.deadlines.services import load_calendar
    from caseapp.deadlines.sources import deadlines_for_year

    cal, until = load_calendar(), today + dt.timedelta(days=days)
    found = []
    for year in sorted({today.year, until.year}):
        found += [d for d in deadlines_for_year(year, cal) if today <= d.resolved.last_day <= until]
    return sorted(found, key=lambda d: d.resolved.last_day)


def users_without_email() -> list:
    """Enabled caseworkers and admins in scope without an e-mail address: reminders cannot reach them."""
    from caseapp.auth.models import User, UserRole
    from caseapp.reminders.services import RECIPIENT_ROLES

    stmt = (select(User).where(User.is_enabled.is_(True), (User.email.is_(None)) | (User.email == ""),
                               User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(RECIPIENT_ROLES))))
            .order_by(User.display_name, User.username))
    return list(db.session.scalars(scoped(stmt, User.org_id).limit(50)))


def desk(principal: Principal, user, today: dt.date) -> Queue:
    """The whole desk of ``user``: the queue of their roles, the next 30 days' deadlines, reminder problems."""
    queue = Queue(entries=payment_entries(principal) + case_entries(principal, today))
    if principal.has_role("reviewer", "leader", "admin"):
        queue.entries.append(nominee_entry())
    if principal.has_role("caseworker", "reviewer", "leader", "finance", "admin"):
        queue.entries.append(objection_entry())
    upcoming = upcoming_deadlines(today)
    queue.deadlines, queue.more_deadlines = upcoming[:DESK_DEADLINES], max(len(upcoming) - DESK_DEADLINES, 0)
    queue.own_email_missing = not (user.email or "").strip()
    if principal.has_role("admin"):
        from caseapp.reminders.services import dead_letters

        queue.no_email = users_without_email()
        queue.dead_letters = len(dead_letters())
    return queue
