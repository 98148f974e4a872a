"""The workflow from 登记 to 到账: roles, maker-checker, 公示 by working days, objections, history."""
from datetime import date

import pytest
from sqlalchemy import func, select

from caseapp.core.db import db
from caseapp.core.errors import Conflict, Forbidden, ValidationFailed
from caseapp.payments import reports, services
from caseapp.payments.models import BudgetCounter, LedgerEntry
from tests.conftest import acting_as, on_day
from tests.payments.conftest import make_filed, make_person


def _registered(world, n=1, amount=50_000, aid="慰问"):
    people = [make_person(world.org.id, 100 + i) for i in range(n)]
    db.session.flush()
    with acting_as(world.caseworker):
        return [services.register_payment(world.project, aid, amount, person_id=p.id, on=date(2025, 6, 2))
                for p in people]


def _to_publicized(world, items, start=date(2025, 6, 3)):
    ids = [i.id for i in items]
    with acting_as(world.reviewer):
        services.review(ids)
    with acting_as(world.leader):
        services.approve(ids, meeting_date=date(2025, 6, 3), minutes_no="党组〔2025〕7号", attendees="张三、李四")
    with acting_as(world.leader), on_day(start):  # not the registrant: no later step of their own item
        return services.publicize(ids, start)


def test_full_path_to_settled_writes_ledger_and_history(world):
    items = _registered(world, 3)
    end = _to_publicized(world, items, start=date(2025, 9, 29))
    # 9/29, 9/30, the 国庆/中秋 holidays, 10/9, 10/10 and Saturday 10/11 (调休 workday)
    assert end == date(2025, 10, 11)
    ids = [i.id for i in items]
    with acting_as(world.finance):
        with pytest.raises(Conflict, match="公示期未满"):
            services.pay(ids, on=end, bank_batch="B1")
        services.pay(ids, on=date(2025, 10, 12), bank_batch="B1")
        services.confirm(ids[:2], on=date(2025, 10, 13))
        services.return_(ids[2:], reason="账号有误", on=date(2025, 10, 13))
    db.session.expire_all()
    assert [i.status for i in items] == ["已到账", "已到账", "已退回"]
    assert db.session.scalar(select(func.sum(LedgerEntry.amount_fen))) == 100_000
    counter = db.session.get(BudgetCounter, world.project.id)
    assert (counter.reserved_fen, counter.paid_fen) == (0, 100_000)
    assert [e.action for e in reports.history(ids[0])] == ["register", "review", "approve", "publicize", "pay",
                                                          "confirm"]
    assert reports.reconcile(2025) == []


def test_registrant_may_not_review_or_approve(world):
    items = _registered(world)
    both = type(world.caseworker)  # a user holding caseworker and reviewer roles registers and reviews
    from tests.factories import UserFactory

    maker = UserFactory(org=world.org, roles=["caseworker", "reviewer"])
    person = make_person(world.org.id, 999)
    db.session.flush()
    with acting_as(maker):
        own = services.register_payment(world.project, "慰问", 1000, person_id=person.id)
        with pytest.raises(Forbidden, match="登记人不能审核通过"):
            services.review([own.id])
        services.review([items[0].id])
    assert both is not None


def test_wrong_role_and_wrong_state_are_refused(world):
    items = _registered(world)
    with acting_as(world.caseworker), pytest.raises(Forbidden):
        services.review([items[0].id])
    with acting_as(world.finance), pytest.raises(Conflict, match="状态不允许"):
        services.pay([items[0].id], on=date(2025, 7, 1), bank_batch="B")
    with acting_as(world.reviewer), pytest.raises(ValidationFailed, match="驳回必须填写原因"):
        services.reject([items[0].id], reason=" ")


def test_reject_releases_reservation(world):
    items = _registered(world, 2, amount=2_000_000)
    with acting_as(world.reviewer):
        services.reject([items[0].id], reason="材料不全")
    counter = db.session.get(BudgetCounter, world.project.id, populate_existing=True)
    assert counter.reserved_fen == 2_000_000
    assert reports.reconcile(2025) == []


def test_open_objection_holds_payment_until_dismissed(world):
    items = _registered(world)
    end = _to_publicized(world, items)
    with acting_as(world.caseworker):
        objection = services.raise_objection(items[0].id, "反映其家庭收入已提高", date(2025, 6, 4))
    with acting_as(world.finance), pytest.raises(Conflict, match="未处理的异议"):
        services.pay([items[0].id], on=date(2025, 7, 1), bank_batch="B")
    with acting_as(world.reviewer):
        services.resolve_objection(objection.id, upheld=False, resolution="经核实不成立")
    with acting_as(world.finance):
        services.pay([items[0].id], on=date(2025, 7, 1), bank_batch="B")
    assert end < date(2025, 7, 1)


def test_upheld_objection_rejects_and_releases(world):
    items = _registered(world)
    _to_publicized(world, items)
    with acting_as(world.caseworker):
        objection = services.raise_objection(items[0].id, "重复享受")
    with acting_as(world.leader):
        services.resolve_objection(objection.id, upheld=True, resolution="经核实已在其他单位领取")
    db.session.expire_all()
    assert items[0].status == "已驳回" and "异议成立" in items[0].status_reason
    assert db.session.get(BudgetCounter, world.project.id).reserved_fen == 0


def test_hardship_aid_needs_a_filed_case_on_the_day(world):
    person = make_person(world.org.id, 5)
    db.session.flush()
    with acting_as(world.caseworker):
        with pytest.raises(ValidationFailed, match="依档帮扶"):
            services.register_payment(world.project, "生活救助", 80_000, person_id=person.id, on=date(2025, 3, 1))
        make_filed(person, date(2025, 3, 2))
        with pytest.raises(ValidationFailed, match="2025年3月1日 没有在档"):
            services.register_payment(world.project, "生活救助", 80_000, person_id=person.id, on=date(2025, 3, 1))
        item = services.register_payment(world.project, "生活救助", 80_000, person_id=person.id, on=date(2025, 3, 2))
    assert item.status == "登记"


def test_reverse_once_and_ledger_is_append_only(world, engine_name):
    items = _registered(world)
    _to_publicized(world, items)
    with acting_as(world.finance):
        services.pay([items[0].id], on=date(2025, 7, 1), bank_batch="B")
        services.reverse([items[0].id], reason="重复发放", on=date(2025, 7, 2))
        with pytest.raises(Conflict):
            services.reverse([items[0].id], reason="再次冲正")
    entries = db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)).all()
    assert [e.amount_fen for e in entries] == [50_000, -50_000]
    assert entries[1].reverses_id == entries[0].id
    assert reports.reconcile(2025) == []
    with pytest.raises(Exception, match="只增不改"):
        with db.session.begin_nested():
            db.session.execute(LedgerEntry.__table__.update().values(amount_fen=1))


def test_paid_item_cannot_be_changed_or_deleted(world):
    items = _registered(world)
    _to_publicized(world, items)
    with acting_as(world.finance):
        services.pay([items[0].id], on=date(2025, 7, 1), bank_batch="B")
    table = items[0].__table__
    for stmt in (table.update().values(amount_fen=1), table.update().values(status="登记"), table.delete()):
        with pytest.raises(Exception, match="已发放的款项不可修改"):
            with db.session.begin_nested():
                db.session.execute(stmt.where(table.c.id == items[0].id))
