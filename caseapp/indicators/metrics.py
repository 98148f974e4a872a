"""Set-based queries behind each metric: one GROUP BY per metric for all projects of a year."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, distinct, func, literal, or_, select
from sqlalchemy.orm import aliased

from caseapp.awards.models import AwardCategory, AwardEvent, AwardRecipient
from caseapp.budgets.models import Project
from caseapp.cases.models import HardshipFile
from caseapp.core.db import db
from caseapp.orgs.models import Organisation
from caseapp.payments.models import PAYMENT, LedgerEntry


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


@dataclass
class PaidFacts:
    """Per project, from one pass over the ledger: people paid, items paid by the deadline, coverage."""

    people: dict[int, int]
    on_time: dict[int, tuple[int, int]]
    coverage: dict[int, tuple[int, int]]


def paid_facts(year: int, as_of: date, deadlines: dict[int, date]) -> PaidFacts:
    """People paid, paid-by-deadline and coverage per project in ONE statement (the ledger is read once)."""
    paid = net_paid_items(year, as_of).select().cte("paid")
    due = case(*[(paid.c.project_id == pid, d) for pid, d in deadlines.items()], else_=None) if deadlines \
        else literal(None)
    people = (select(paid.c.project_id, func.count(distinct(paid.c.person_id)).label("people"),
                     func.sum(case((paid.c.paid_on <= due, 1), else_=0)).label("on_time"),
                     func.count().label("item_count")).group_by(paid.c.project_id).subquery("people"))
    onfile = _files_in_project_scope(year, as_of)
    hit = select(paid.c.project_id, paid.c.person_id).distinct().subquery("hit")
    cover = (select(onfile.c.project_id, func.count(hit.c.person_id).label("n"), func.count().label("d"))
             .outerjoin(hit, and_(hit.c.project_id == onfile.c.project_id, hit.c.person_id == onfile.c.person_id))
             .group_by(onfile.c.project_id).subquery("cover"))
    stmt = (select(Project.id, people.c.people, people.c.on_time, people.c.item_count, cover.c.n, cover.c.d)
            .outerjoin(people, people.c.project_id == Project.id).outerjoin(cover, cover.c.project_id == Project.id)
            .where(Project.year == year))
    facts = PaidFacts({}, {}, {})
    for pid, n_people, on_time, items, n, d in db.session.execute(stmt):
        if items:
            facts.people[pid] = int(n_people)
            if pid in deadlines:
                facts.on_time[pid] = (int(on_time or 0), int(items))
        if d:
            facts.coverage[pid] = (int(n or 0), int(d))
    return facts


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


def satisfaction_surveys(year: int) -> dict[int, dict]:
    """Per project, the most recently closed satisfaction survey of ``year``: its rate and its evidence.

    Surveys are usually held after the money arrived, often after the year ended, so the survey's closing date
    is not compared with the roll-up's as-of date; reopening a survey withdraws its rate until it closes again.
    """
    from caseapp.surveys.models import Survey

    stmt = (select(Survey).where(Survey.year == year, Survey.status == "closed", Survey.result.is_not(None))
            .order_by(Survey.closed_at, Survey.id))
    return {s.project_id: _evidence(s) for s in db.session.scalars(stmt)}  # later surveys win


def _evidence(survey) -> dict:
    r = survey.result
    return {"survey_id": survey.id, "name": survey.name, "method": survey.method, "rule": r["rule"],
            "rule_label": r["rule_label"], "rate": r["satisfaction_rate"], "valid": r["valid"],
            "satisfied": r["satisfied"], "completed": r["completed"], "frame_size": survey.frame_size,
            "sample_size": survey.sample_size, "response_rate": r["response_rate"], "ci_low": r["ci_low"],
            "ci_high": r["ci_high"], "closed_on": survey.closed_on.isoformat() if survey.closed_on else None}
