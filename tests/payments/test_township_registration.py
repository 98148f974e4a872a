"""A township caseworker registers aid from the county's project: the item is the township's."""
from datetime import date

import pytest

from caseapp.core.errors import NotFound
from caseapp.payments import reports, services
from tests.conftest import acting_as
from tests.factories import OrgFactory, UserFactory
from tests.payments.conftest import make_filed, make_person


@pytest.fixture
def townships(world):
    a, b = OrgFactory(parent=world.org, name="甲镇工会"), OrgFactory(parent=world.org, name="乙镇工会")
    return a, b


def test_township_item_from_county_project(world, townships):
    a, b = townships
    person = make_person(a.id, 1)
    make_filed(person)
    worker_a = UserFactory(org=a, roles=["caseworker"])
    with acting_as(worker_a):
        item = services.register_payment(world.project, "生活救助", 80_000, person_id=person.id, on=date(2025, 3, 3))
    assert item.org_id == a.id and item.project_id == world.project.id
    with acting_as(UserFactory(org=b, roles=["caseworker", "reviewer"])):
        with pytest.raises(NotFound):
            services.get_item(item.id)
        assert reports.list_items(project_id=world.project.id) == ([], 0)
    with acting_as(world.reviewer):  # the county reviews what the township registered
        services.review([item.id])
        assert services.get_item(item.id).status == "已审核"


def test_township_cannot_register_another_townships_person(world, townships):
    a, b = townships
    person_b = make_person(b.id, 2)
    make_filed(person_b)
    with acting_as(UserFactory(org=a, roles=["caseworker"])):
        with pytest.raises(NotFound):
            services.register_payment(world.project, "生活救助", 80_000, person_id=person_b.id, on=date(2025, 3, 3))


def test_sibling_township_project_is_not_usable(world, townships):
    from caseapp.budgets.models import Project
    from caseapp.core.db import db

    a, b = townships
    b_project = Project(year=2025, code="B-OWN", name="乙镇自有项目", org_id=b.id, budget_fen=100_000)
    db.session.add(b_project)
    db.session.flush()
    person = make_person(a.id, 3)
    make_filed(person)
    with acting_as(UserFactory(org=a, roles=["caseworker"])):
        with pytest.raises(NotFound):
            services.find_project("B-OWN", 2025)
        with pytest.raises(NotFound):
            services.register_payment(b_project, "生活救助", 1000, person_id=person.id, on=date(2025, 3, 3))
