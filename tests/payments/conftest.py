"""Payment test data: an organisation, one user per role, a project, people, files, award recipients."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from caseapp.budgets.models import Project
from caseapp.core.db import db
from caseapp.persons.models import Person
from tests.factories import (AwardCategoryFactory, AwardEventFactory, AwardRecipientFactory, HardshipFileFactory,
                             OrgFactory, PersonFactory, UserFactory, id_number)

__all__ = ["World", "id_number", "make_award", "make_filed", "make_person", "make_recipient", "world"]


def make_person(org_id: int, n: int, name: str | None = None) -> Person:
    """A person with a real, valid ID number (``id_number(n)``) and a bank account."""
    person = PersonFactory(org_id=org_id, name=name or f"职工{n}", id_number=id_number(n), bank_name="农村信用社",
                           account_holder=name or f"职工{n}")
    person.set_bank_account(f"62170000{n:011d}")
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
    return HardshipFileFactory(person=person, applied_on=filed_on)


def make_award(project: Project, *, max_count: int = 100, amount_fen: int = 100_000, name: str = "先进劳模"):
    """An award event of ``project`` with one individual category."""
    category = AwardCategoryFactory(event=AwardEventFactory(project=project), name=name, max_count=max_count,
                                    amount_fen=amount_fen)
    return category.event, category


def make_recipient(event, category, person: Person, status: str = "确定"):
    """A recipient of ``category`` with ``status``."""
    return AwardRecipientFactory(category=category, person=person, status=status)
