"""The survey API: same services, scoped, masked, documented in the OpenAPI document."""
from tests.persons.people import api_headers
from tests.surveys.helpers import fill_sheet, pay, people


def test_create_answer_import_and_close_through_the_api(client, world):
    pay(world.project, people(world.town_a, 12))
    headers = api_headers(world.caseworker)
    created = client.post("/api/v1/surveys", json={"project_code": "P-AID", "year": 2025, "sample": "n:10",
                                                   "seed": 5}, headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["frame_size"], body["sample_size"], body["reserve_size"], body["seed"]) == (12, 10, 2, 5)
    sid = body["id"]
    members = client.get(f"/api/v1/surveys/{sid}/members", headers=headers).get_json()["items"]
    assert len(members) == 10 and "phone" not in members[0]
    answered = client.post(f"/api/v1/surveys/{sid}/answers", headers=headers,
                           json={"member_id": members[0]["id"], "outcome": "完成", "satisfaction": "满意"})
    assert answered.status_code == 201 and answered.get_json()["outcome"] == "完成"
    sheet = client.get(f"/api/v1/surveys/{sid}/sheet", headers=headers)
    assert sheet.status_code == 200 and sheet.mimetype.endswith("sheet")
    forbidden = client.get(f"/api/v1/surveys/{sid}/sheet?full_phones=1", headers=headers)
    assert forbidden.status_code == 403 and "回访员" in forbidden.get_json()["message"]
    bad = fill_sheet(sheet.data, {1: {"回访结果": "完成", "总体满意度": "还行"}})
    refused = client.post(f"/api/v1/surveys/{sid}/sheet", data=bad, headers=headers)
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["column"] == "总体满意度"
    good = fill_sheet(sheet.data, {1: {"回访结果": "完成", "总体满意度": "基本满意"}, 2: {"回访结果": "拒访"}})
    assert client.post(f"/api/v1/surveys/{sid}/sheet", data=good, headers=headers).get_json() == {"answers": 2}
    closed = client.post(f"/api/v1/surveys/{sid}/close", headers=headers)
    assert closed.status_code == 200
    assert closed.get_json() == {"completed": 2, "response_rate": 20.0, "satisfaction_rate": 100.0,
                                 "ci_low": 34.24, "ci_high": 100.0, "rule": "binary"}
    survey = client.get(f"/api/v1/surveys/{sid}", headers=headers).get_json()
    assert survey["status"] == "closed" and survey["result"]["completed"] == 2


def test_api_refusals_are_chinese_and_scoped(client, world):
    pay(world.project, people(world.town_b, 3))
    headers = api_headers(world.caseworker)
    bad = client.post("/api/v1/surveys", json={"project_code": "P-AID", "year": 2025, "seed": -5}, headers=headers)
    assert bad.status_code == 422 and bad.get_json()["field"] == "seed"
    sid = client.post("/api/v1/surveys", json={"project_code": "P-AID", "year": 2025},
                      headers=headers).get_json()["id"]
    other = api_headers(world.town_worker)
    assert client.get(f"/api/v1/surveys/{sid}", headers=other).status_code == 404
    empty = client.post("/api/v1/surveys", json={"project_code": "P-AID", "year": 2025}, headers=other)
    assert empty.status_code == 422 and "还没有已到账" in empty.get_json()["message"]
    nothing = client.post(f"/api/v1/surveys/{sid}/close", headers=headers)
    assert nothing.status_code == 409 and "完成" in nothing.get_json()["message"]


def test_openapi_documents_the_survey_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/surveys", "/api/v1/surveys/{survey_id}", "/api/v1/surveys/{survey_id}/sheet",
            "/api/v1/surveys/{survey_id}/answers", "/api/v1/surveys/{survey_id}/close",
            "/api/v1/surveys/{survey_id}/reopen", "/api/v1/surveys/{survey_id}/members"} <= set(paths)
    assert set(paths["/api/v1/surveys"]) == {"get", "post"}
