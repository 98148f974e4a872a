"""Scoping: a user sees their own subtree only; out of scope looks like missing."""
import pytest

from caseapp.core.errors import Forbidden, NotFound
from caseapp.core.scoping import get_scoped
from caseapp.orgs import services
from caseapp.orgs.models import Organisation
from tests.conftest import acting_as
from tests.factories import OrgFactory, UserFactory


@pytest.fixture
def tree(app):
    county = OrgFactory(name="县总工会")
    a = OrgFactory(parent=county, name="甲镇工会")
    b = OrgFactory(parent=county, name="乙镇工会")
    a1 = OrgFactory(parent=a, name="甲镇某厂工会")
    return county, a, b, a1


def test_township_user_sees_own_subtree_only(tree):
    county, a, b, a1 = tree
    user = UserFactory(org=a)
    with acting_as(user):
        codes = {o.code for o in services.list_orgs()}
        assert codes == {a.code, a1.code}
        assert get_scoped(Organisation, a1.id, "id") is a1
        with pytest.raises(NotFound):
            get_scoped(Organisation, b.id, "id")
        with pytest.raises(NotFound):
            services.get_by_code(county.code)


def test_no_principal_sees_nothing(tree):
    with pytest.raises(Forbidden):
        from caseapp.core.scoping import principal_or_deny

        principal_or_deny()
    assert services.list_orgs() == []


def test_only_admins_create_orgs(tree):
    county, a, *_ = tree
    with acting_as(UserFactory(org=a, roles=["caseworker"])):
        with pytest.raises(Forbidden):
            services.create_org("X1", "新工会", a.code)
    with acting_as(UserFactory(org=a, roles=["admin"])):
        org = services.create_org("X1", "新工会", a.code)
        assert org.path.startswith(a.path) and org.level == "grassroots"
        with pytest.raises(NotFound):  # an admin of 甲镇 cannot add under 乙镇
            services.create_org("X2", "越权工会", tree[2].code)


def test_projects_of_the_county_are_visible_below_it_but_not_across(tree):
    from datetime import date

    from caseapp.budgets import services as budgets
    from caseapp.budgets.models import Project
    from caseapp.core.db import db

    county, a, b, a1 = tree
    county_project = Project(year=2025, code="C-1", name="县级项目", org_id=county.id, budget_fen=100)
    b_project = Project(year=2025, code="B-1", name="乙镇项目", org_id=b.id, budget_fen=100)
    db.session.add_all([county_project, b_project])
    db.session.flush()
    with acting_as(UserFactory(org=a1)):
        assert [p.code for p in budgets.list_projects(2025)] == ["C-1"]
        assert budgets.get_project(county_project.id) is county_project
        with pytest.raises(NotFound):
            budgets.get_project(b_project.id)
        assert budgets.default_year(date(2025, 6, 1)) == 2025


def test_checks_and_rules_of_the_county_are_readable_below_it(tree):
    from decimal import Decimal

    from caseapp.budgets.checks import run_checks
    from caseapp.budgets.models import Project, Rule
    from caseapp.budgets.rules import list_rules
    from caseapp.core.db import db

    county, a, b, a1 = tree
    project = Project(year=2025, code="C-2", name="县级表彰项目", org_id=county.id, budget_fen=5_000_000)
    db.session.add(project)
    db.session.flush()
    db.session.add_all([Rule(year=2025, org_id=county.id, project_id=project.id, kind="headcount_cap",
                             value=Decimal(100), unit="人", status="confirmed", source_text="不超过100人"),
                        Rule(year=2025, org_id=county.id, project_id=project.id, kind="per_person_amount",
                             value=Decimal(1000), unit="元", status="confirmed", source_text="每人1000元")])
    db.session.flush()
    with acting_as(UserFactory(org=a1)):
        assert len(list_rules(2025)) == 2
        assert {p.kind for p in run_checks(2025)} == {"cap_over_budget", "plan_incomplete"}  # no plan stated
