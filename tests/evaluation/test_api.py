"""The evaluation and monitoring API: same services, JSON in Chinese, scoped like the token's owner."""
from caseapp.auth.services import issue_token
from caseapp.core.db import db
from tests.conftest import acting_as
from tests.evaluation.conftest import AID, aid_paid_to, complete


def _headers(user):
    token = issue_token(user)
    db.session.flush()
    return {"Authorization": f"Bearer {token}"}


def _call(app, client, method, path, user, body=None):
    with app.app_context():
        return client.open(path, method=method, headers=_headers(user), json=body)


def test_scores_of_the_year_and_one_project(app, client, union):
    aid_paid_to(union, paid=30)
    every = _call(app, client, "GET", "/api/v1/evaluations?year=2025&as_of=2025-12-31", union.users["auditor"])
    assert every.status_code == 200 and len(every.json["projects"]) == 3
    one = _call(app, client, "GET", f"/api/v1/projects/{AID}/evaluation?year=2025", union.users["auditor"])
    assert one.json["execution"]["spent_fen"] == 36_000_000 and one.json["status"] == "none"
    assert _call(app, client, "GET", "/api/v1/evaluations", union.users["auditor"]).json["field"] == "year"


def test_evaluator_decisions_and_review(app, client, union):
    aid_paid_to(union, paid=30)
    finance, reviewer = union.users["finance"], union.users["reviewer"]
    indicator = union.indicator(AID, "社会稳定")
    path = f"/api/v1/projects/{AID}/evaluation/indicators/{indicator.id}"
    refused = _call(app, client, "POST", path, finance, {"band": "达成年度指标", "score": 5})
    assert refused.status_code == 422 and "12.00 到 15.00" in refused.json["message"]
    done = _call(app, client, "POST", path, finance, {"band": "达成年度指标", "score": 14.5})
    row = next(i for i in done.json["indicators"] if i["level3"] == "社会稳定")
    assert done.status_code == 200 and row["score"] == 14.5 and row["band"] == "达成年度指标"
    early = _call(app, client, "POST", f"/api/v1/projects/{AID}/evaluation/actions", finance, {"action": "submit"})
    assert early.status_code == 422 and "尚不能提交" in early.json["message"]
    with acting_as(finance):
        complete(union.project(AID))
    db.session.flush()
    submitted = _call(app, client, "POST", f"/api/v1/projects/{AID}/evaluation/actions", finance, {"action": "submit"})
    assert submitted.status_code == 200 and submitted.json["frozen"] and submitted.json["status"] == "submitted"
    again = _call(app, client, "POST", path, finance, {"deviation_reason": "改"})
    assert again.status_code == 409 and again.json["error"] == "frozen"
    no_reason = _call(app, client, "POST", f"/api/v1/projects/{AID}/evaluation/actions", reviewer, {"action": "return"})
    assert no_reason.status_code == 422
    returned = _call(app, client, "POST", f"/api/v1/projects/{AID}/evaluation/actions", reviewer,
                     {"action": "return", "reason": "请附回访记录"})
    assert returned.json["status"] == "returned" and not returned.json["frozen"]


def test_overall_and_weights(app, client, union):
    finance = union.users["finance"]
    resp = _call(app, client, "POST", f"/api/v1/projects/{AID}/evaluation", finance,
                 {"overall_actual": "完成", "as_of": "2025-06-30"})
    assert resp.status_code == 200 and resp.json["as_of"] == "2025-06-30"
    bad = _call(app, client, "POST", f"/api/v1/projects/{AID}/evaluation", finance, {"as_of": "30/06/2025"})
    assert bad.status_code == 422 and bad.json["field"] == "as_of"
    weights = _call(app, client, "POST", f"/api/v1/projects/{AID}/evaluation", finance, {"weights": {"1": 50}})
    assert weights.status_code == 422 and "平均分配" in weights.json["message"]


def test_monitoring_api(app, client, union):
    aid_paid_to(union, paid=10)
    satisfaction = union.indicator(AID, "满意率")
    listed = _call(app, client, "GET", "/api/v1/monitoring?year=2025&month=7", union.users["auditor"])
    aid = next(p for p in listed.json["projects"] if p["code"] == AID)
    assert aid["spent_fen"] == 12_000_000 and aid["light"] == "red"
    saved = _call(app, client, "POST", f"/api/v1/projects/{AID}/monitoring", union.users["caseworker"], {
        "month": 7, "expected_spend_fen": 47_660_000, "spend_causes": ["人员保障"],
        "indicators": [{"indicator_id": satisfaction.id, "likelihood": "有可能", "causes": ["其他"]}]})
    assert saved.status_code == 200 and saved.json["expected_spend_fen"] == 47_660_000
    bad = _call(app, client, "POST", f"/api/v1/projects/{AID}/monitoring", union.users["caseworker"],
                {"month": 7, "spend_causes": ["天气"]})
    assert bad.status_code == 422
    auditor = _call(app, client, "POST", f"/api/v1/projects/{AID}/monitoring", union.users["auditor"], {"month": 7})
    assert auditor.status_code == 403


def test_openapi_documents_the_endpoints(app, client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/evaluations", "/api/v1/projects/{code}/evaluation",
                 "/api/v1/projects/{code}/evaluation/indicators/{indicator_id}",
                 "/api/v1/projects/{code}/evaluation/actions", "/api/v1/departments/evaluation",
                 "/api/v1/monitoring", "/api/v1/projects/{code}/monitoring"):
        assert path in paths, path
