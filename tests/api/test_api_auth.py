"""API authentication: bearer tokens only, scoped like their owner; OpenAPI generated from routes."""
from caseapp.auth.services import issue_token
from tests.conftest import login
from tests.factories import OrgFactory, UserFactory


def test_token_scopes_like_its_owner(client, operator):
    county = OrgFactory()
    a = OrgFactory(parent=county)
    OrgFactory(parent=county)
    token = issue_token(UserFactory(org=a))
    resp = client.get("/api/v1/orgs", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200
    assert [o["code"] for o in resp.json["orgs"]] == [a.code]


def test_missing_or_bad_token_is_401_in_chinese(client):
    resp = client.get("/api/v1/orgs")
    assert resp.status_code == 401 and "令牌" in resp.json["message"]
    resp = client.get("/api/v1/orgs", headers={"Authorization": "Bearer nope"})
    assert resp.status_code == 401


def test_session_cookie_does_not_authenticate_api(client):
    user = UserFactory()
    login(client, user)
    assert client.get("/dashboard").status_code == 200
    assert client.get("/api/v1/orgs").status_code == 401


def test_disabled_owner_invalidates_token(client, operator):
    from caseapp.auth.services import set_enabled

    user = UserFactory()
    token = issue_token(user)
    set_enabled(user, False)
    assert client.get("/api/v1/orgs", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_openapi_lists_routes(client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    assert "/api/v1/orgs" in doc["paths"]
