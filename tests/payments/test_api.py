"""The payments API: registration with Idempotency-Key, transitions with past dates, lists, execution."""
from datetime import date

from caseapp.auth.services import issue_token
from caseapp.budgets.models import SpendingPlanPoint
from caseapp.core.db import db
from tests.conftest import on_day
from tests.payments.conftest import id_number, make_person


def _headers(user, key=None):
    token = issue_token(user)
    db.session.flush()
    return {"Authorization": f"Bearer {token}", **({"Idempotency-Key": key} if key else {})}


def _post(app, client, path, headers, body):
    with app.app_context():  # own session: a refused request's rollback leaves the test data alone
        return client.post(path, headers=headers, json=body)


def test_register_and_walk_the_workflow_with_past_dates(app, client, world):
    make_person(world.org.id, 1)
    body = {"project_code": "P-AWARD", "aid_type": "慰问", "amount_fen": 80_000, "person_id_number": id_number(1)}
    resp = _post(app, client, "/api/v1/payments", _headers(world.caseworker, "k-1"), body)
    assert resp.status_code == 201 and resp.json["status"] == "登记"
    item_id = resp.json["id"]
    replay = _post(app, client, "/api/v1/payments", _headers(world.caseworker, "k-1"), body)
    assert replay.status_code == 201 and replay.json == resp.json
    other = _post(app, client, "/api/v1/payments", _headers(world.caseworker, "k-1"), dict(body, amount_fen=1))
    assert other.status_code == 409 and other.json["error"] == "idempotency_conflict"
    path = f"/api/v1/payments/{item_id}/transitions"
    steps = [(world.reviewer, {"action": "review"}),
             (world.leader, {"action": "approve", "meeting_date": "2025-03-03", "minutes_no": "3号",
                             "attendees": "甲、乙、丙"}),
             (world.leader, {"action": "publicize", "start_date": "2025-03-04"}),
             (world.finance, {"action": "pay", "date": "2025-03-20", "batch": "2025-03"}),
             (world.finance, {"action": "confirm", "date": "2025-03-21"})]
    for user, step in steps:
        with on_day(date.fromisoformat(step.get("start_date", step.get("date", "2025-03-03")))):
            r = _post(app, client, path, _headers(user), step)
        assert r.status_code == 200, r.json
    assert r.json["status"] == "已到账"
    with app.app_context():
        listing = client.get("/api/v1/payments?project_code=P-AWARD&status=已到账", headers=_headers(world.reviewer))
    assert [i["id"] for i in listing.json["items"]] == [item_id] and listing.json["items"][0]["paid_on"] == "2025-03-20"


def test_invalid_input_is_422_and_caps_are_409(app, client, world):
    make_person(world.org.id, 2)
    h = _headers(world.caseworker, "k-2")
    assert _post(app, client, "/api/v1/payments", h, {"project_code": "P-AWARD", "aid_type": "慰问",
                                                      "amount_fen": "lots", "person_id_number": id_number(2)}
                 ).status_code == 422
    missing_key = _post(app, client, "/api/v1/payments", _headers(world.caseworker),
                        {"project_code": "P-AWARD", "aid_type": "慰问", "amount_fen": 1, "person_id_number": id_number(2)})
    assert missing_key.status_code == 422 and "Idempotency-Key" in missing_key.json["message"]
    over = _post(app, client, "/api/v1/payments", h, {"project_code": "P-AWARD", "aid_type": "慰问",
                                                      "amount_fen": 5_000_001, "person_id_number": id_number(2)})
    assert over.status_code == 409 and over.json["message"] == "预算不足：已用 ¥0.00 / ¥50,000.00"
    bad = _post(app, client, "/api/v1/payments/999999/transitions", _headers(world.reviewer), {"action": "review"})
    assert bad.status_code == 404


def test_duplicate_in_the_same_period_is_409(app, client, world):
    make_person(world.org.id, 3)
    body = {"project_code": "P-AWARD", "aid_type": "慰问", "amount_fen": 1_000, "person_id_number": id_number(3)}
    assert _post(app, client, "/api/v1/payments", _headers(world.caseworker, "a"), body).status_code == 201
    dup = _post(app, client, "/api/v1/payments", _headers(world.caseworker, "b"), body)
    assert dup.status_code == 409 and dup.json["message"].startswith("重复登记")


def test_execution_against_the_spending_plan(app, client, world):
    db.session.add_all([SpendingPlanPoint(project_id=world.project.id, month=6, percent=50),
                        SpendingPlanPoint(project_id=world.project.id, month=12, percent=100)])
    db.session.flush()
    with app.app_context():
        resp = client.get("/api/v1/projects/P-AWARD/execution", headers=_headers(world.reviewer))
    assert resp.status_code == 200
    assert resp.json["budget_fen"] == 5_000_000 and resp.json["paid_fen"] == 0
    assert resp.json["plan"][0] == {"month": 6, "month_end": "2025-06-30", "planned_percent": 50,
                                    "planned_fen": 2_500_000, "paid_fen": 0}
    assert date(2025, 6, 30).isoformat() in resp.get_data(as_text=True)
