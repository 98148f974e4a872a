"""Hypothesis drives random sequences of registrations, workflow steps, replays and cap changes.

After every step: counters equal the items and the ledger, every counter is within its cap, and nothing
was paid before its 公示 ended.
"""
from datetime import date, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from caseapp.core.db import db
from caseapp.core.errors import DomainError
from caseapp.payments import caps, idempotency, reports, services
from caseapp.payments import settings as pay_settings
from caseapp.payments.models import PAYMENT, BudgetCounter, CategoryCounter, LedgerEntry, PaymentItem, PersonAidCounter
from tests.conftest import acting_as, on_day
from tests.payments.conftest import make_award, make_person, make_recipient

PEOPLE = 5


def test_invariants_hold_under_random_operations(world):
    event, category = make_award(world.project, max_count=3, amount_fen=100_000)
    people = [make_person(world.org.id, 300 + i) for i in range(PEOPLE)]
    recipients = [make_recipient(event, category, p) for p in people]
    aid = pay_settings.aid_type_named("慰问")
    with acting_as(world.admin):
        pay_settings.set_aid_cap(aid.id, 60_000)

    class Machine(RuleBasedStateMachine):
        """One example = one savepoint, rolled back in teardown."""

        @initialize()
        def begin(self):
            self.savepoint = db.session.begin_nested()
            self.keys = {}

        def teardown(self):
            self.savepoint.rollback()

        def _try(self, user, fn):
            with acting_as(user):
                try:
                    with db.session.begin_nested():
                        return fn()
                except DomainError:
                    return None

        @rule(who=st.integers(0, PEOPLE - 1), amount=st.sampled_from([10_000, 25_000, 40_000]), award=st.booleans())
        def register(self, who, amount, award):
            if award:
                self._try(world.caseworker, lambda: services.register_payment(
                    world.project, "表彰奖励", 100_000, recipient_id=recipients[who].id, on=date(2025, 5, 6)))
            else:
                self._try(world.caseworker, lambda: services.register_payment(
                    world.project, "慰问", amount, person_id=people[who].id, on=date(2025, 5, 6)))

        @rule(key=st.sampled_from(["a", "b"]), who=st.integers(0, PEOPLE - 1))
        def replay(self, key, who):
            payload = {"person": who, "amount": 10_000}

            def work():
                stored = idempotency.claim(f"sm:{key}", payload)
                if stored is not None:
                    return stored["body"]["id"]
                item = services.register_payment(world.project, "慰问", 10_000, person_id=people[who].id,
                                                 on=date(2025, 5, 6))
                idempotency.store(f"sm:{key}", 201, {"id": item.id})
                return item.id

            first = self._try(world.caseworker, work)
            if first is not None:
                assert self._try(world.caseworker, work) == first

        @rule(data=st.data())
        def approve_and_publicize(self, data):
            ids = self._ids("登记", data)
            start = data.draw(st.dates(date(2025, 5, 1), date(2025, 6, 30)))
            self._try(world.reviewer, lambda: services.review(ids))
            self._try(world.leader, lambda: services.approve(ids, meeting_date=start, minutes_no="纪要",
                                                             attendees="甲、乙"))
            with on_day(start):  # the 公示 is recorded on the day it starts
                self._try(world.leader, lambda: services.publicize(ids, start))

        @rule(data=st.data(), days=st.integers(0, 15))
        def pay(self, data, days):
            ids = self._ids("公示中", data)
            first = db.session.scalar(select(PaymentItem.publicity_start).where(PaymentItem.id.in_(ids or [0])))
            on = (first or date(2025, 6, 1)) + timedelta(days=days)
            self._try(world.finance, lambda: services.pay(ids, on=on, bank_batch="B"))

        @rule(data=st.data(), action=st.sampled_from(["reverse", "return", "confirm", "reject", "cancel"]))
        def finish(self, data, action):
            ids = self._ids(None, data)
            step = {"reverse": lambda: services.reverse(ids, reason="冲正"),
                    "return": lambda: services.return_(ids, reason="退回"),
                    "confirm": lambda: services.confirm(ids),
                    "reject": lambda: services.reject(ids, reason="驳回"),
                    "cancel": lambda: services.cancel(ids, reason="撤销")}[action]
            user = {"reject": world.reviewer, "cancel": world.caseworker}.get(action, world.finance)
            self._try(user, step)

        @rule(budget=st.integers(0, 400_000))
        def change_budget(self, budget):
            self._try(world.admin, lambda: caps.set_budget(world.project.id, budget))

        def _ids(self, status, data):
            stmt = select(PaymentItem.id).order_by(PaymentItem.id)
            if status:
                stmt = stmt.where(PaymentItem.status == status)
            ids = list(db.session.scalars(stmt))
            return data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=4, unique=True)) if ids else []

        @invariant()
        def counters_equal_ledger_and_items(self):
            assert reports.reconcile(2025) == []

        @invariant()
        def within_caps(self):
            for c in db.session.scalars(select(BudgetCounter).execution_options(populate_existing=True)):
                assert 0 <= c.reserved_fen and 0 <= c.paid_fen and c.reserved_fen + c.paid_fen <= c.cap_fen
            for c in db.session.scalars(select(CategoryCounter).execution_options(populate_existing=True)):
                assert 0 <= c.used <= c.cap
            for c in db.session.scalars(select(PersonAidCounter).execution_options(populate_existing=True)):
                assert 0 <= c.used_fen <= c.cap_fen

        @invariant()
        def nothing_paid_before_publicity_ended(self):
            rows = db.session.execute(select(LedgerEntry.entry_date, PaymentItem.publicity_end)
                                      .join(PaymentItem, PaymentItem.id == LedgerEntry.item_id)
                                      .where(LedgerEntry.kind == PAYMENT)).all()
            assert all(end is not None and paid > end for paid, end in rows)

    run_state_machine_as_test(Machine, settings=settings(
        max_examples=12, stateful_step_count=15, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
