"""Fixtures for 劳模 tests: a small organisation tree, users in it, persons from the factory."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from caseapp.core.idnumber import make_id_number
from caseapp.orgs.models import Organisation
from caseapp.persons.models import Person
from tests.factories import OrgFactory, PersonFactory, UserFactory


def make_person(org: Organisation, seq: int = 1, name: str = "张三") -> Person:
    """A person with a valid 身份证号 (seq odd: male), flushed."""
    return PersonFactory(org_id=org.id, name=name, id_number=make_id_number(seq=seq, sex=None))


@dataclass
class Tree:
    county: Organisation
    town_a: Organisation
    town_b: Organisation
    admin: object
    worker_a: object
    worker_b: object
    reviewer: object
    auditor: object


@pytest.fixture
def tree(app) -> Tree:
    county = OrgFactory(name="魏县总工会")
    town_a, town_b = OrgFactory(parent=county, name="东代固乡工会"), OrgFactory(parent=county, name="沙口集乡工会")
    return Tree(county, town_a, town_b, admin=UserFactory(org=county, roles=["admin"]),
                worker_a=UserFactory(org=town_a, roles=["caseworker"]),
                worker_b=UserFactory(org=town_b, roles=["caseworker"]),
                reviewer=UserFactory(org=county, roles=["reviewer"]),
                auditor=UserFactory(org=county, roles=["auditor"]))
