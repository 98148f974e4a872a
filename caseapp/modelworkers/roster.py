"""The "modelworker" roster kind: 劳模花名册 import (bulk) and export (masked by default)."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert, select, update
from sqlalchemy.orm import joinedload

from caseapp.core.crypto import lookup_hash
from caseapp.core.db import db
from caseapp.core.idnumber import IdNumberError, parse_id_number
from caseapp.core.phone import PhoneError, format_phone_national, normalize_phone
from caseapp.core.scoping import scoped
from caseapp.modelworkers.models import LEVELS, ModelWorker
from caseapp.persons.bulk import bulk_upsert_persons, chunks
from caseapp.persons.models import Person
from caseapp.rosters.base import Column, RosterContext, RosterKind, RowErrors, register

NAME, ID, PHONE, ORG, LEVEL, TITLE, YEAR, HARDSHIP = ("姓名", "身份证号", "手机号", "所属工会", "劳模级别", "荣誉称号",
                                                       "授予年份", "是否困难劳模")
YES_NO = {"是": True, "否": False}
COLUMNS = [
    Column(NAME, width=10, limit=Person.name), Column(ID, text=True, width=22),
    Column(PHONE, required=False, text=True),
    Column(ORG, width=18, help="组织代码或完整名称"), Column(LEVEL, choices=list(LEVELS), width=10),
    Column(TITLE, width=20, help="如：县级劳动模范", limit=ModelWorker.title),
    Column(YEAR, width=10, help="四位年份，如 2024"),
    Column(HARDSHIP, required=False, choices=list(YES_NO), width=12, help="不填视为“否”"),
]


def validate_row(cells: dict[str, str], ctx: RosterContext) -> dict:
    """Check one row, collecting every problem; returns the clean values."""
    errors: list[tuple[str, str]] = []
    clean = {"name": cells.get(NAME, "").strip(), "title": cells.get(TITLE, "").strip(),
             "level": cells.get(LEVEL, "").strip(), "is_hardship": YES_NO.get(cells.get(HARDSHIP, "").strip(), False)}
    try:
        clean["id_number"] = parse_id_number(cells.get(ID, ""), today=ctx.today).value
    except IdNumberError as exc:
        errors.append((ID, str(exc)))
    clean["phone"] = _phone(cells.get(PHONE, "").strip(), errors)
    org = ctx.org(cells.get(ORG, ""))
    if org is None:
        errors.append((ORG, "找不到该工会，或不在您的管理范围内（请填写组织代码或完整名称）"))
    clean["org_id"] = org.id if org else None
    clean["year_awarded"] = _year(cells.get(YEAR, "").strip(), ctx, errors)
    for column, key in ((NAME, "name"), (TITLE, "title")):
        if not clean[key]:
            errors.append((column, f"请填写{column}"))
    if errors:
        raise RowErrors(errors)
    return clean


def _phone(text: str, errors: list) -> str | None:
    if not text:
        return None
    try:
        return normalize_phone(text)
    except PhoneError as exc:
        errors.append((PHONE, str(exc)))
        return None


def _year(text: str, ctx: RosterContext, errors: list) -> int | None:
    text = text.removesuffix(".0").removesuffix("年")
    if text.isdigit() and 1950 <= int(text) <= ctx.today.year:
        return int(text)
    errors.append((YEAR, f"授予年份应为1950至{ctx.today.year}之间的四位年份"))
    return None


def apply_rows(rows: list[dict], ctx: RosterContext) -> tuple[int, int]:
    """Register or update the persons, then add new titles and update known ones; returns (created, updated).

    A title is known by (person, 级别, 称号, 年份), so importing the same roster again changes nothing twice.
    """
    persons = bulk_upsert_persons([{k: r[k] for k in ("name", "id_number", "phone", "org_id", "row")} for r in rows],
                                  correct_names=ctx.correct_names)
    person_ids = {h: p.id for h, p in persons.items()}
    existing = _existing_titles(list(person_ids.values()))
    new, changed = [], []
    for row in rows:
        pid = person_ids[lookup_hash(row["id_number"])]
        fields = {"org_id": row["org_id"], "is_hardship": row["is_hardship"]}
        known = existing.get((pid, row["level"], row["title"], row["year_awarded"]))
        if known is None:
            new.append({"person_id": pid, "level": row["level"], "title": row["title"],
                        "year_awarded": row["year_awarded"], "status": "在职", "awarded_by": "",
                        "hardship_reason": "", "is_allowance_paid": False, "allowance_monthly_fen": 0, **fields})
        elif (known.org_id, known.is_hardship) != (fields["org_id"], fields["is_hardship"]):
            changed.append({"id": known.id, **fields})
    for part in chunks(new):
        db.session.execute(insert(ModelWorker), part)
    for part in chunks(changed):
        db.session.execute(update(ModelWorker), part)
    return len(new), len(changed)


def _existing_titles(person_ids: list[int]) -> dict[tuple, ModelWorker]:
    found = {}
    for part in chunks(person_ids):
        for mw in db.session.scalars(select(ModelWorker).where(ModelWorker.person_id.in_(part))):
            found[(mw.person_id, mw.level, mw.title, mw.year_awarded)] = mw
    return found


def export_rows(ctx: RosterContext) -> Iterable[list]:
    """劳模 titles in scope, one row each in column order; full personal data only if ``ctx.full``."""
    stmt = (scoped(select(ModelWorker), ModelWorker.org_id)
            .options(joinedload(ModelWorker.person), joinedload(ModelWorker.org))
            .order_by(ModelWorker.org_id, ModelWorker.year_awarded, ModelWorker.id).execution_options(yield_per=1000))
    for mw in db.session.scalars(stmt):
        p = mw.person
        phone = (format_phone_national(p.phone) if p.phone else "") if ctx.full else (p.phone_masked or "")
        yield [p.name, p.id_number if ctx.full else p.id_masked, phone, mw.org.name, mw.level, mw.title,
               mw.year_awarded, "是" if mw.is_hardship else "否"]


register(RosterKind(key="modelworker", title="劳模花名册", columns=COLUMNS, validate_row=validate_row,
                    apply_rows=apply_rows, export_rows=export_rows))
