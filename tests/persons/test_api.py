"""Persons over the API: 422 with the field, masked responses, 409 across townships, 404 outside scope."""
from tests.persons.people import api_headers, new_id, org_tree, user_in


def test_register_validate_and_read_persons(app, client):
    t = org_tree()
    headers = api_headers(user_in(t.town_a))
    bad = client.post("/api/v1/persons", json={"name": "张三", "id_number": "130434198003040011"}, headers=headers)
    assert bad.status_code == 422 and bad.json["field"] == "id_number" and "校验位" in bad.json["message"]
    missing = client.post("/api/v1/persons", json={"name": "张三"}, headers=headers)
    assert missing.status_code == 422 and missing.json["field"] == "id_number"
    phone = client.post("/api/v1/persons", json={"name": "张三", "id_number": new_id(), "phone": "110"},
                        headers=headers)
    assert phone.status_code == 422 and phone.json["field"] == "phone"
    number = new_id()
    created = client.post("/api/v1/persons", json={"name": "张三", "id_number": number, "phone": "13812345678"},
                          headers=headers)
    assert created.status_code == 201 and created.json["id_number"] == number[:4] + "*" * 10 + number[-4:]
    assert created.json["phone"] == "138****5678" and number not in created.get_data(as_text=True)
    again = client.post("/api/v1/persons", json={"name": "张三", "id_number": number}, headers=headers)
    assert again.status_code == 200 and again.json["id"] == created.json["id"]
    listed = client.get("/api/v1/persons?name=张", headers=headers).json
    assert listed["total"] == 1 and listed["persons"][0]["id"] == created.json["id"]
    assert client.get(f"/api/v1/persons/{created.json['id']}", headers=headers).status_code == 200

    other = api_headers(user_in(t.town_b))
    assert client.get(f"/api/v1/persons/{created.json['id']}", headers=other).status_code == 404
    dup = client.post("/api/v1/persons", json={"name": "张三", "id_number": number}, headers=other)
    assert dup.status_code == 409 and t.town_a.name in dup.json["message"] and number not in dup.json["message"]


def test_openapi_documents_the_person_and_file_endpoints(app, client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/persons"]) and "requestBody" in paths["/api/v1/persons"]["post"]
    assert "post" in paths["/api/v1/hardship-files/{file_id}/status"]
