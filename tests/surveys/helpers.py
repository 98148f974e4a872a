"""Survey test data: an organisation tree with staff, the aid project, and people paid in bulk (Core inserts)."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

import openpyxl
from sqlalchemy import select

from caseapp.budgets.models import Project
from caseapp.cases.models import HardshipFile
from caseapp.core.crypto import lookup_hash
from caseapp.core.db import db
from caseapp.core.idnumber import make_id_number
from caseapp.core.masking import mask_id, mask_phone
from caseapp.payments.models import SETTLED, AidType, PaymentItem
from caseapp.persons.models import Person
from tests.factories import OrgFactory, UserFactory

_counter = iter(range(1, 10**6))


@dataclass
class World:
    county: object
    town_a: object
    town_b: object
    caseworker: object  #: county caseworker
    town_worker: object  #: caseworker of town_a
    surveyor: object
    reviewer: object
    admin: object
    project: Project


def build_world() -> World:
    """The county union, two townships, one user per survey role, the 2025 aid project and the aid types."""
    from caseapp.payments.settings import seed_aid_types

    county = OrgFactory(name="魏县总工会")
    town_a = OrgFactory(parent=county, name="魏城镇工会")
    town_b = OrgFactory(parent=county, name="双井镇工会")
    users = {role: UserFactory(org=county, roles=[role], email=f"{role}@example.org")
             for role in ("caseworker", "surveyor", "reviewer", "admin")}
    town_worker = UserFactory(org=town_a, roles=["caseworker"], email="town@example.org")
    project = Project(year=2025, code="P-AID", name="困难职工帮扶救助", org_id=county.id, budget_fen=50_000_000)
    db.session.add(project)
    seed_aid_types()
    db.session.flush()
    return World(county, town_a, town_b, town_worker=town_worker, project=project, **users)


def people(org, count: int, *, phone: bool = True, category: str | None = None, prefix: str = "受助人") -> list[int]:
    """``count`` persons of ``org`` (valid, distinct ID numbers; a phone unless told otherwise); their ids."""
    rows = []
    for _ in range(count):
        n = next(_counter)
        number = make_id_number(birth=date(1950, 1, 1) + timedelta(days=n // 400), seq=n % 400 * 2 + 1, sex="男")
        e164 = f"+86139{n:08d}" if phone else None
        rows.append({"org_id": org.id, "name": f"{prefix}{n}", "id_number": number, "id_hash": lookup_hash(number),
                     "id_masked": mask_id(number), "sex": "男", "birth_date": date(1970, 1, 1), "phone": e164,
                     "phone_masked": mask_phone(e164) if e164 else None})
    ids = _bulk_ids(rows)
    if category is not None:
        db.session.execute(HardshipFile.__table__.insert(), [
            {"person_id": pid, "org_id": org.id, "main_cause": "因病", "status": "在档", "category": category,
             "applied_on": date(2024, 10, 1), "filed_on": date(2024, 11, 1), "secondary_causes": [], "needs": []}
            for pid in ids])
    return ids


def _bulk_ids(rows: list[dict]) -> list[int]:
    db.session.execute(Person.__table__.insert(), rows)
    hashes = [r["id_hash"] for r in rows]
    found = dict(db.session.execute(select(Person.id_hash, Person.id).where(Person.id_hash.in_(hashes))).all())
    return [found[h] for h in hashes]


def pay(project: Project, person_ids: list[int], *, fen: int = 120_000, status: str = SETTLED,
        aid: str = "生活救助", settled_on: date = date(2025, 1, 20)) -> None:
    """One item per person in ``status`` (到账 by default), belonging to the person's union."""
    aid_id = db.session.scalar(select(AidType.id).where(AidType.name == aid))
    orgs = dict(db.session.execute(select(Person.id, Person.org_id).where(Person.id.in_(person_ids))).all())
    names = dict(db.session.execute(select(Person.id, Person.name).where(Person.id.in_(person_ids))).all())
    db.session.execute(PaymentItem.__table__.insert(), [
        {"org_id": orgs[pid], "project_id": project.id, "aid_type_id": aid_id, "person_id": pid,
         "recipient_key": f"p{pid}", "recipient_name": names[pid], "amount_fen": fen, "year": project.year,
         "period": str(project.year), "status": status, "registered_by_name": "测试", "reason": "", "evidence": "",
         "registered_on": date(2025, 1, 5), "paid_on": date(2025, 1, 18) if status == SETTLED else None,
         "settled_on": settled_on if status == SETTLED else None} for pid in person_ids])
    db.session.flush()


def read_sheet(content: bytes) -> tuple[list[str], list[list], object]:
    """(headers, rows, the worksheet) of a call sheet's first sheet."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    return [str(h) for h in rows[0]], rows[1:], ws


def fill_sheet(content: bytes, answers: dict[int, dict[str, str]]) -> bytes:
    """The sheet with ``answers`` (data row index → {header: value}) typed in, saved as a user would."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    for index, values in answers.items():
        for header, value in values.items():
            ws.cell(row=index + 2, column=headers.index(header) + 1, value=value)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
