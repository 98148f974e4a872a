"""A tiny roster kind over the Person table, so the framework is tested without the areas' kinds."""
from __future__ import annotations

import io
from datetime import date

import openpyxl
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from caseapp.core.crypto import lookup_hash
from caseapp.core.db import db
from caseapp.core.idnumber import IdNumberError, make_id_number, parse_id_number
from caseapp.core.masking import mask_id
from caseapp.core.scoping import scoped
from caseapp.persons.models import Person
from caseapp.rosters.base import Column, RosterKind, RowErrors

KEY = "fake"
HEADERS = ["姓名", "身份证号", "所属工会", "类别", "备注"]


def _validate(cells, ctx):
    errors, clean = [], {"name": cells["姓名"], "note": cells.get("备注", "")}
    try:
        clean["id"] = parse_id_number(cells["身份证号"], today=ctx.today)
    except IdNumberError as exc:
        errors.append(("身份证号", str(exc)))
    org = ctx.org(cells["所属工会"])
    if org is None and cells["所属工会"]:
        errors.append(("所属工会", f"找不到工会“{cells['所属工会']}”"))
    clean["org_id"] = org.id if org else None
    if errors:
        raise RowErrors(errors)
    return clean


def _apply(rows, ctx):
    hashes = [lookup_hash(r["id"].value) for r in rows]
    existing = {p.id_hash: p for p in db.session.scalars(select(Person).where(Person.id_hash.in_(hashes)))}
    created = 0
    for row, h in zip(rows, hashes):
        person = existing.get(h)
        if person is None:
            person = Person(sex=row["id"].sex, birth_date=row["id"].birth_date)
            person.set_id_number(row["id"].value)
            db.session.add(person)
            created += 1
        person.name, person.org_id, person.work_unit = row["name"], row["org_id"], row["note"]
    db.session.flush()
    return created, len(rows) - created


def _export(ctx):
    stmt = scoped(select(Person), Person.org_id).order_by(Person.id)
    for p in db.session.scalars(stmt):
        yield [p.name, p.id_number if ctx.full else mask_id(p.id_number), p.org.code, "甲", p.work_unit]


def make_kind(**overrides) -> RosterKind:
    columns = [Column("姓名"), Column("身份证号", text=True, width=22), Column("所属工会"),
               Column("类别", required=False, choices=["甲", "乙"]), Column("备注", required=False)]
    args = dict(key=KEY, title="测试花名册", columns=columns, validate_row=_validate, apply_rows=_apply,
                export_rows=_export)
    args.update(overrides)
    return RosterKind(**args)


def xlsx(rows, headers=HEADERS, *, merge: str | None = None, sheet_title="花名册") -> bytes:
    """A workbook with ``headers`` in row 1 and ``rows`` below (values written as given)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet_title
    ws.append(headers)
    for row in rows:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # typed as text ('=...), as a user attacking an export would
    if merge:
        ws.merge_cells(merge)
    for i in range(1, len(headers) + 1):
        ws.column_dimensions[get_column_letter(i)].width = 12
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


TODAY = date(2025, 6, 1)


def ids(n: int) -> list[str]:
    """``n`` distinct valid ID numbers."""
    return [make_id_number(seq=2 * i + 1) for i in range(n)]
