"""A failure injected between the steps of a registration or a payment leaves no partial state."""
from datetime import date

import pytest
from sqlalchemy import func, select

from caseapp.auth.services import issue_token
from caseapp.core.db import db
from caseapp.payments import caps, ledger, services
from caseapp.payments.models import (BudgetCounter, CategoryCounter, IdempotencyKey, LedgerEntry, PaymentEvent,
                                     PaymentItem)
from tests.conftest import acting_as, login, on_day
from tests.payments.conftest import make_award, make_person, make_recipient


def _after_then_fail(monkeypatch, module, name):
    original = getattr(module, name)

    def broken(*args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError("injected failure")

    monkeypatch.setattr(module, name, broken)


def _post(app, client, path, token, body, key=None):
    """POST in its own app context, hence its own session: its rollback leaves the test's data alone."""
    headers = {"Authorization": f"Bearer {token}", **({"Idempotency-Key": key} if key else {})}
    with app.app_context():
        return client.post(path, headers=headers, json=body)


def _counts():
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(PaymentItem)),
            db.session.scalar(select(func.count()).select_from(LedgerEntry)),
            db.session.scalar(select(func.count()).select_from(PaymentEvent)),
            db.session.scalar(select(func.count()).select_from(IdempotencyKey)),
            db.session.scalar(select(func.coalesce(func.sum(BudgetCounter.reserved_fen), 0))),
            db.session.scalar(select(func.coalesce(func.sum(BudgetCounter.paid_fen), 0))),
            db.session.scalar(select(func.coalesce(func.sum(CategoryCounter.used), 0))))


@pytest.mark.parametrize("step", ["reserve_budget", "reserve_heads"])
def test_failure_during_registration_leaves_nothing(app, world, client, monkeypatch, step):
    event, category = make_award(world.project, max_count=5)
    recipient = make_recipient(event, category, make_person(world.org.id, 1))
    token = issue_token(world.caseworker)
    before = _counts()
    _after_then_fail(monkeypatch, caps, step)
    body = {"project_code": "P-AWARD", "aid_type": "表彰奖励", "amount_fen": 100_000, "recipient_id": recipient.id}
    resp = _post(app, client, "/api/v1/payments", token, body, key="k1")
    assert resp.status_code == 500 and resp.json["error"] == "internal"
    assert _counts() == before
    monkeypatch.undo()
    resp = _post(app, client, "/api/v1/payments", token, body, key="k1")
    assert resp.status_code == 201  # the key was not burnt by the failed attempt


@pytest.mark.parametrize("module,step", [(ledger, "record_payments"), (caps, "move_reserved_to_paid")])
def test_failure_during_payment_leaves_nothing(app, world, client, monkeypatch, module, step):
    person = make_person(world.org.id, 2)
    with acting_as(world.caseworker):
        item = services.register_payment(world.project, "慰问", 30_000, person_id=person.id, on=date(2025, 6, 2))
    with acting_as(world.reviewer):
        services.review([item.id])
    with acting_as(world.leader):
        services.approve([item.id], meeting_date=date(2025, 6, 3), minutes_no="7号", attendees="甲、乙")
    with acting_as(world.leader), on_day(date(2025, 6, 4)):
        services.publicize([item.id], date(2025, 6, 4))
    token = issue_token(world.finance)
    before = _counts()
    _after_then_fail(monkeypatch, module, step)
    resp = _post(app, client, f"/api/v1/payments/{item.id}/transitions", token,
                 {"action": "pay", "date": "2025-07-01", "batch": "B7"})
    assert resp.status_code == 500
    assert _counts() == before
    assert db.session.get(PaymentItem, item.id).status == "公示中"


def test_failure_after_the_single_statement_leaves_nothing(app, world, client, monkeypatch, engine_name):
    from caseapp.payments import fastpath, rows
    from caseapp.payments.models import PersonAidCounter
    from caseapp.payments.settings import aid_type_named, set_aid_cap

    with acting_as(world.admin):
        set_aid_cap(aid_type_named("表彰奖励").id, 500_000)
    event, category = make_award(world.project, max_count=5)
    warm_up, recipient = (make_recipient(event, category, make_person(world.org.id, n)) for n in (3, 4))
    with acting_as(world.caseworker):  # the counters exist: PostgreSQL takes the one-statement path
        services.register_payment(world.project, "表彰奖励", 100_000, recipient_id=warm_up.id, on=date(2025, 6, 2))
    token = issue_token(world.caseworker)
    before = _counts()
    person_used = db.session.scalar(select(func.sum(PersonAidCounter.used_fen)))
    module, step = (fastpath, "register") if engine_name == "postgresql" else (rows, "write")
    _after_then_fail(monkeypatch, module, step)
    body = {"project_code": "P-AWARD", "aid_type": "表彰奖励", "amount_fen": 100_000, "recipient_id": recipient.id}
    resp = _post(app, client, "/api/v1/payments", token, body, key="k2")
    assert resp.status_code == 500 and resp.json["error"] == "internal"
    assert _counts() == before and db.session.scalar(select(func.sum(PersonAidCounter.used_fen))) == person_used
    monkeypatch.undo()
    resp = _post(app, client, "/api/v1/payments", token, body, key="k2")
    assert resp.status_code == 201 and _counts()[0] == before[0] + 1


def test_refused_roster_page_leaves_no_row_and_no_reservation(app, world):
    """The aid project's row fits, the award project's two rows do not: the page's refusal commits nothing."""
    import io

    from caseapp.budgets.models import Project
    from tests.payments.conftest import id_number
    from tests.xlsx import workbook

    aid = Project(year=2025, code="P-AID", name="帮扶项目", org_id=world.org.id, budget_fen=1_000_000)
    db.session.add(aid)
    db.session.flush()  # registered first: its row is written before the award project's refusal
    award = Project(year=2025, code="P-AWD", name="表彰项目", org_id=world.org.id, budget_fen=100_000)  # one award
    db.session.add(award)
    db.session.flush()
    event, category = make_award(award, max_count=10, amount_fen=100_000)
    make_person(world.org.id, 1, name="李一")
    for n, name in ((2, "郑二"), (3, "郑三")):
        make_recipient(event, category, make_person(world.org.id, n, name=name))
    rows = [["P-AID", "慰问", "李一", id_number(1), "100", ""],
            ["P-AWD", "表彰奖励", "郑二", id_number(2), None, ""],
            ["P-AWD", "表彰奖励", "郑三", id_number(3), None, ""]]
    data = workbook(["项目编码", "发放类型", "姓名", "身份证号", "金额(元)", "发放事由"], rows)
    client = app.test_client()
    login(client, world.caseworker)
    with app.app_context():
        resp = client.post("/rosters/payment/import", data={"file": (io.BytesIO(data), "发放名单.xlsx")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "整批未登记" in resp.get_data(as_text=True) and "预算不足" in resp.get_data(as_text=True)
    assert _counts()[0] == 0 and _counts()[4] == 0  # no PaymentItem, nothing reserved
