"""Set-based queries behind each metric: one GROUP BY per metric for all projects of a year."""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, distinct, func, or_, select
from sqlalchemy.orm import aliased

from caseapp.awards.models import AwardCategory, AwardEvent, AwardRecipient
from caseapp.budgets.models import Project
from caseapp.cases.models import HardshipFile
from caseapp.core.db import db
from caseapp.orgs.models import Organisation
from caseapp.payments.ledger import PAYMENT, LedgerEntry


def net_paid_items(year: int, as_of: date):
    """Items whose money is out and not reversed by ``as_of``: item, project, person, first paid date."""
    net = func.sum(LedgerEntry.amount_fen)
    return (select(LedgerEntry.item_id, LedgerEntry.project_id, LedgerEntry.person_id,
                   func.min(case((LedgerEntry.kind == PAYMENT, LedgerEntry.entry_date))).label("paid_on"),
                   net.label("net_fen"))
            .where(LedgerEntry.year == year, LedgerEntry.entry_date <= as_of)
            .group_by(LedgerEntry.item_id, LedgerEntry.project_id, LedgerEntry.person_id)
            .having(net > 0).subquery("paid"))


def total_paid(year: int, as_of: date) -> dict[int, int]:
    """Net 分 paid per project (payments minus reversals)."""
    stmt = (select(LedgerEntry.project_id, func.sum(LedgerEntry.amount_fen))
            .where(LedgerEntry.year == year, LedgerEntry.entry_date <= as_of).group_by(LedgerEntry.project_id))
    return {pid: int(total or 0) for pid, total in db.session.execute(stmt)}


def people_paid(year: int, as_of: date) -> dict[int, int]:
    """Distinct persons with money out per project (collectives are not persons)."""
    paid = net_paid_items(year, as_of)
    stmt = select(paid.c.project_id, func.count(distinct(paid.c.person_id))).group_by(paid.c.project_id)
    return dict(db.session.execute(stmt).all())


def _on_file(as_of: date):
    """Condition: a hardship file was 在档 on ``as_of``."""
    return and_(HardshipFile.filed_on.is_not(None), HardshipFile.filed_on <= as_of,
                or_(HardshipFile.closed_on.is_(None), HardshipFile.closed_on > as_of))


def _files_in_project_scope(year: int, as_of: date):
    """(project id, person id) for every person 在档 in the project's organisation subtree."""
    proj_org, file_org = aliased(Organisation), aliased(Organisation)
    return (select(Project.id.label("project_id"), HardshipFile.person_id)
            .join(proj_org, proj_org.id == Project.org_id)
            .join(file_org, file_org.path.startswith(proj_org.path))
            .join(HardshipFile, HardshipFile.org_id == file_org.id)
            .where(Project.year == year, _on_file(as_of)).distinct().subquery("onfile"))


def coverage(year: int, as_of: date) -> dict[int, tuple[int, int]]:
    """Per project: (persons 在档 in scope who were paid, persons 在档 in scope)."""
    onfile, paid = _files_in_project_scope(year, as_of), net_paid_items(year, as_of)
    hit = select(paid.c.project_id, paid.c.person_id).distinct().subquery("hit")
    stmt = (select(onfile.c.project_id, func.count(hit.c.person_id), func.count())
            .outerjoin(hit, and_(hit.c.project_id == onfile.c.project_id, hit.c.person_id == onfile.c.person_id))
            .group_by(onfile.c.project_id))
    return {pid: (int(n), int(d)) for pid, n, d in db.session.execute(stmt)}


def paid_by_deadline(year: int, as_of: date, deadlines: dict[int, date]) -> dict[int, tuple[int, int]]:
    """Per project with a deadline: (items paid by the deadline, items paid)."""
    if not deadlines:
        return {}
    paid = net_paid_items(year, as_of)
    due = case(*[(paid.c.project_id == pid, d) for pid, d in deadlines.items()])
    stmt = (select(paid.c.project_id, func.sum(case((paid.c.paid_on <= due, 1), else_=0)), func.count())
            .where(paid.c.project_id.in_(list(deadlines))).group_by(paid.c.project_id))
    return {pid: (int(on or 0), int(n)) for pid, on, n in db.session.execute(stmt)}


def events_held(year: int, as_of: date) -> dict[int, int]:
    """Award events held (date reached) per project."""
    stmt = (select(AwardEvent.project_id, func.count()).join(Project, Project.id == AwardEvent.project_id)
            .where(Project.year == year, AwardEvent.held_on <= as_of).group_by(AwardEvent.project_id))
    return dict(db.session.execute(stmt).all())


def awardees(year: int) -> dict[int, dict[str, int]]:
    """Confirmed recipients per project and category kind: {project: {"individual": n, "collective": m}}."""
    stmt = (select(AwardEvent.project_id, AwardCategory.kind, func.count(AwardRecipient.id))
            .join(AwardCategory, AwardCategory.event_id == AwardEvent.id)
            .join(AwardRecipient, AwardRecipient.category_id == AwardCategory.id)
            .join(Project, Project.id == AwardEvent.project_id)
            .where(Project.year == year, AwardRecipient.status == "确定")
            .group_by(AwardEvent.project_id, AwardCategory.kind))
    found: dict[int, dict[str, int]] = {}
    for pid, kind, n in db.session.execute(stmt):
        found.setdefault(pid, {})[kind] = int(n)
    return found
