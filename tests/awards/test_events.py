"""Award events: prefilled categories from the 2025 rules, the 五一 warning, category edits, scope."""
from datetime import date

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from caseapp.awards import services
from caseapp.awards.models import AwardCategory
from caseapp.budgets.models import Rule
from caseapp.core.db import db
from caseapp.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.conftest import acting_as
from tests.factories import OrgFactory, UserFactory


def _event(project, **over):
    data = dict(project_id=project.id, name="2025年县级劳模和先进集体评选", held_on=date(2025, 4, 20))
    return services.create_event(**{**data, **over})


def test_prefill_from_the_2025_rules_and_indicator(award_project, tree):
    with acting_as(tree.admin):
        event = _event(award_project)
    cats = {c.name: (c.kind, c.max_count, c.amount_fen) for c in event.categories}
    assert cats == {"先进集体": ("collective", 20, 0), "先进劳模": ("individual", 100, 100_000)}
    assert "表彰人数不超过100人" in event.categories[1].source_text
    assert services.date_warnings(event) == []


def test_rejected_rules_do_not_prefill(award_project, tree):
    for rule in db.session.scalars(db.select(Rule)):
        rule.status = "rejected"
    with acting_as(tree.admin):
        event = _event(award_project)
    assert {c.name: c.amount_fen for c in event.categories} == {"先进集体": 0, "先进劳模": 0}


def test_date_after_may_day_warns_but_is_kept(award_project, tree):
    with acting_as(tree.admin):
        event = _event(award_project, held_on=date(2025, 5, 8))
    [warning] = services.date_warnings(event)
    assert "2025年5月8日不在五一劳动节（2025年5月1日）之前" in warning
    assert event.id is not None


def test_explicit_categories_and_validation(award_project, tree):
    with acting_as(tree.admin):
        event = _event(award_project, categories=[{"name": "先进个人", "kind": "individual", "max_count": 5,
                                                   "amount_fen": 50_000}])
        assert [c.name for c in event.categories] == ["先进个人"]
        with pytest.raises(ValidationFailed) as err:
            _event(award_project, name="另一次", categories=[{"name": "甲", "kind": "team", "max_count": 1}])
        assert err.value.field == "categories[0].kind"
        with pytest.raises(ValidationFailed):
            _event(award_project, name="另一次", categories=[{"name": "甲", "kind": "individual", "max_count": -1}])
        with pytest.raises(Conflict):
            _event(award_project)


def test_category_edit_and_db_checks(award_project, tree):
    with acting_as(tree.admin):
        event = _event(award_project)
        cat = services.get_category(event, "先进集体")
        services.update_category(cat, max_count=15, amount_fen=200_000)
        assert (cat.max_count, cat.amount_fen) == (15, 200_000)
        services.add_category(event, name="先进女职工", kind="individual", max_count=3, amount_fen=0)
        with pytest.raises(ValidationFailed):
            services.add_category(event, name="先进女职工", kind="individual", max_count=3)
    db.session.add(AwardCategory(event_id=event.id, name="负数", kind="individual", max_count=-1, amount_fen=0))
    with pytest.raises(ValidationFailed, match="名额"):  # the model's declared range refuses it before SQL
        db.session.flush()
    db.session.rollback()
    with pytest.raises(IntegrityError):  # and the database's CHECK behind it
        db.session.execute(insert(AwardCategory).values(event_id=event.id, name="负数", kind="individual",
                                                        max_count=-1, amount_fen=0))


def test_only_admins_create_and_other_trees_see_nothing(award_project, tree):
    with acting_as(tree.worker_a), pytest.raises(Forbidden):
        _event(award_project)
    with acting_as(tree.admin):
        event = _event(award_project)
    stranger = UserFactory(org=OrgFactory(name="馆陶县总工会"), roles=["admin"])
    with acting_as(stranger):
        assert services.list_events() == []
        with pytest.raises(NotFound):
            services.get_event(event.id)
        with pytest.raises(NotFound):
            _event(award_project, name="越权")


def test_township_admin_sees_county_event_but_cannot_change_it(award_project, tree):
    with acting_as(tree.admin):
        event = _event(award_project)
    town_admin = UserFactory(org=tree.town_a, roles=["admin"])
    with acting_as(town_admin):
        assert services.get_event(event.id) is event
        with pytest.raises(NotFound):
            services.update_category(event.categories[0], max_count=1)
