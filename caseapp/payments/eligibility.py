"""Who may receive what: 依档帮扶, 劳模 aid only to recorded 劳模, awards only to confirmed recipients."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select

from caseapp.core.calendar import format_date_zh
from caseapp.core.db import db
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.core.money import format_yuan
from caseapp.core.scoping import in_scope
from caseapp.payments.models import AidType


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


def resolve_person(*, person_id: int | None = None, id_number: str | None = None):
    """The person by id or by 身份证号 (via the keyed hash), within scope."""
    from caseapp.persons.models import Person
    from caseapp.persons.services import find_by_id_number

    person = db.session.get(Person, person_id) if person_id else (find_by_id_number(id_number) if id_number else None)
    if person is None or not in_scope(person.org_id):
        raise NotFound("人员不存在或无权访问", field="person_id_number" if id_number else "person_id")
    return person


def for_person(aid_type: AidType, person, on: date) -> Recipient:
    """Check the aid type's rule for ``person`` on ``on``; return the recipient."""
    if aid_type.kind == "hardship":
        from caseapp.cases.queries import has_active_file

        if not has_active_file(person.id, on):
            raise ValidationFailed(f"依档帮扶：{person.name} 在 {format_date_zh(on)} 没有在档的困难职工档案，"
                                   f"不能登记{aid_type.name}", field="person_id")
    elif aid_type.kind == "modelworker":
        from caseapp.modelworkers.models import ModelWorker

        if not db.session.scalar(select(exists().where(ModelWorker.person_id == person.id))):
            raise ValidationFailed(f"{person.name} 没有劳模档案，不能登记{aid_type.name}", field="person_id")
    elif aid_type.kind == "award":
        raise ValidationFailed("表彰奖励须从获奖对象登记（recipient_id）", field="recipient_id")
    return Recipient(key=f"p{person.id}", name=person.name, person_id=person.id)


def for_award(aid_type: AidType, recipient_id: int, amount_fen: int, project_id: int) -> Recipient:
    """A confirmed award recipient of an event paid from ``project_id``, paid exactly the category's amount."""
    from caseapp.awards.models import AwardCategory, AwardEvent, AwardRecipient
    from caseapp.persons.models import Person

    if aid_type.kind != "award":
        raise ValidationFailed(f"获奖对象只能登记表彰奖励，不能登记{aid_type.name}", field="aid_type")
    r = db.session.execute(  # one query for everything the rules and the caps need
        select(AwardRecipient.id, AwardRecipient.org_id, AwardRecipient.status, AwardRecipient.person_id,
               AwardRecipient.event_id, AwardRecipient.category_id, AwardRecipient.collective_name,
               Person.name.label("person_name"), AwardEvent.name.label("event_name"), AwardEvent.project_id,
               AwardCategory.name.label("category_name"), AwardCategory.amount_fen, AwardCategory.max_count)
        .join(AwardEvent, AwardEvent.id == AwardRecipient.event_id)
        .join(AwardCategory, AwardCategory.id == AwardRecipient.category_id)
        .outerjoin(Person, Person.id == AwardRecipient.person_id)
        .where(AwardRecipient.id == recipient_id)).first()
    if r is None or not in_scope(r.org_id):
        raise NotFound("获奖对象不存在或无权访问", field="recipient_id")
    name = r.person_name or r.collective_name or ""
    if r.status != "确定":
        raise ValidationFailed(f"{name} 的获奖状态为“{r.status}”，只有“确定”的获奖对象才能发放奖励",
                               field="recipient_id")
    if r.project_id != project_id:
        raise ValidationFailed(f"{r.event_name} 的奖励应从其预算项目发放", field="project_code")
    if amount_fen != r.amount_fen:
        raise ValidationFailed(f"{r.category_name} 的奖励金额应为 {format_yuan(r.amount_fen)}", field="amount_fen")
    key = f"p{r.person_id}" if r.person_id else f"r{r.id}"
    return Recipient(key=key, name=name, person_id=r.person_id, award_recipient_id=r.id, award_event_id=r.event_id,
                     category_id=r.category_id, category_label=r.category_name, category_cap=r.max_count)


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
