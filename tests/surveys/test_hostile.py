"""Out-of-range and malformed input at the survey endpoints answers a Chinese 4xx, never a 500."""
from tests.conftest import login
from tests.persons.people import api_headers
from tests.surveys.helpers import pay, people

HUGE = 10**20


def test_api_refuses_huge_and_malformed_values(client, world):
    pay(world.project, people(world.town_a, 3))
    headers = api_headers(world.caseworker)
    sid = client.post("/api/v1/surveys", json={"project_code": "P-AID", "year": 2025}, headers=headers).get_json()["id"]
    bodies = [{"project_code": "P-AID", "year": HUGE}, {"project_code": "P-AID", "year": 2025, "seed": HUGE},
              {"project_code": "P-AID", "year": 2025, "reserve_percent": HUGE},
              {"project_code": "P-AID", "year": 2025, "confidence": "x"},
              {"project_code": "P-AID", "year": 2025, "sample": "n:99999999999"}]
    for body in bodies:
        resp = client.post("/api/v1/surveys", json=body, headers=headers)
        assert 400 <= resp.status_code < 500 and resp.get_json()["message"], (body, resp.status_code)
    for url, body in ((f"/api/v1/surveys/{sid}/answers", {"member_id": HUGE, "outcome": "拒访"}),
                      (f"/api/v1/surveys/{sid}/answers", {"member_id": 1, "outcome": "很好"}),
                      (f"/api/v1/surveys/{HUGE}/close", {})):
        resp = client.post(url, json=body, headers=headers)
        assert 400 <= resp.status_code < 500 and resp.get_json()["message"], (url, body, resp.status_code)
    assert client.get(f"/api/v1/surveys/{HUGE}", headers=headers).status_code == 404


def test_pages_refuse_bad_choices_in_chinese(client, world):
    pay(world.project, people(world.town_a, 3))
    login(client, world.caseworker)
    resp = client.post("/surveys/", data={"project_id": world.project.id, "method": "空中", "sampling": "full"})
    assert resp.status_code == 422 and "不是有效的选择" in resp.get_data(as_text=True)
    assert client.get(f"/surveys/{HUGE}").status_code == 404
    assert client.get(f"/surveys/q/{'x' * 5000}").status_code == 404
