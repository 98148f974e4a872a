"""Who may receive what: 依档帮扶, 劳模 aid only to recorded 劳模, awards only to confirmed recipients.

Set-based: one query for the aid types (with their caps and the period setting), one for every person of a
batch and one for every award recipient, whatever the batch's size; a single line reads all of it, and whether
its counters exist, in one query (``one_line``). A refusal is returned per line, not raised,
so that a batch can explain each of its rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import Date, bindparam, exists, outerjoin, select

from caseapp.core.calendar import format_date_zh, local_today
from caseapp.core.context import current_principal
from caseapp.core.crypto import lookup_hash
from caseapp.core.db import db
from caseapp.core.errors import DomainError, NotFound, ValidationFailed
from caseapp.core.idnumber import IdNumberError, parse_id_number
from caseapp.core.money import format_yuan
from caseapp.payments.models import AidCap, AidType, PaymentSetting


@dataclass(frozen=True)
class Aid:
    """An active aid type with its per-person yearly cap (None: no cap)."""

    id: int
    name: str
    kind: str
    cap_fen: int | None


@dataclass(frozen=True)
class Recipient:
    """The resolved recipient of one item, with what the caps need to know."""

    key: str  #: "p<person id>" or "r<recipient id>"
    name: str
    person_id: int | None = None
    award_recipient_id: int | None = None
    award_event_id: int | None = None
    category_id: int | None = None
    category_label: str = ""
    category_cap: int = 0
    #: the recipient's 所属工会: the item belongs to it (a township's aid from a county project is the township's)
    org_id: int | None = None


def aid_types(names) -> tuple[dict[str, Aid], str]:
    """The active aid types called ``names`` (unknown ones are simply absent) and the period setting."""
    period = select(PaymentSetting.period_kind).where(PaymentSetting.id == 1).scalar_subquery()
    rows = db.session.execute(
        select(AidType.id, AidType.name, AidType.kind, AidCap.cap_fen, period.label("period_kind"))
        .outerjoin(AidCap, AidCap.aid_type_id == AidType.id)
        .where(AidType.name.in_(sorted({(n or "").strip() for n in names})), AidType.is_active)).all()
    found = {r.name: Aid(r.id, r.name, r.kind, r.cap_fen) for r in rows}
    return found, (rows[0].period_kind if rows else None) or "year"


@dataclass(frozen=True)
class OneLine:
    """What one line needs, read in one query: its aid type, its person or award recipient, its counters."""

    aid: Aid | None  #: None: unknown or inactive
    period_kind: str
    person: object  #: a ``persons()`` row in scope, or None
    award: object  #: an ``award_recipients()`` row in scope, or None
    #: the budget counter (and, for an award, the category counter) exist: the PostgreSQL fast path may run
    counters_ready: bool
    project_org_id: int | None = None  #: the project's 所属工会 and fiscal year, read along (None: not read)
    project_year: int | None = None


def one_line(aid_name: str, on: date, project_id: int, *, person_id: int | None = None,
             id_hash: str | None = None, recipient_id: int | None = None) -> OneLine:
    """The aid type (cap, period setting), the person or award recipient, the counters' presence and the
    project's 所属工会 and year, at once (a project held across a commit needs no refresh)."""
    kind = "award" if recipient_id is not None else "id" if person_id else "hash"
    params = {"aid_name": (aid_name or "").strip(), "on": on, "project_id": project_id, "person_id": person_id,
              "id_hash": id_hash, "recipient_id": recipient_id}
    row = db.session.connection().execute(_one_line_query(kind), params).first()
    if row is None:
        return OneLine(None, "year", None, None, False)
    found = row.id is not None and _visible(row.path)
    aid = Aid(row.aid_id, row.aid_name, row.aid_kind, row.aid_cap_fen)
    ready = row.budget_ready and (kind != "award" or bool(row.category_ready))
    return OneLine(aid, row.period_kind or "year", row if found and kind != "award" else None,
                   row if found and kind == "award" else None, bool(ready), row.project_org_id, row.project_year)


@lru_cache(maxsize=3)
def _one_line_query(kind: str):
    """The query of ``one_line``, built once per kind of line: "id", "hash" (a person) or "award"."""
    from caseapp.budgets.models import Project
    from caseapp.payments.models import BudgetCounter

    period = select(PaymentSetting.period_kind).where(PaymentSetting.id == 1).scalar_subquery()
    project = [select(column).where(Project.id == bindparam("project_id")).scalar_subquery().label(f"project_{name}")
               for name, column in (("org_id", Project.org_id), ("year", Project.year))]
    head = [AidType.id.label("aid_id"), AidType.name.label("aid_name"), AidType.kind.label("aid_kind"),
            AidCap.cap_fen.label("aid_cap_fen"), period.label("period_kind"), *project,
            exists().where(BudgetCounter.project_id == bindparam("project_id")).label("budget_ready")]
    base = outerjoin(AidType, AidCap, AidCap.aid_type_id == AidType.id)
    stmt = _with_award(head, base) if kind == "award" else _with_person(head, base, kind)
    return stmt.where(AidType.name == bindparam("aid_name"), AidType.is_active)


def _with_person(head: list, base, kind: str):
    from caseapp.orgs.models import Organisation
    from caseapp.persons.models import Person

    wanted = Person.id == bindparam("person_id") if kind == "id" else Person.id_hash == bindparam("id_hash")
    return select(*head, *_person_columns(bindparam("on", type_=Date))).select_from(
        base.outerjoin(Person, wanted).outerjoin(Organisation, Organisation.id == Person.org_id))


def _with_award(head: list, base):
    from caseapp.awards.models import AwardCategory, AwardEvent, AwardRecipient
    from caseapp.orgs.models import Organisation
    from caseapp.payments.models import CategoryCounter
    from caseapp.persons.models import Person

    ready = exists().where(CategoryCounter.category_id == AwardRecipient.category_id).label("category_ready")
    return select(*head, *_award_columns(), ready).select_from(
        base.outerjoin(AwardRecipient, AwardRecipient.id == bindparam("recipient_id"))
        .outerjoin(AwardEvent, AwardEvent.id == AwardRecipient.event_id)
        .outerjoin(AwardCategory, AwardCategory.id == AwardRecipient.category_id)
        .outerjoin(Organisation, Organisation.id == AwardRecipient.org_id)
        .outerjoin(Person, Person.id == AwardRecipient.person_id))


def unknown_aid(name: str) -> ValidationFailed:
    """The refusal for an aid type that does not exist or is inactive."""
    return ValidationFailed(f"未知的帮扶类型：{name}", field="aid_type")


def _visible(org_path: str | None) -> bool:
    principal = current_principal()
    if principal is None:
        return False
    return principal.org_path is None or bool(org_path) and org_path.startswith(principal.org_path)


def id_hash_of(raw: str | None) -> str | None:
    """The keyed hash of a valid 身份证号, else None (an invalid number finds nobody)."""
    try:
        return lookup_hash(parse_id_number(raw, today=local_today()).value)
    except IdNumberError:
        return None


def persons(person_ids, id_hashes, on: date) -> tuple[dict, dict]:
    """Persons in scope by id and by keyed hash, with their 在档 and 劳模 flags on ``on``: (by id, by hash)."""
    from caseapp.orgs.models import Organisation
    from caseapp.persons.models import Person

    ids, hashes = sorted(set(person_ids)), sorted(set(id_hashes))
    if not ids and not hashes:
        return {}, {}
    wanted = Person.id.in_(ids) if not hashes else (
        Person.id_hash.in_(hashes) if not ids else Person.id.in_(ids) | Person.id_hash.in_(hashes))
    rows = db.session.execute(select(*_person_columns(on)).join(Organisation, Organisation.id == Person.org_id)
                              .where(wanted)).all()
    visible = [r for r in rows if _visible(r.path)]
    return {r.id: r for r in visible}, {r.id_hash: r for r in visible}


def _person_columns(on) -> list:
    """What ``for_person`` reads of a person: name, 所属工会 and its path, the 在档 and 劳模 flags on ``on``."""
    from caseapp.cases.models import HardshipFile
    from caseapp.cases.queries import active_file_person_ids
    from caseapp.modelworkers.models import ModelWorker
    from caseapp.orgs.models import Organisation
    from caseapp.persons.models import Person

    return [Person.id, Person.name, Person.id_hash, Person.org_id, Organisation.path,
            active_file_person_ids(on).where(HardshipFile.person_id == Person.id).exists().label("filed"),
            exists().where(ModelWorker.person_id == Person.id).label("modelworker")]


def for_person(aid: Aid, person, on: date) -> Recipient:
    """Check the aid type's rule for a ``persons()`` row on ``on``; return the recipient or raise."""
    if aid.kind == "hardship" and not person.filed:
        raise ValidationFailed(f"依档帮扶：{person.name} 在 {format_date_zh(on)} 没有在档的困难职工档案，"
                               f"不能登记{aid.name}", field="person_id")
    if aid.kind == "modelworker" and not person.modelworker:
        raise ValidationFailed(f"{person.name} 没有劳模档案，不能登记{aid.name}", field="person_id")
    if aid.kind == "award":
        raise ValidationFailed("表彰奖励须从获奖对象登记（recipient_id）", field="recipient_id")
    return Recipient(key=f"p{person.id}", name=person.name, person_id=person.id, org_id=person.org_id)


def award_recipients(recipient_ids) -> dict:
    """Award recipients in scope by id, with their event, category and name: one query for the batch."""
    from caseapp.awards.models import AwardCategory, AwardEvent, AwardRecipient
    from caseapp.orgs.models import Organisation
    from caseapp.persons.models import Person

    ids = sorted(set(recipient_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(*_award_columns())
        .join(AwardEvent, AwardEvent.id == AwardRecipient.event_id)
        .join(AwardCategory, AwardCategory.id == AwardRecipient.category_id)
        .join(Organisation, Organisation.id == AwardRecipient.org_id)
        .outerjoin(Person, Person.id == AwardRecipient.person_id)
        .where(AwardRecipient.id.in_(ids))).all()
    return {r.id: r for r in rows if _visible(r.path)}


def _award_columns() -> list:
    """What ``for_award`` reads of a recipient: status, event, category (amount, 名额), name, 所属工会."""
    from caseapp.awards.models import AwardCategory, AwardEvent, AwardRecipient
    from caseapp.orgs.models import Organisation
    from caseapp.persons.models import Person

    return [AwardRecipient.id, AwardRecipient.status, AwardRecipient.person_id, AwardRecipient.event_id,
            AwardRecipient.org_id, AwardRecipient.category_id, AwardRecipient.collective_name, Organisation.path,
            Person.name.label("person_name"), AwardEvent.name.label("event_name"), AwardEvent.project_id,
            AwardCategory.name.label("category_name"), AwardCategory.amount_fen, AwardCategory.max_count]


def for_award(aid: Aid, r, amount_fen: int | None, project_id: int) -> Recipient:
    """A confirmed recipient of an event paid from ``project_id``, paid exactly the category's amount.

    ``amount_fen`` None means "the category's amount" (a roster leaves it to the category).
    """
    if aid.kind != "award":
        raise ValidationFailed(f"获奖对象只能登记表彰奖励，不能登记{aid.name}", field="aid_type")
    name = r.person_name or r.collective_name or ""
    if r.status != "确定":
        raise ValidationFailed(f"{name} 的获奖状态为“{r.status}”，只有“确定”的获奖对象才能发放奖励",
                               field="recipient_id")
    if r.project_id != project_id:
        raise ValidationFailed(f"{r.event_name} 的奖励应从其预算项目发放", field="project_code")
    if amount_fen is not None and amount_fen != r.amount_fen:
        raise ValidationFailed(f"{r.category_name} 的奖励金额应为 {format_yuan(r.amount_fen)}", field="amount_fen")
    key = f"p{r.person_id}" if r.person_id else f"r{r.id}"
    return Recipient(key=key, name=name, person_id=r.person_id, award_recipient_id=r.id, award_event_id=r.event_id,
                     category_id=r.category_id, category_label=r.category_name, category_cap=r.max_count,
                     org_id=r.org_id)


def recipient_missing(by_id_number: bool) -> DomainError:
    """The refusal for a person who does not exist or is out of scope (the two look the same)."""
    return NotFound("人员不存在或无权访问", field="person_id_number" if by_id_number else "person_id")


def award_recipient_missing() -> DomainError:
    """The refusal for an award recipient who does not exist or is out of scope."""
    return NotFound("获奖对象不存在或无权访问", field="recipient_id")


def confirmed_recipient_ids(event_id: int) -> list[int]:
    """The 确定 recipients of an event (for batch registration), in scope."""
    from caseapp.awards.models import AwardRecipient
    from caseapp.core.scoping import scoped

    return list(db.session.scalars(scoped(select(AwardRecipient.id).where(
        AwardRecipient.event_id == event_id, AwardRecipient.status == "确定"), AwardRecipient.org_id)
        .order_by(AwardRecipient.id)))


def file_holder_ids(on: date) -> list[int]:
    """Persons with a 在档 file on ``on`` in scope (for batch registration of hardship aid)."""
    from caseapp.cases.queries import active_file_person_ids
    from caseapp.core.scoping import scoped
    from caseapp.persons.models import Person

    return list(db.session.scalars(scoped(select(Person.id).where(Person.id.in_(active_file_person_ids(on))),
                                          Person.org_id).order_by(Person.id)))

