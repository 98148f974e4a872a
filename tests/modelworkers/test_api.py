"""劳模 API: token auth, 201 with ids, 422 with field, masked persons, scope 404s."""
import pytest

from caseapp.auth.services import issue_token
from caseapp.core.idnumber import make_id_number

ID = make_id_number(seq=101)


@pytest.fixture
def api(app, tree):
    def call(user, method, url, **kw):
        headers = {"Authorization": f"Bearer {issue_token(user)}"}
        return getattr(app.test_client(), method)(f"/api/v1{url}", headers=headers, **kw)
    return call


def _body(org, **over):
    return {"name": "孙劳模", "id_number": ID, "org_code": org.code, "level": "省部级", "title": "河北省劳动模范",
            "year_awarded": 2019, "phone": "13712345678", **over}


def test_create_list_and_read_masked(api, tree):
    resp = api(tree.worker_a, "post", "/model-workers", json=_body(tree.town_a))
    assert resp.status_code == 201, resp.get_json()
    data = resp.get_json()
    assert data["id"] and data["person"]["id"]
    assert data["person"]["id_number_masked"] == ID[:4] + "*" * 10 + ID[-4:]
    assert data["person"]["phone_masked"] == "137****5678"
    assert ID not in resp.get_data(as_text=True)
    listed = api(tree.admin, "get", "/model-workers?level=省部级&org_code=" + tree.town_a.code).get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == data["id"]
    assert api(tree.admin, "get", f"/model-workers/{data['id']}").get_json()["title"] == "河北省劳动模范"


@pytest.mark.parametrize("over, field", [
    ({"level": "乡级"}, "level"), ({"year_awarded": "2019"}, "year_awarded"), ({"title": ""}, "title"),
    ({"id_number": ID[:-1] + ("0" if ID[-1] != "0" else "1")}, "id_number"), ({"phone": "12345"}, "phone"),
])
def test_422_names_the_field(api, tree, over, field):
    resp = api(tree.worker_a, "post", "/model-workers", json=_body(tree.town_a, **over))
    assert resp.status_code == 422
    body = resp.get_json()
    assert body["field"] == field and body["message"]


def test_other_township_gets_404_and_no_token_401(api, tree, app):
    created = api(tree.worker_a, "post", "/model-workers", json=_body(tree.town_a)).get_json()
    assert api(tree.worker_b, "get", f"/model-workers/{created['id']}").status_code == 404
    assert api(tree.worker_b, "get", "/model-workers").get_json()["total"] == 0
    assert api(tree.worker_b, "post", "/model-workers", json=_body(tree.town_a, id_number=make_id_number(seq=103))
               ).status_code == 404
    assert app.test_client().get("/api/v1/model-workers").status_code == 401


def test_openapi_documents_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/model-workers"])
    assert "/api/v1/model-workers/{mw_id}" in paths
