"""Case files over the API: create with person, 422 with field, status change, masked, 404 outside scope."""
from tests.persons.people import api_headers, new_id, org_tree, user_in

BODY = {"main_cause": "因病", "family_size": 2, "family_income_fen": 200_000, "category": "相对困难",
        "secondary_causes": ["因学"], "needs": ["就业援助"], "applied_on": "2025-03-01"}


def test_create_list_read_and_move_a_file(app, client):
    t = org_tree()
    maker, checker = api_headers(user_in(t.town_a)), api_headers(user_in(t.county, "reviewer"))
    number, spouse = new_id(), new_id("女")
    person = {"name": "马六", "id_number": number, "phone": "13812345678"}
    bad = client.post("/api/v1/hardship-files", json={**BODY, "person": {**person, "id_number": "123"}},
                      headers=maker)
    assert bad.status_code == 422 and bad.json["field"] == "id_number"
    bad = client.post("/api/v1/hardship-files", json={**BODY, "secondary_causes": ["因学", "因学"], "person": person},
                      headers=maker)
    assert bad.status_code == 422 and bad.json["field"] == "secondary_causes"
    bad = client.post("/api/v1/hardship-files", json={**BODY, "person": person, "members": [
        {"name": "王芳", "relation": "配偶", "id_number": "130434198003040011"}]}, headers=maker)
    assert bad.status_code == 422 and bad.json["field"] == "members[0].id_number"
    created = client.post("/api/v1/hardship-files", json={**BODY, "person": person, "members": [
        {"name": "王芳", "relation": "配偶", "id_number": spouse, "income_fen": 50_000}]}, headers=maker)
    assert created.status_code == 201, created.json
    text = created.get_data(as_text=True)
    assert number not in text and spouse not in text and "13812345678" not in text
    file_id = created.json["id"]
    assert created.json["per_capita_income_fen"] == 100_000 and created.json["status"] == "申请"
    assert client.get("/api/v1/hardship-files?status=申请", headers=checker).json["total"] == 1
    own = client.post(f"/api/v1/hardship-files/{file_id}/status", json={"status": "在档"}, headers=maker)
    assert own.status_code == 403
    moved = client.post(f"/api/v1/hardship-files/{file_id}/status", json={"status": "在档", "on": "2025-03-10"},
                        headers=checker)
    assert moved.status_code == 200 and moved.json["review_due"] == "2026-03-10"
    bad = client.post(f"/api/v1/hardship-files/{file_id}/status", json={"status": "退档", "on": "03/10"},
                      headers=checker)
    assert bad.status_code == 422 and bad.json["field"] == "on"
    detail = client.get(f"/api/v1/hardship-files/{file_id}", headers=maker).json
    assert [h["to"] for h in detail["history"]] == ["申请", "在档"]
    assert detail["members"][0]["id_number"].endswith(spouse[-4:]) and "*" in detail["members"][0]["id_number"]


def test_files_outside_scope_are_404(app, client):
    t = org_tree()
    mine = api_headers(user_in(t.town_a))
    created = client.post("/api/v1/hardship-files", json={**BODY, "person": {"name": "甲", "id_number": new_id()}},
                          headers=mine)
    file_id, person_id = created.json["id"], created.json["person"]["id"]
    other = api_headers(user_in(t.town_b, "caseworker", "reviewer"))
    assert client.get(f"/api/v1/hardship-files/{file_id}", headers=other).status_code == 404
    assert client.post(f"/api/v1/hardship-files/{file_id}/status", json={"status": "在档"},
                       headers=other).status_code == 404
    assert client.post("/api/v1/hardship-files", json={**BODY, "person_id": person_id},
                       headers=other).status_code == 404
    assert client.get("/api/v1/hardship-files", headers=other).json["total"] == 0
