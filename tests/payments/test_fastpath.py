"""A single registration: one eligibility query; on PostgreSQL its writes in one statement without a savepoint,
refusals given back by the caps' counter-UPDATEs."""
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, func, select

from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.core.errors import Conflict
from caseapp.payments import services
from caseapp.payments.models import BudgetCounter, CategoryCounter, PersonAidCounter
from caseapp.payments.models import PaymentEvent, PaymentItem
from caseapp.payments.settings import aid_type_named, set_aid_cap
from tests.conftest import acting_as
from tests.payments.conftest import make_award, make_person, make_recipient

ON = date(2025, 6, 2)


@contextmanager
def statements():
    """The SQL statements sent inside the block (BEGIN and COMMIT are not statements here)."""
    sent: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)


def _state():
    """Every counter row and the number of items, history and audit rows."""
    db.session.expire_all()
    return (sorted(db.session.execute(select(BudgetCounter.project_id, BudgetCounter.reserved_fen,
                                             BudgetCounter.paid_fen, BudgetCounter.cap_fen)).all()),
            sorted(db.session.execute(select(CategoryCounter.category_id, CategoryCounter.used)).all()),
            sorted(db.session.execute(select(PersonAidCounter.person_id, PersonAidCounter.aid_type_id,
                                             PersonAidCounter.used_fen)).all()),
            [db.session.scalar(select(func.count()).select_from(m)) for m in (PaymentItem, PaymentEvent, AuditEvent)])


def _capped(world, aid_name: str, cap_fen: int) -> None:
    with acting_as(world.admin):
        set_aid_cap(aid_type_named(aid_name).id, cap_fen)


def test_a_single_registration_takes_one_query_and_one_statement(world, engine_name):
    _capped(world, "慰问", 100_000)
    _capped(world, "表彰奖励", 500_000)
    event_, category = make_award(world.project, max_count=10)
    first, second = (make_recipient(event_, category, make_person(world.org.id, n)) for n in (1, 2))
    people = [make_person(world.org.id, n) for n in (3, 4)]
    with acting_as(world.caseworker):  # the first ones create the counters (the general path)
        services.register_payment(world.project, "表彰奖励", 100_000, recipient_id=first.id, on=ON)
        services.register_payment(world.project, "慰问", 10_000, person_id=people[0].id, on=ON)
        for register in (lambda: services.register_payment(world.project, "表彰奖励", 100_000,
                                                           recipient_id=second.id, on=ON),
                         lambda: services.register_payment(world.project, "慰问", 20_000, person_id=people[1].id,
                                                           on=ON)):
            with statements() as sent:
                item = register()
            assert sum("aid_types" in s for s in sent) == 1  # eligibility in one query, on both engines
            if engine_name == "postgresql":  # eligibility and scope, then one WITH statement (no savepoint)
                writes = [s.split()[0] for s in sent if not s.startswith("SELECT")]
                assert writes == ["WITH"] and len(sent) <= 3, "\n".join(sent)
    assert db.session.get(PersonAidCounter, (people[1].id, item.aid_type_id, 2025)).used_fen == 20_000
    assert db.session.get(CategoryCounter, category.id).used == 2
    assert db.session.get(BudgetCounter, world.project.id).reserved_fen == 230_000


def test_the_one_statement_writes_what_the_general_path_writes(world):
    people = [make_person(world.org.id, n, name=f"张{n}") for n in (1, 2)]
    with acting_as(world.caseworker):
        items = [services.register_payment(world.project, "慰问", 10_000 * (n + 1), person_id=p.id, on=ON,
                                           reason=" 春节慰问 ") for n, p in enumerate(people)]
    db.session.expire_all()
    rows = [db.session.get(PaymentItem, i.id) for i in items]
    assert [(r.amount_fen, r.recipient_name, r.reason, r.status, r.period, r.registered_on) for r in rows] == \
        [(10_000, "张1", "春节慰问", "登记", "2025", ON), (20_000, "张2", "春节慰问", "登记", "2025", ON)]
    assert rows[1].created_at.tzinfo is not None and rows[1].registered_by_name == world.caseworker.username
    audits = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "payment.register")
                                .order_by(AuditEvent.id)).all()
    assert [a.object_id for a in audits] == [str(i.id) for i in items]
    assert audits[1].after == dict(audits[0].after, recipient="张*", person_id=people[1].id, amount_fen=20_000)
    assert audits[1].summary == "慰问 张*" and audits[1].org_id == world.org.id
    history = db.session.scalars(select(PaymentEvent).where(PaymentEvent.item_id == items[1].id)).all()
    assert [(h.action, h.to_status, h.actor_name) for h in history] == \
        [("register", "登记", world.caseworker.username)]


def _took_the_fast_path(sent: list[str], engine_name: str) -> bool:
    return any(s.startswith("WITH b AS") for s in sent) == (engine_name == "postgresql")


def test_refused_budget_leaves_the_counters_as_they_were(world, engine_name):
    people = [make_person(world.org.id, n) for n in (1, 2)]
    with acting_as(world.caseworker):
        services.register_payment(world.project, "慰问", 4_000_000, person_id=people[0].id, on=ON)
        before = _state()
        with statements() as sent, pytest.raises(Conflict) as refused:
            services.register_payment(world.project, "慰问", 1_000_001, person_id=people[1].id, on=ON)
    assert refused.value.message == "预算不足：已用 ¥40,000.00 / ¥50,000.00"
    assert _state() == before and _took_the_fast_path(sent, engine_name)


def test_refused_head_count_gives_the_budget_back(world, engine_name):
    event_, category = make_award(world.project, max_count=1, amount_fen=1_000)
    first, second = (make_recipient(event_, category, make_person(world.org.id, n)) for n in (1, 2))
    with acting_as(world.caseworker):
        services.register_payment(world.project, "表彰奖励", 1_000, recipient_id=first.id, on=ON)
        before = _state()
        with statements() as sent, pytest.raises(Conflict, match="^名额已满：先进劳模 1/1$"):
            services.register_payment(world.project, "表彰奖励", 1_000, recipient_id=second.id, on=ON)
    assert _state() == before and _took_the_fast_path(sent, engine_name)


def test_refused_yearly_cap_gives_the_budget_and_the_place_back(world, engine_name):
    from caseapp.budgets.models import Project

    _capped(world, "表彰奖励", 1_500)
    second = Project(year=2025, code="P-2", name="职工之家表彰", org_id=world.org.id, budget_fen=1_000_000)
    db.session.add(second)
    event_, category = make_award(world.project, max_count=5, amount_fen=1_000)
    other_event, other_category = make_award(second, max_count=5, amount_fen=1_000, name="先进工作者")
    person = make_person(world.org.id, 1)
    first, again = make_recipient(event_, category, person), make_recipient(other_event, other_category, person)
    warm_up = make_recipient(other_event, other_category, make_person(world.org.id, 2))
    with acting_as(world.caseworker):
        services.register_payment(world.project, "表彰奖励", 1_000, recipient_id=first.id, on=ON)
        services.register_payment(second, "表彰奖励", 1_000, recipient_id=warm_up.id, on=ON)
        before = _state()
        with statements() as sent, pytest.raises(Conflict, match="^超出个人年度限额：表彰奖励 已用 ¥10.00 / ¥15.00$"):
            services.register_payment(second, "表彰奖励", 1_000, recipient_id=again.id, on=ON)
    assert _state() == before and _took_the_fast_path(sent, engine_name)


def test_a_live_duplicate_is_the_usual_conflict(world, engine_name):
    person = make_person(world.org.id, 1, name="李四")
    with acting_as(world.caseworker):
        services.register_payment(world.project, "慰问", 1_000, person_id=person.id, on=ON)
        before = _state()
        with statements() as sent, pytest.raises(Conflict, match="^重复登记：李四 已有本项目本期的慰问款项$"):
            with db.session.begin_nested():
                services.register_payment(world.project, "慰问", 2_000, person_id=person.id, on=ON)
    assert _state() == before and _took_the_fast_path(sent, engine_name)


def test_a_refused_budget_takes_no_place(world, engine_name):
    from caseapp.payments import caps

    event_, category = make_award(world.project, max_count=5, amount_fen=100_000)
    first, second = (make_recipient(event_, category, make_person(world.org.id, n)) for n in (1, 2))
    with acting_as(world.caseworker):
        services.register_payment(world.project, "表彰奖励", 100_000, recipient_id=first.id, on=ON)
    with acting_as(world.admin):
        caps.set_budget(world.project.id, 150_000)
    before = _state()
    with acting_as(world.caseworker), statements() as sent, pytest.raises(Conflict) as refused:
        services.register_payment(world.project, "表彰奖励", 100_000, recipient_id=second.id, on=ON)
    assert refused.value.message == "预算不足：已用 ¥1,000.00 / ¥1,500.00"
    assert _state() == before and _took_the_fast_path(sent, engine_name)
