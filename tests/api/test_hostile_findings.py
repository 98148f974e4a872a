"""Each hostile value the attack found answering 500 (or stored silently on SQLite) now gets a Chinese 4xx."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from caseapp.budgets.models import Project
from caseapp.cases.models import HardshipFile
from caseapp.core.db import db
from caseapp.persons.models import Person
from tests.persons.people import api_headers, login, new_id, org_tree, user_in


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _refused(resp, status=422) -> dict:
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    body = resp.json
    assert any("\u4e00" <= c <= "\u9fff" for c in body["message"]) and body["request_id"]
    return body


@pytest.fixture
def caseworker(app):
    t = org_tree()
    user = user_in(t.town_a, "caseworker", "admin")
    project = Project(year=2025, code="P-1", name="帮扶", org_id=t.county.id, budget_fen=10**12)
    db.session.add(project)
    return user


def test_an_amount_of_two_to_the_31_is_refused_not_a_500(app, client, caseworker):
    from caseapp.payments.settings import seed_aid_types

    seed_aid_types()
    headers = {**api_headers(caseworker), "Idempotency-Key": "k"}
    body = {"project_code": "P-1", "aid_type": "慰问", "amount_fen": 2**31, "person_id_number": new_id()}
    assert _refused(client.post("/api/v1/payments", json=body, headers=headers))["field"] == "amount_fen"


@pytest.mark.parametrize(("field", "value"), [("family_income_fen", 2**31), ("own_income_fen", 2_150_000_001),
                                              ("family_size", 10**12), ("unit_type", "单" * 200)])
def test_hardship_file_values_beyond_their_columns_are_refused_and_nothing_is_stored(app, client, caseworker,
                                                                                      field, value):
    body = {"main_cause": "因病", "family_size": 2, "family_income_fen": 200_000, field: value,
            "person": {"name": "马六", "id_number": new_id()}}
    refused = _refused(client.post("/api/v1/hardship-files", json=body, headers=api_headers(caseworker)))
    assert refused["field"] == field and _count(HardshipFile) == 0 and _count(Person) == 0


def test_a_head_count_of_ten_to_the_twelve_is_refused(app, client, caseworker):
    body = {"project_code": "P-1", "name": "2025年表彰", "date": "2025-04-20",
            "categories": [{"name": "先进个人", "kind": "individual", "max_count": 10**12, "amount_fen": 100_000}]}
    assert "max_count" in _refused(client.post("/api/v1/award-events", json=body, headers=api_headers(caseworker)))["field"]


@pytest.mark.parametrize(("name", "posted"), [("张\u0000三", "%E5%BC%A0%00%E4%B8%89"), ("张\ud800三", None),
                                             ("张\x1b[31m三", "%E5%BC%A0%1B%5B31m%E4%B8%89")])
def test_nul_and_lone_surrogates_in_names_are_refused(app, client, caseworker, name, posted):
    body = {"name": name, "id_number": new_id()}  # JSON can carry a lone surrogate ("\\ud800"); a form cannot
    assert _refused(client.post("/api/v1/persons", json=body, headers=api_headers(caseworker)))["field"] == "name"
    if posted is None:
        return
    login(client, caseworker)
    form = f"name={posted}&id_number={new_id()}&org_code={caseworker.org.code}"  # the bytes a hostile client sends
    page = client.post("/persons/new", data=form, content_type="application/x-www-form-urlencoded")
    assert page.status_code == 422 and ("控制字符" in page.get_data(as_text=True)
                                        or "字符编码" in page.get_data(as_text=True))
    assert _count(Person) == 0


def test_json_nested_a_hundred_thousand_deep_is_refused(app, client, caseworker):
    deep = "[" * 100_000 + "]" * 100_000
    resp = client.post("/api/v1/persons", data=f'{{"name": {deep}}}', headers={**api_headers(caseworker),
                                                                             "Content-Type": "application/json"})
    assert "嵌套" in _refused(resp)["message"]
    resp = client.post("/api/v1/persons", data='{"name": NaN, "id_number": "x"}',
                       headers={**api_headers(caseworker), "Content-Type": "application/json"})
    _refused(resp)


@pytest.mark.parametrize("query", ["year=99999999999", "year=-99999999999", "page=99999999999"])
def test_huge_numbers_in_query_strings_are_refused_in_chinese(app, client, caseworker, query):
    _refused(client.get(f"/api/v1/payments?project_code=P-1&{query}", headers=api_headers(caseworker)))
    login(client, caseworker)
    page = "/dashboard" if query.startswith("year") else "/persons/"
    assert client.get(f"{page}?{query}").status_code == 422


def test_ids_beyond_32_bits_in_paths_are_not_found(app, client, caseworker):
    assert _refused(client.get(f"/api/v1/persons/{10**26}", headers=api_headers(caseworker)), 404)
    login(client, caseworker)
    assert client.get(f"/payments/{2**31}").status_code == 404
