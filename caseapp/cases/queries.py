"""Reading case files: the filtered list, a file's history, and the 依档帮扶 checks used by payments."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import joinedload, load_only

from caseapp.audit.words import action_label
from caseapp.cases import vocab
from caseapp.cases.models import HardshipFile
from caseapp.core.audit import AuditEvent
from caseapp.core.calendar import format_date_zh
from caseapp.core.db import db
from caseapp.core.paging import Count, Page, capped_count, capped_counts_by, keyset_page
from caseapp.core.scoping import principal_or_deny, scoped
from caseapp.orgs.models import Organisation
from caseapp.persons.models import Person


@dataclass
class FileFilters:
    """The list page's filters (all optional)."""

    org_id: int | None = None  #: the organisation and its subtree
    category: str = ""
    status: str = ""
    review_due_by: date | None = None  #: 在档 files whose yearly review is due on or before this date
    name: str = ""  #: 姓名 prefix
    id_hash: str | None = None  #: keyed hash of a full 身份证号 (never the number itself)


def _filtered(filters: FileFilters) -> Select:
    stmt = scoped(select(HardshipFile), HardshipFile.org_id)
    if filters.org_id:
        org = db.session.get(Organisation, filters.org_id)
        path = org.path if org else "/none/"
        stmt = stmt.where(HardshipFile.org_id.in_(
            select(Organisation.id).where(Organisation.path.startswith(path, autoescape=True))))
    if filters.category in vocab.CATEGORIES:
        stmt = stmt.where(HardshipFile.category == filters.category)
    if filters.status in vocab.STATUSES:
        stmt = stmt.where(HardshipFile.status == filters.status)
    if filters.review_due_by:
        stmt = stmt.where(HardshipFile.status == vocab.FILED, HardshipFile.review_due <= filters.review_due_by)
    if filters.id_hash:
        stmt = stmt.where(HardshipFile.person_id.in_(select(Person.id).where(Person.id_hash == filters.id_hash)))
    if filters.name.strip():
        stmt = stmt.where(HardshipFile.person_id.in_(
            select(Person.id).where(Person.name.startswith(filters.name.strip(), autoescape=True))))
    return stmt


def count_files(filters: FileFilters) -> Count:
    """How many files the list with ``filters`` holds, up to 1,000 (the desk's counts are the lists' totals)."""
    principal_or_deny()
    return capped_count(_filtered(filters).with_only_columns(HardshipFile.id))


def _listed(stmt: Select) -> Select:
    """The list's rows with what the page shows of the person: the name and the stored mask, never the
    encrypted 身份证号 (loading it would decrypt it for every row)."""
    return stmt.options(joinedload(HardshipFile.person).load_only(Person.id, Person.name, Person.id_masked),
                        joinedload(HardshipFile.org))


def files_page(filters: FileFilters, *, after: int | None = None, before: int | None = None, page: int = 1,
               per_page: int = 50) -> Page:
    """One keyset page of the files in scope matching ``filters``, newest first, and their capped count."""
    principal_or_deny()
    stmt = _filtered(filters)
    return keyset_page(_listed(stmt), HardshipFile.id, after=after, before=before, page=page, per_page=per_page,
                       total=capped_count(stmt.with_only_columns(HardshipFile.id)))


def list_files(filters: FileFilters, *, page: int = 1, per_page: int = 50) -> tuple[list[HardshipFile], int]:
    """Files in scope matching ``filters``, newest first, with person and organisation loaded; (rows, total).

    For the API (numbered pages of at most 100 rows); the pages use ``files_page``."""
    principal_or_deny()
    stmt = _filtered(filters)
    total = db.session.scalar(stmt.with_only_columns(func.count(HardshipFile.id)).order_by(None))
    rows = db.session.scalars(_listed(stmt).order_by(HardshipFile.id.desc()).limit(per_page)
                              .offset((max(page, 1) - 1) * per_page))
    return list(rows), total


def status_counts() -> dict[str, Count]:
    """{status: files in scope, up to 1,000} for the counts next to the status filter (one statement)."""
    principal_or_deny()
    stmt = scoped(select(HardshipFile.id), HardshipFile.org_id)
    return capped_counts_by(stmt, HardshipFile.status, vocab.STATUSES)


def files_of_person(person_id: int) -> list[HardshipFile]:
    """A person's files in scope, newest first."""
    stmt = scoped(select(HardshipFile), HardshipFile.org_id).where(HardshipFile.person_id == person_id)
    return list(db.session.scalars(stmt.order_by(HardshipFile.id.desc())))


@dataclass
class HistoryEntry:
    """One line of a record's history: a status change or an audit event."""

    at: datetime
    actor: str
    what: str
    detail: str


#: audit actions as the file's history names them
ACTION_LABELS = {"hardship_file.create": "新建档案", "hardship_file.update": "修改档案",
                 "hardship_file.status": "状态变更", "hardship_file.review": "年度复核",
                 "hardship_file.import": "花名册导入"}


def history(f: HardshipFile) -> list[HistoryEntry]:
    """The file's status changes and audit events, oldest first."""
    entries = [HistoryEntry(c.at, c.actor_name, f"{c.from_status or '新建'} → {c.to_status}",
                            "；".join(x for x in (c.reason, c.note, f"日期 {format_date_zh(c.effective_on)}") if x))
               for c in f.changes]
    entries += [HistoryEntry(e.at, e.actor_name, ACTION_LABELS.get(e.action) or action_label(e.action), e.summary or "")
                for e in audit_events("hardship_files", f.id)]
    return sorted(entries, key=lambda e: e.at)


def audit_events(object_type: str, object_id: int) -> list[AuditEvent]:
    """The audit events recorded for one object, oldest first."""
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == object_type, AuditEvent.object_id == str(object_id)).order_by(AuditEvent.id)))


def _active_on(on: date):
    """Condition: the file was 在档 on ``on`` (filed by then, not yet closed)."""
    return (HardshipFile.filed_on.isnot(None) & (HardshipFile.filed_on <= on)
            & or_(HardshipFile.closed_on.is_(None), HardshipFile.closed_on > on))


def has_active_file(person_id: int, on: date) -> bool:
    """依档帮扶: whether the person had a 在档 case file on ``on``."""
    return bool(db.session.scalar(select(exists().where(HardshipFile.person_id == person_id, _active_on(on)))))


def active_file_person_ids(on: date) -> Select:
    """A set-based query of the person ids with a 在档 file on ``on`` (use in ``IN`` or a join).

    Not scoped: callers combine it with their own scoped query (e.g. payments in the actor's subtree).
    """
    return select(HardshipFile.person_id).where(_active_on(on))
