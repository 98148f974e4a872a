"""Caps, idempotency and reversals under real concurrency: a multi-process gunicorn on a committed database."""
from __future__ import annotations

import random
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import func, select

from caseapp.core import context
from caseapp.core.db import db
from tests.conftest import make_app, on_day
from tests.payments import live_server

HEADS, PEOPLE, BUDGET = 100, 200, 3_000_000


@dataclass
class Live:
    """The running server and what was seeded for it."""

    base: str
    app: object
    caseworker_token: str = ""
    finance_token: str = ""
    recipient_ids: list[int] = field(default_factory=list)
    id_numbers: list[str] = field(default_factory=list)
    amounts: list[int] = field(default_factory=list)
    paid_item_id: int = 0


def _seed(app) -> dict:
    """Committed data: staff, two projects, an award of 100 places with 200 confirmed recipients, 200 people."""
    from caseapp.auth.services import issue_token
    from caseapp.budgets.models import Project
    from caseapp.payments import services
    from caseapp.payments.settings import seed_aid_types
    from tests.factories import OrgFactory, UserFactory
    from tests.payments.conftest import id_number, make_award, make_person, make_recipient

    with app.app_context():
        token = context.set_principal(context.OPERATOR)
        org = OrgFactory()
        caseworker, finance = UserFactory(org=org, roles=["caseworker"]), UserFactory(org=org, roles=["finance"])
        award = Project(year=2025, code="AWARD", name="表彰", org_id=org.id, budget_fen=HEADS * 2 * 100_000)
        aid = Project(year=2025, code="AID", name="慰问", org_id=org.id, budget_fen=BUDGET)
        idem = Project(year=2025, code="IDEM", name="幂等", org_id=org.id, budget_fen=BUDGET)
        db.session.add_all([award, aid, idem])
        seed_aid_types()
        event, category = make_award(award, max_count=HEADS)
        recipients = [make_recipient(event, category, make_person(org.id, n)) for n in range(PEOPLE)]
        people = [make_person(org.id, 1000 + n) for n in range(PEOPLE + 1)]
        item = services.register_payment(aid, "慰问", 10_000, person_id=people[-1].id, on=date(2025, 5, 6))
        services.review([item.id])
        services.approve([item.id], meeting_date=date(2025, 5, 7), minutes_no="纪要1", attendees="甲、乙")
        with on_day(date(2025, 5, 8)):
            services.publicize([item.id], date(2025, 5, 8))
        services.pay([item.id], on=date(2025, 6, 1), bank_batch="B0")
        seeded = {"caseworker_token": issue_token(caseworker), "finance_token": issue_token(finance),
                  "recipient_ids": [r.id for r in recipients], "paid_item_id": item.id,
                  "id_numbers": [id_number(1000 + n) for n in range(PEOPLE)]}
        db.session.commit()
        context.reset_principal(token)
        return seeded


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(request, tmp_path_factory):
    instance = tmp_path_factory.mktemp(f"live-{request.param}")
    if request.param == "sqlite":
        url, workers = f"sqlite:///{instance / 'live.sqlite'}", 2
    else:
        url, workers = request.getfixturevalue("fresh_pg_database")(), 4
    k = live_server.keys()
    app = make_app(url, str(instance), **live_server.app_overrides(k))
    with app.app_context():
        db.create_all()
    seeded = _seed(app)
    with live_server.gunicorn(url, k, str(instance), workers) as base:
        yield Live(base=base, app=app, **seeded)
    with app.app_context():
        db.engine.dispose()


def _parallel(calls, threads: int = 40) -> list[tuple[int, dict]]:
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda f: f(), calls))


def _reconciled(live: Live) -> list:
    from caseapp.payments.reports import reconcile

    with live.app.app_context():
        token = context.set_principal(context.OPERATOR)
        try:
            return reconcile(2025)
        finally:
            context.reset_principal(token)
            db.session.remove()


def test_headcount_cap_holds_for_200_concurrent_requests(live):
    def register(rid):
        return lambda: live_server.post(live.base, "/api/v1/payments", {
            "project_code": "AWARD", "aid_type": "表彰奖励", "amount_fen": 100_000, "recipient_id": rid},
            live.caseworker_token, key=uuid.uuid4().hex)

    results = _parallel([register(rid) for rid in live.recipient_ids])
    statuses = [s for s, _ in results]
    assert statuses.count(201) == HEADS and statuses.count(409) == PEOPLE - HEADS, statuses
    assert {b["message"] for s, b in results if s == 409} == {f"名额已满：先进劳模 {HEADS}/{HEADS}"}
    from caseapp.payments.models import CategoryCounter
    from caseapp.payments.models import PaymentItem

    with live.app.app_context():
        assert db.session.scalar(select(CategoryCounter.used)) == HEADS
        assert db.session.scalar(select(func.count()).where(PaymentItem.award_event_id.isnot(None))) == HEADS
        db.session.remove()
    assert _reconciled(live) == []


def test_budget_cap_with_random_amounts(live):
    rng = random.Random(4)
    amounts = [rng.randint(5_000, 30_000) for _ in live.id_numbers]
    calls = [(lambda n=n, a=a: live_server.post(live.base, "/api/v1/payments", {
        "project_code": "AID", "aid_type": "慰问", "amount_fen": a, "person_id_number": n},
        live.caseworker_token, key=uuid.uuid4().hex)) for n, a in zip(live.id_numbers, amounts)]
    results = _parallel(calls)
    assert all(s in (201, 409) for s, _ in results), [r for r in results if r[0] not in (201, 409)]
    accepted = sum(a for a, (s, _) in zip(amounts, results) if s == 201) + 10_000  # plus the seeded paid item
    assert accepted <= BUDGET
    refused = [a for a, (s, _) in zip(amounts, results) if s == 409]
    assert refused and all(a > BUDGET - accepted for a in refused)  # nothing refused would still have fit
    assert all(b["message"].startswith("预算不足：已用 ") for s, b in results if s == 409)
    assert _reconciled(live) == []


def test_one_idempotency_key_sent_100_times_makes_one_item(live):
    key = uuid.uuid4().hex
    body = {"project_code": "IDEM", "aid_type": "慰问", "amount_fen": 20_000, "person_id_number": live.id_numbers[0]}
    send = lambda: live_server.post(live.base, "/api/v1/payments", body, live.caseworker_token, key=key)  # noqa: E731
    results = _parallel([send] * 50, threads=50) + [send() for _ in range(50)]
    assert {s for s, _ in results} == {201}, [r for r in results if r[0] != 201][:3]
    assert len({b["id"] for _, b in results}) == 1
    from caseapp.payments.models import PaymentItem

    with live.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PaymentItem).where(
            PaymentItem.amount_fen == 20_000, PaymentItem.recipient_key.like("p%"),
            PaymentItem.project_id.in_(select(PaymentItem.project_id).where(PaymentItem.id == results[0][1]["id"])))) == 1
        db.session.remove()
    status, answer = live_server.post(live.base, "/api/v1/payments", dict(body, amount_fen=19_999),
                                      live.caseworker_token, key=key)
    assert status == 409 and answer["error"] == "idempotency_conflict"


def test_ten_concurrent_reversals_make_one(live):
    path = f"/api/v1/payments/{live.paid_item_id}/transitions"
    results = _parallel([lambda: live_server.post(live.base, path, {"action": "reverse", "reason": "重复发放"},
                                                  live.finance_token)] * 10, threads=10)
    statuses = sorted(s for s, _ in results)
    assert statuses == [200] + [409] * 9, results
    from caseapp.payments.models import LedgerEntry

    with live.app.app_context():
        rows = db.session.execute(select(LedgerEntry.amount_fen).where(
            LedgerEntry.item_id == live.paid_item_id).order_by(LedgerEntry.id)).scalars().all()
        db.session.remove()
    assert rows == [10_000, -10_000]
    assert _reconciled(live) == []
