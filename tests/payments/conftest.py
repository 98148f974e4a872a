"""Payment test data: an organisation, one user per role, a project, people, files, award recipients."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from caseapp.budgets.models import Project
from caseapp.core.db import db
from caseapp.persons.models import Person
from tests.factories import OrgFactory, UserFactory

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(n: int) -> str:
    """A valid 18-digit 身份证号, distinct for each ``n``."""
    body = f"1304341{970 + n // 1000 % 30:03d}0101{n % 1000:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _WEIGHTS)) % 11]


def make_person(org_id: int, n: int, name: str | None = None) -> Person:
    """A person with a real, valid ID number and a bank account."""
    number = id_number(n)
    person = Person(org_id=org_id, name=name or f"职工{n}", sex="男" if int(number[16]) % 2 else "女",
                    birth_date=date(int(number[6:10]), 1, 1), bank_name="农村信用社", account_holder=name or f"职工{n}")
    person.set_id_number(number)
    person.set_bank_account(f"62170000{n:011d}")
    db.session.add(person)
    db.session.flush()
    return person


@dataclass
class World:
    org: object
    caseworker: object
    reviewer: object
    leader: object
    finance: object
    admin: object
    project: Project


@pytest.fixture
def world(app) -> World:
    """One county union with its staff, a 2025 project of ¥50,000 and the standard aid types."""
    from caseapp.payments.settings import seed_aid_types

    org = OrgFactory()
    users = {role: UserFactory(org=org, roles=[role]) for role in ("caseworker", "reviewer", "leader", "finance",
                                                                   "admin")}
    project = Project(year=2025, code="P-AWARD", name="县级劳模表彰奖励", org_id=org.id, budget_fen=5_000_000)
    db.session.add(project)
    seed_aid_types()
    db.session.flush()
    return World(org=org, project=project, **users)


def make_filed(person: Person, filed_on: date = date(2025, 1, 2)):
    """A 在档 hardship file for ``person`` from ``filed_on``."""
    from caseapp.cases.models import HardshipFile

    f = HardshipFile(person_id=person.id, org_id=person.org_id, main_cause="因病", status="在档",
                     applied_on=filed_on, filed_on=filed_on)
    db.session.add(f)
    db.session.flush()
    return f


def make_award(project: Project, *, max_count: int = 100, amount_fen: int = 100_000, name: str = "先进劳模"):
    """An award event of ``project`` with one individual category."""
    from caseapp.awards.models import AwardCategory, AwardEvent

    event = AwardEvent(project_id=project.id, org_id=project.org_id, name=f"{project.year}年县级劳模评选",
                       held_on=date(project.year, 4, 28))
    category = AwardCategory(name=name, kind="individual", max_count=max_count, amount_fen=amount_fen)
    event.categories.append(category)
    db.session.add(event)
    db.session.flush()
    return event, category


def make_recipient(event, category, person: Person, status: str = "确定"):
    """A recipient of ``category`` with ``status``."""
    from caseapp.awards.models import AwardRecipient

    r = AwardRecipient(event_id=event.id, category_id=category.id, kind=category.kind, org_id=person.org_id,
                       person_id=person.id, status=status)
    db.session.add(r)
    db.session.flush()
    return r
