"""Award API: create with prefill/explicit categories, nominate, confirm cap (409), withdraw, 422s, 404s, masking."""
import pytest

from caseapp.auth.services import issue_token
from caseapp.core.db import db
from caseapp.core.idnumber import make_id_number
from tests.factories import OrgFactory, UserFactory

ID = make_id_number(seq=701)


@pytest.fixture
def api(app, tree):
    def call(user, method, url, **kw):
        headers = {"Authorization": f"Bearer {issue_token(user)}"}
        return getattr(app.test_client(), method)(f"/api/v1{url}", headers=headers, **kw)
    return call


def _create(api, tree, **over):
    body = {"project_code": "13043425P004300100025", "name": "2025年县级劳模和先进集体评选", "date": "2025-04-25", **over}
    return api(tree.admin, "post", "/award-events", json=body)


def test_create_prefilled_and_read(api, tree, award_project):
    resp = _create(api, tree)
    assert resp.status_code == 201, resp.get_json()
    data = resp.get_json()
    assert data["id"] and data["project_code"] == award_project.code and data["warnings"] == []
    cats = {c["name"]: (c["kind"], c["max_count"], c["amount_fen"]) for c in data["categories"]}
    assert cats == {"先进集体": ("collective", 20, 0), "先进劳模": ("individual", 100, 100_000)}
    assert api(tree.worker_a, "get", f"/award-events/{data['id']}").get_json()["name"] == data["name"]
    assert [e["id"] for e in api(tree.worker_a, "get", "/award-events").get_json()["items"]] == [data["id"]]


def test_explicit_categories_and_may_day_warning(api, tree, award_project):
    resp = _create(api, tree, date="2025-05-06", categories=[
        {"name": "先进个人", "kind": "individual", "max_count": 1, "amount_fen": 100_000}])
    data = resp.get_json()
    assert [c["name"] for c in data["categories"]] == ["先进个人"]
    assert "不在五一劳动节" in data["warnings"][0]


@pytest.mark.parametrize("over, field", [
    ({"date": "2025/04/25"}, "date"), ({"name": ""}, "name"),
    ({"categories": [{"name": "甲", "kind": "team", "max_count": 1}]}, "categories[0].kind"),
    ({"categories": [{"name": "甲", "kind": "individual", "max_count": -1}]}, "categories[0].max_count"),
])
def test_create_422(api, tree, award_project, over, field):
    resp = _create(api, tree, **over)
    assert resp.status_code == 422 and resp.get_json()["field"] == field


def test_nominate_confirm_cap_withdraw(api, tree, award_project):
    event = _create(api, tree, categories=[{"name": "先进劳模", "kind": "individual", "max_count": 1,
                                            "amount_fen": 100_000},
                                           {"name": "先进集体", "kind": "collective", "max_count": 5}]).get_json()
    url = f"/award-events/{event['id']}/recipients"
    person = {"category": "先进劳模", "person": {"name": "陈一", "id_number": ID, "org_code": tree.town_a.code}}
    first = api(tree.worker_a, "post", url, json=person)
    assert first.status_code == 201 and ID not in first.get_data(as_text=True)
    r1 = first.get_json()
    assert r1["person"]["id_number_masked"] == ID[:4] + "*" * 10 + ID[-4:] and r1["status"] == "提名"
    assert api(tree.worker_a, "post", url, json=person).status_code == 409
    second = api(tree.worker_a, "post", url, json={"category": "先进劳模", "person": {
        "name": "陈二", "id_number": make_id_number(seq=703), "org_code": tree.town_a.code}}).get_json()
    assert api(tree.reviewer, "post", f"{url}/{r1['id']}/confirm").get_json()["status"] == "确定"
    full = api(tree.reviewer, "post", f"{url}/{second['id']}/confirm")
    assert full.status_code == 409 and full.get_json()["message"] == "名额已满：先进劳模 1/1"
    assert api(tree.reviewer, "post", f"{url}/{r1['id']}/withdraw", json={"reason": "不符合条件"}
               ).get_json()["status"] == "撤销"
    assert api(tree.reviewer, "post", f"{url}/{second['id']}/confirm").status_code == 200
    collective = api(tree.worker_a, "post", url, json={"category": "先进集体", "collective": {
        "name": "东代固乡工会", "org_code": tree.town_a.code}})
    assert collective.status_code == 201
    assert collective.get_json()["collective"]["org_code"] == tree.town_a.code


def test_nominate_422_and_404(api, tree, award_project):
    event = _create(api, tree).get_json()
    url = f"/award-events/{event['id']}/recipients"
    wrong_kind = api(tree.worker_a, "post", url, json={"category": "先进集体", "person": {
        "name": "陈一", "id_number": ID, "org_code": tree.town_a.code}})
    assert wrong_kind.status_code == 422 and wrong_kind.get_json()["field"] == "category"
    both = api(tree.worker_a, "post", url, json={"category": "先进劳模"})
    assert both.status_code == 422
    missing = api(tree.worker_a, "post", url, json={"category": "先进劳模", "person": {"name": "陈一",
                                                                                   "org_code": tree.town_a.code}})
    assert missing.status_code == 422 and missing.get_json()["field"] == "person.id_number"
    assert api(tree.worker_a, "post", url, json={"category": "不存在", "collective": {
        "org_code": tree.town_a.code}}).status_code == 404
    stranger = UserFactory(org=OrgFactory(name="馆陶县总工会"), roles=["admin"])
    db.session.commit()  # (a savepoint here) an error response rolls back to the last commit
    assert api(stranger, "get", f"/award-events/{event['id']}").status_code == 404
    assert api(stranger, "post", url, json={"category": "先进集体", "collective": {
        "org_code": tree.town_a.code}}).status_code == 404
    r = api(tree.worker_a, "post", url, json={"category": "先进劳模", "person": {
        "name": "陈一", "id_number": ID, "org_code": tree.town_a.code}}).get_json()
    assert api(tree.worker_b, "post", f"{url}/{r['id']}/withdraw").status_code == 404
