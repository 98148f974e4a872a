"""The "award" roster kind: nominations for one event (个人 by 身份证号, 集体 by name) and its export."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from caseapp.awards import services
from caseapp.awards.models import AwardCategory, AwardEvent, AwardRecipient, AwardRecipientStatus
from caseapp.core.crypto import lookup_hash
from caseapp.core.db import db
from caseapp.core.errors import ValidationFailed
from caseapp.core.idnumber import IdNumberError, parse_id_number
from caseapp.core.scoping import principal_or_deny, require_role, scoped
from caseapp.persons.bulk import bulk_upsert_persons
from caseapp.rosters.base import Column, RosterContext, RosterKind, RowErrors, register

CATEGORY, NAME, ID, ORG = "类别", "姓名或集体名称", "身份证号", "所属工会"
COLUMNS = [
    Column(CATEGORY, width=14, help="本次评选的类别名称，如：先进劳模、先进集体", limit=AwardCategory.name),
    Column(NAME, width=24, help="个人填姓名；集体填集体名称", limit=AwardRecipient.collective_name),
    Column(ID, required=False, text=True, width=22, help="个人必填；集体不填"),
    Column(ORG, width=18, help="组织代码或完整名称；集体本身是工会组织时填该组织"),
]


def _event(ctx: RosterContext) -> AwardEvent:
    """The import's event, loaded once per roster (kept in the context's cache)."""
    key = ("award_event", ctx.event_id)
    if key not in ctx.org_cache:
        if not ctx.event_id:
            raise ValidationFailed("请选择评选活动", field="event")
        ctx.org_cache[key] = services.get_event(ctx.event_id)
    return ctx.org_cache[key]


def validate_row(cells: dict[str, str], ctx: RosterContext) -> dict:
    """Check one row: the category exists in the event, a person has a valid 身份证号, a collective none."""
    event = _event(ctx)
    errors: list[tuple[str, str]] = []
    name, raw_id = cells.get(NAME, "").strip(), cells.get(ID, "").strip()
    category = next((c for c in event.categories if c.name == cells.get(CATEGORY, "").strip()), None)
    if category is None:
        names = "、".join(c.name for c in event.categories)
        errors.append((CATEGORY, f"本次评选没有类别“{cells.get(CATEGORY, '')}”，可选：{names}"))
    clean = {"category_id": category.id if category else None, "kind": category.kind if category else None,
             "name": name, "id_number": None}
    if category is not None and category.kind == "individual":
        try:
            clean["id_number"] = parse_id_number(raw_id, today=ctx.today).value
        except IdNumberError as exc:
            errors.append((ID, str(exc)))
    elif category is not None and raw_id:
        errors.append((ID, f"“{category.name}”是集体类别，身份证号请留空"))
    org = ctx.org(cells.get(ORG, ""))
    if org is None:
        errors.append((ORG, "找不到该工会，或不在您的管理范围内（请填写组织代码或完整名称）"))
    clean.update(org_id=org.id if org else None, org_name=org.name if org else None)
    if not name:
        errors.append((NAME, "请填写姓名或集体名称"))
    if errors:
        raise RowErrors(errors)
    return clean


def apply_rows(rows: list[dict], ctx: RosterContext) -> tuple[int, int]:
    """Nominate each row (提名); a person or collective already in the event is moved, not duplicated.

    Confirmed recipients keep their category (moving them could pass a cap); withdrawn ones are nominated again.
    """
    require_role("caseworker", "admin")
    event = _event(ctx)
    people = [r for r in rows if r["kind"] == "individual"]
    persons = bulk_upsert_persons([{k: r[k] for k in ("name", "id_number", "org_id", "row")} for r in people],
                                  correct_names=ctx.correct_names) if people else {}
    existing = {(r.person_id or r.collective_name): r for r in db.session.scalars(
        select(AwardRecipient).where(AwardRecipient.event_id == event.id))}
    created = updated = 0
    for row in rows:
        person = persons[lookup_hash(row["id_number"])] if row["kind"] == "individual" else None
        known = existing.get(person.id if person else row["name"])
        if known is None:
            existing[person.id if person else row["name"]] = _nominate(event, row, person)
            created += 1
        elif _renominate(known, row):
            updated += 1
    db.session.flush()
    return created, updated


def _nominate(event: AwardEvent, row: dict, person) -> AwardRecipient:
    is_org = person is None and row["name"] == row["org_name"]  # the collective is the union itself
    recipient = AwardRecipient(event_id=event.id, category_id=row["category_id"], kind=row["kind"],
                               org_id=row["org_id"], person_id=person.id if person else None,
                               collective_name=None if person else row["name"],
                               collective_org_id=row["org_id"] if is_org else None,
                               nominated_by_id=principal_or_deny().user_id)
    recipient.history.append(_step(None, "提名", "花名册导入"))
    db.session.add(recipient)
    return recipient


def _renominate(recipient: AwardRecipient, row: dict) -> bool:
    if recipient.status == "确定" or (recipient.status == "提名" and recipient.category_id == row["category_id"]):
        return False
    old = recipient.status
    recipient.category_id, recipient.kind, recipient.status = row["category_id"], row["kind"], "提名"
    recipient.history.append(_step(old, "提名", "花名册导入"))
    return True


def _step(old: str | None, new: str, note: str) -> AwardRecipientStatus:
    return AwardRecipientStatus(from_status=old, to_status=new, note=note, actor_name=principal_or_deny().username)


def export_rows(ctx: RosterContext) -> Iterable[list]:
    """The event's live recipients (提名 and 确定) in scope; 身份证号 masked unless ``ctx.full``."""
    event = _event(ctx)
    stmt = scoped(select(AwardRecipient), AwardRecipient.org_id).where(
        AwardRecipient.event_id == event.id, AwardRecipient.status != "撤销").order_by(
        AwardRecipient.category_id, AwardRecipient.id)
    for r in db.session.scalars(stmt):
        number = (r.person.id_number if ctx.full else r.person.id_masked) if r.person else ""
        yield [r.category.name, r.display_name, number, r.org.name]


def _events() -> list[tuple[int, str]]:
    return [(e.id, e.name) for e in services.list_events()]


register(RosterKind(key="award", title="评选表彰人选名单", columns=COLUMNS, validate_row=validate_row,
                    apply_rows=apply_rows, export_rows=export_rows, needs_event=True, events=_events))
