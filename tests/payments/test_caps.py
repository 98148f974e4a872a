"""Caps refuse with the exact Chinese message; duplicates and eligibility rules; the award at 50 people."""
from datetime import date

import pytest
from sqlalchemy import select

from caseapp.core.db import db
from caseapp.core.errors import Conflict, ValidationFailed
from caseapp.payments import caps, reports, services
from caseapp.payments.models import BudgetCounter, CategoryCounter
from caseapp.payments.settings import aid_type_named, set_aid_cap
from tests.conftest import acting_as
from tests.payments.conftest import make_award, make_person, make_recipient


def test_award_budget_stops_at_50_people(world):
    event, category = make_award(world.project, max_count=100, amount_fen=100_000)
    recipients = [make_recipient(event, category, make_person(world.org.id, n)) for n in range(51)]
    with acting_as(world.caseworker):
        for r in recipients[:50]:
            services.register_payment(world.project, "表彰奖励", 100_000, recipient_id=r.id)
        with pytest.raises(Conflict) as refused:
            services.register_payment(world.project, "表彰奖励", 100_000, recipient_id=recipients[50].id)
    assert refused.value.message == "预算不足：已用 ¥50,000.00 / ¥50,000.00"
    assert db.session.get(CategoryCounter, category.id).used == 50


def test_headcount_message(world):
    event, category = make_award(world.project, max_count=2, amount_fen=1_000)
    recipients = [make_recipient(event, category, make_person(world.org.id, n)) for n in range(3)]
    with acting_as(world.caseworker):
        for r in recipients[:2]:
            services.register_payment(world.project, "表彰奖励", 1_000, recipient_id=r.id)
        with pytest.raises(Conflict, match="^名额已满：先进劳模 2/2$"):
            services.register_payment(world.project, "表彰奖励", 1_000, recipient_id=recipients[2].id)


def test_award_rules_amount_and_status(world):
    event, category = make_award(world.project, amount_fen=100_000)
    nominated = make_recipient(event, category, make_person(world.org.id, 1), status="提名")
    confirmed = make_recipient(event, category, make_person(world.org.id, 2))
    with acting_as(world.caseworker):
        with pytest.raises(ValidationFailed, match="只有“确定”的获奖对象"):
            services.register_payment(world.project, "表彰奖励", 100_000, recipient_id=nominated.id)
        with pytest.raises(ValidationFailed, match="奖励金额应为 ¥1,000.00"):
            services.register_payment(world.project, "表彰奖励", 90_000, recipient_id=confirmed.id)


def test_modelworker_aid_only_for_recorded_model_workers(world):
    from caseapp.modelworkers.models import ModelWorker

    person, other = make_person(world.org.id, 1), make_person(world.org.id, 2)
    db.session.add(ModelWorker(person_id=person.id, org_id=world.org.id, level="县级", title="县级劳动模范",
                               year_awarded=2020))
    db.session.flush()
    with acting_as(world.caseworker):
        services.register_payment(world.project, "劳模帮扶", 50_000, person_id=person.id)
        with pytest.raises(ValidationFailed, match="没有劳模档案"):
            services.register_payment(world.project, "劳模帮扶", 50_000, person_id=other.id)


def test_per_person_yearly_cap(world):
    person = make_person(world.org.id, 1)
    aid = aid_type_named("慰问")
    with acting_as(world.admin):
        set_aid_cap(aid.id, 100_000)
    from caseapp.budgets.models import Project

    second = Project(year=2025, code="P-2", name="另一个项目", org_id=world.org.id, budget_fen=1_000_000)
    db.session.add(second)
    db.session.flush()
    with acting_as(world.caseworker):
        services.register_payment(world.project, "慰问", 60_000, person_id=person.id)
        with pytest.raises(Conflict, match="^超出个人年度限额：慰问 已用 ¥600.00 / ¥1,000.00$"):
            services.register_payment(second, "慰问", 50_000, person_id=person.id)
        services.register_payment(second, "慰问", 40_000, person_id=person.id)
    assert reports.reconcile(2025) == []


def test_budget_cannot_drop_below_what_is_used(world, operator):
    person = make_person(world.org.id, 1)
    with acting_as(world.caseworker):
        services.register_payment(world.project, "慰问", 300_000, person_id=person.id)
    with pytest.raises(Conflict, match="预算不足：已用 ¥3,000.00"):
        caps.set_budget(world.project.id, 299_999)
    caps.set_budget(world.project.id, 300_000)
    counter = db.session.scalar(select(BudgetCounter).execution_options(populate_existing=True))
    assert counter.cap_fen == 300_000 and world.project.budget_fen == 300_000


def test_counter_check_constraint_stands_behind_the_code(world):
    person = make_person(world.org.id, 1)
    with acting_as(world.caseworker):
        services.register_payment(world.project, "慰问", 10_000, person_id=person.id)
    with pytest.raises(Exception, match="within_cap|CHECK"):
        with db.session.begin_nested():
            db.session.execute(BudgetCounter.__table__.update().values(reserved_fen=10**9))


def test_registering_for_a_person_outside_scope_is_not_found(world):
    from caseapp.core.errors import NotFound
    from tests.factories import OrgFactory

    stranger = make_person(OrgFactory().id, 1)
    with acting_as(world.caseworker), pytest.raises(NotFound):
        services.register_payment(world.project, "慰问", 10_000, person_id=stranger.id, on=date(2025, 6, 1))
