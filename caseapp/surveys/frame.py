"""The sampling frame: the distinct recipients whose items reached 到账 in a project, frozen at creation.

Four set-based statements whatever the frame's size (items grouped per recipient and aid type, the persons,
the collectives' contact people, the latest 困难类别); the rest is Python over those rows. The frame's order
comes from the stratum and a key that does not depend on database ids (the person's keyed ID hash, the
collective's name), so the same people in any database give the same order and, with a seed, the same draw.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from caseapp.awards.models import AwardRecipient
from caseapp.cases.models import HardshipFile
from caseapp.core.db import db
from caseapp.core.scoping import scoped
from caseapp.orgs.models import Organisation
from caseapp.payments.models import SETTLED, AidType, PaymentItem
from caseapp.persons.models import Person

NO_CATEGORY = "未分类"


@dataclass
class FrameRow:
    """One recipient of the frame before it is stored."""

    recipient_key: str
    person_id: int | None
    award_recipient_id: int | None
    org_id: int
    paid_fen: int = 0
    paid_on: date | None = None
    aid_types: list[str] = field(default_factory=list)
    name: str = ""
    contact_name: str | None = None
    township: str = ""
    category: str = ""
    has_phone: bool = False
    sort_key: str = ""

    def stratum(self, strata: str | None) -> str:
        """The value this recipient is stratified by ('' without strata)."""
        if strata == "township":
            return self.township
        if strata == "category":
            return self.category or NO_CATEGORY
        if strata == "aid_type":
            return "、".join(self.aid_types)
        return ""


def settled_items(project_id: int, aid_type_id: int | None, award_category_id: int | None):
    """The 到账 items of the project (and aid type / award category) within the actor's scope."""
    stmt = select(PaymentItem).where(PaymentItem.project_id == project_id, PaymentItem.status == SETTLED)
    if aid_type_id is not None:
        stmt = stmt.where(PaymentItem.aid_type_id == aid_type_id)
    if award_category_id is not None:
        stmt = stmt.where(PaymentItem.award_category_id == award_category_id)
    return scoped(stmt, PaymentItem.org_id)


def collect(project_id: int, aid_type_id: int | None = None, award_category_id: int | None = None) -> list[FrameRow]:
    """Every distinct recipient paid (到账) in the project, with what the call sheet shows about them."""
    items = settled_items(project_id, aid_type_id, award_category_id).subquery("items")
    rows = _group_items(items)
    _add_people(rows, items)
    _add_collectives(rows, items)
    _add_categories(rows, items)
    _add_townships(rows)
    return list(rows.values())


def _group_items(items) -> dict[str, FrameRow]:
    stmt = (select(items.c.recipient_key, func.min(items.c.person_id), func.min(items.c.award_recipient_id),
                   func.min(items.c.org_id), func.sum(items.c.amount_fen), func.max(items.c.settled_on), AidType.name)
            .join(AidType, AidType.id == items.c.aid_type_id)
            .group_by(items.c.recipient_key, AidType.name))
    rows: dict[str, FrameRow] = {}
    for key, person_id, recipient_id, org_id, fen, settled_on, aid_name in db.session.execute(stmt):
        row = rows.setdefault(key, FrameRow(key, person_id, None if person_id else recipient_id, org_id))
        row.paid_fen += int(fen or 0)
        row.paid_on = max(filter(None, (row.paid_on, settled_on)), default=None)
        row.aid_types = sorted({*row.aid_types, aid_name})
    return rows


def _add_people(rows: dict[str, FrameRow], items) -> None:
    stmt = (select(Person.id, Person.name, Person.org_id, Person.phone_masked, Person.id_hash)
            .where(Person.id.in_(select(items.c.person_id).where(items.c.person_id.is_not(None)))))
    for pid, name, org_id, phone, id_hash in db.session.execute(stmt):
        row = rows[f"p{pid}"]
        row.name, row.org_id, row.has_phone, row.sort_key = name, org_id, bool(phone), f"p{id_hash}"


def _add_collectives(rows: dict[str, FrameRow], items) -> None:
    """A 先进集体 is surveyed through its contact person."""
    stmt = (select(AwardRecipient.id, AwardRecipient.collective_name, AwardRecipient.contact_name,
                   AwardRecipient.contact_phone_masked, AwardRecipient.org_id)
            .where(AwardRecipient.id.in_(select(items.c.award_recipient_id).where(items.c.person_id.is_(None)))))
    for rid, name, contact, phone, org_id in db.session.execute(stmt):
        row = rows[f"r{rid}"]
        row.name, row.contact_name, row.org_id = name or "", contact, org_id
        row.has_phone, row.sort_key = bool(phone), f"r{name}"


def _add_categories(rows: dict[str, FrameRow], items) -> None:
    """The 困难类别 of each person's latest case file."""
    latest = (select(func.max(HardshipFile.id))
              .where(HardshipFile.person_id.in_(select(items.c.person_id).where(items.c.person_id.is_not(None))))
              .group_by(HardshipFile.person_id))
    stmt = select(HardshipFile.person_id, HardshipFile.category).where(HardshipFile.id.in_(latest))
    for pid, category in db.session.execute(stmt):
        rows[f"p{pid}"].category = category or ""


def _add_townships(rows: dict[str, FrameRow]) -> None:
    """The 乡镇/街道 of each recipient's union (the union itself above township level)."""
    orgs = {o.id: o for o in db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.level, Organisation.path)).all()}
    cache: dict[int, str] = {}
    for row in rows.values():
        if row.org_id not in cache:
            cache[row.org_id] = _township(orgs, row.org_id)
        row.township = cache[row.org_id]


def _township(orgs: dict, org_id: int) -> str:
    org = orgs.get(org_id)
    if org is None:
        return ""
    for ancestor in (int(part) for part in org.path.strip("/").split("/") if part):
        found = orgs.get(ancestor)
        if found is not None and found.level == "township":
            return found.name
    return org.name


def ordered(rows: list[FrameRow], strata: str | None) -> list[FrameRow]:
    """The frame in its deterministic order: by stratum, then by a key independent of database ids."""
    return sorted(rows, key=lambda r: (r.stratum(strata), r.sort_key))
