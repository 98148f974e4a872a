"""Money controls that cannot be walked around: the 公示 is never backdated or skipped, the registrant takes no
later step of their own item, nobody both approves and pays an item; the pages and the batch paths obey too."""
from __future__ import annotations

import io
import itertools
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from caseapp.core.audit import AuditEvent
from caseapp.core.context import current_principal
from caseapp.core.db import db
from caseapp.core.errors import Conflict, Forbidden, ValidationFailed
from caseapp.payments import services
from caseapp.payments.models import PaymentItem
from caseapp.payments.workflow import TRANSITIONS, allowed_actions
from tests.conftest import acting_as, on_day
from tests.factories import PASSWORD, UserFactory
from tests.payments.conftest import make_person

MEETING, START = date(2025, 6, 3), date(2025, 6, 4)
END = date(2025, 6, 10)  # 5 working days from Wednesday 6/4 (the Dragon Boat holiday is 5/31–6/2)


_people = itertools.count(300)


def _register(world, registrant, n=1):
    people = [make_person(world.org.id, next(_people)) for _ in range(n)]
    with acting_as(registrant):
        return [services.register_payment(world.project, "慰问", 50_000, person_id=p.id, on=date(2025, 6, 2)).id
                for p in people]


def _approved(world, registrant=None, approver=None, n=1):
    ids = _register(world, registrant or world.caseworker, n)
    with acting_as(world.reviewer):
        services.review(ids)
    with acting_as(approver or world.leader):
        services.approve(ids, meeting_date=MEETING, minutes_no="党组〔2025〕7号", attendees="张三、李四")
    return ids


def _publicized(world, **kwargs):
    ids = _approved(world, **kwargs)
    with acting_as(world.leader), on_day(START):
        assert services.publicize(ids, START) == END
    return ids


def test_the_attack_publicize_backdated_and_pay_own_item_the_same_minute_is_refused(world):
    insider = UserFactory(org=world.org, roles=["caseworker", "finance"])
    ids = _approved(world, registrant=insider)
    with acting_as(insider):
        with pytest.raises((ValidationFailed, Conflict, Forbidden)):
            services.publicize(ids, date(2020, 1, 1))
        with pytest.raises((ValidationFailed, Conflict, Forbidden)):
            services.pay(ids, on=date.today(), bank_batch="B1")
    assert db.session.get(PaymentItem, ids[0]).status == "已批准"


def test_the_publicity_never_starts_before_the_approving_meeting(world):
    ids = _approved(world)
    admin = UserFactory(org=world.org, roles=["admin"])
    with acting_as(admin), on_day(MEETING), pytest.raises(Conflict, match="不能早于集体研究日期"):
        services.publicize(ids, MEETING - timedelta(days=1), reason="补录")


def test_a_start_before_today_needs_an_admin_and_a_reason_and_is_audited(world):
    ids = _approved(world)
    today = START + timedelta(days=2)
    with on_day(today):
        with acting_as(world.leader), pytest.raises(ValidationFailed, match="不能早于今天"):
            services.publicize(ids, START, reason="会上已张贴")
        admin = UserFactory(org=world.org, roles=["admin"])
        with acting_as(admin):
            with pytest.raises(ValidationFailed, match="管理员填写原因"):
                services.publicize(ids, START)
            services.publicize(ids, START, reason="6月4日已在公示栏张贴，系统补录")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "payment.publicize_backdated"))
    assert event.after["reason"] == "6月4日已在公示栏张贴，系统补录" and event.after["start"] == "2025-06-04"
    assert event.actor_name == admin.username


def test_payment_waits_until_the_publicity_has_ended_by_the_calendar(world):
    ids = _publicized(world)
    with acting_as(world.finance):
        with on_day(END), pytest.raises(ValidationFailed, match="不能晚于今天"):
            services.pay(ids, on=END + timedelta(days=1), bank_batch="B1")  # dated tomorrow, paid today
        with on_day(END), pytest.raises(Conflict, match="公示期未满"):
            services.pay(ids, on=END, bank_batch="B1")
        with on_day(END + timedelta(days=1)):
            services.pay(ids, on=END + timedelta(days=1), bank_batch="B1")


def test_the_meeting_is_recorded_after_it_was_held(world):
    ids = _register(world, world.caseworker)
    with acting_as(world.reviewer):
        services.review(ids)
    with acting_as(world.leader), on_day(MEETING), pytest.raises(ValidationFailed, match="不能晚于今天"):
        services.approve(ids, meeting_date=MEETING + timedelta(days=1), minutes_no="1号", attendees="甲")


@pytest.mark.parametrize("step", ["review", "approve", "publicize", "pay", "confirm"])
def test_the_registrant_takes_no_later_step_of_their_own_item(world, step):
    everything = UserFactory(org=world.org, roles=["caseworker", "reviewer", "leader", "finance"])
    ids = _register(world, everything)
    actions = {
        "review": lambda: services.review(ids),
        "approve": lambda: services.approve(ids, meeting_date=MEETING, minutes_no="1号", attendees="甲"),
        "publicize": lambda: services.publicize(ids, START),
        "pay": lambda: services.pay(ids, on=END + timedelta(days=1), bank_batch="B"),
        "confirm": lambda: services.confirm(ids, on=END + timedelta(days=2)),
    }
    order = list(actions)
    for earlier in order[:order.index(step)]:  # others take the steps before
        who = {"review": world.reviewer, "approve": world.leader, "publicize": world.leader,
               "pay": world.finance}[earlier]
        with acting_as(who), on_day(START if earlier == "publicize" else END + timedelta(days=3)):
            actions[earlier]()
    with acting_as(everything), on_day(START if step == "publicize" else END + timedelta(days=3)):
        with pytest.raises(Forbidden, match="登记人不能"):
            actions[step]()


def test_nobody_both_approves_and_pays_the_same_item(world):
    approver = UserFactory(org=world.org, roles=["leader", "finance"])
    ids = _publicized(world, approver=approver)
    with acting_as(approver), on_day(END + timedelta(days=1)):
        assert "pay" not in allowed_actions(services.get_item(ids[0]), current_principal())
        with pytest.raises(Forbidden, match="批准人不能发放自己批准的款项"):
            services.pay(ids, on=END + timedelta(days=1), bank_batch="B1")
    with acting_as(world.finance), on_day(END + timedelta(days=1)):
        services.pay(ids, on=END + timedelta(days=1), bank_batch="B1")


def test_the_workflow_table_states_the_controls():
    assert TRANSITIONS["pay"].not_by == ("register", "approve")
    assert all("register" in TRANSITIONS[a].not_by for a in ("review", "approve", "publicize", "pay", "confirm",
                                                              "return", "reverse"))
    assert [c.__name__ for c in TRANSITIONS["publicize"].checks] == ["publicity_starts_after_approval"]
    assert [c.__name__ for c in TRANSITIONS["pay"].checks] == ["publicity_over"]


def _browser(app, user):
    client = app.test_client()
    with app.app_context():
        assert client.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def test_the_batch_page_obeys_them_all_or_nothing(app, world):
    insider = UserFactory(org=world.org, roles=["caseworker", "leader"])
    mine, theirs = _approved(world, registrant=insider), _approved(world)
    client = _browser(app, insider)
    with app.app_context(), on_day(START):
        resp = client.post("/payments/actions", data={"ids": mine + theirs, "action": "publicize",
                                                      "start_date": START.isoformat(), "idem_key": "b1"})
    assert resp.status_code == 403 and "登记人不能开始公示自己登记的款项（1 条）" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert {db.session.get(PaymentItem, i).status for i in mine + theirs} == {"已批准"}


def test_the_bank_return_file_obeys_them(app, world):
    finance_registrant = UserFactory(org=world.org, roles=["caseworker", "finance"])
    ids = _publicized(world, registrant=finance_registrant)
    with acting_as(world.finance), on_day(END + timedelta(days=1)):
        services.pay(ids, on=END + timedelta(days=1), bank_batch="B1")
    client = _browser(app, finance_registrant)
    body = f"款项编号,结果,日期,原因\n{ids[0]},成功,2025-06-12,\n".encode()
    with app.app_context():
        resp = client.post("/payments/bank-return", data={"file": (io.BytesIO(body), "回盘.csv")})
    assert resp.status_code == 403 and "登记人不能确认到账" in resp.get_data(as_text=True)
