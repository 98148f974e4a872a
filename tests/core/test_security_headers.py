"""Headers and leftovers: a strict CSP with no inline script anywhere, no-store on personal data, searches kept
server-side, ``next=`` limited to this site, a request id on the CSRF error page."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import caseapp
from tests.persons.people import login, new_id, org_tree, user_in

TEMPLATES = Path(caseapp.__file__).parent / "templates"


def test_every_page_carries_a_strict_content_security_policy(app, client):
    user = user_in(org_tree().town_a)
    login(client, user)
    for path in ("/login", "/dashboard", "/persons/", "/no-such-page"):
        csp = client.get(path).headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


def test_no_template_has_inline_script_or_event_handlers():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        if "email" not in path.name and (re.search(r"<script(?![^>]*\bsrc=)", text) or
                                         re.search(r"\son[a-z]+\s*=", text) or re.search(r"\sstyle\s*=", text)):
            offenders.append(path.relative_to(TEMPLATES).as_posix())
    assert offenders == []


def test_the_behaviour_moved_to_a_static_script(client):
    script = client.get("/static/caseapp.js")
    assert script.status_code == 200 and "data-autosubmit" in script.get_data(as_text=True)
    assert "no-store" not in script.headers.get("Cache-Control", "")


def test_full_personal_data_is_never_cached(app, client):
    from caseapp.persons.services import register_person
    from tests.conftest import acting_as

    user = user_in(org_tree().town_a)
    with acting_as(user):
        person = register_person("张三", new_id(), phone="13812345678")
    login(client, user)
    shown = client.post(f"/persons/{person.id}/reveal", data={"field": "phone"})
    assert shown.status_code == 200 and "13812345678" in shown.get_data(as_text=True)
    assert shown.headers["Cache-Control"] == "no-store"
    export = client.post("/rosters/hardship/export-full")
    assert export.status_code == 200 and export.headers["Cache-Control"] == "no-store"


def _session(app, client) -> dict:
    cookie = client.get_cookie("session")
    return app.session_interface.get_signing_serializer(app).loads(cookie.value) if cookie else {}


@pytest.mark.parametrize("text", ["身份证130434198506150011", "王秀兰", None])
def test_search_terms_stay_on_the_server_not_in_the_session_cookie(app, client, text):
    user = user_in(org_tree().town_a)
    login(client, user)
    text = text or new_id()
    resp = client.post("/persons/search", data={"q": text})
    assert resp.status_code == 302
    client.get(resp.headers["Location"])
    stored = json.dumps(_session(app, client), ensure_ascii=False)
    assert text not in stored and text[-6:] not in stored and '"hash"' not in stored and '"name"' not in stored


def test_a_search_token_is_only_good_for_the_user_who_made_it(app):
    t = org_tree()
    mine, theirs = app.test_client(), app.test_client()
    login(mine, user_in(t.town_a))
    login(theirs, user_in(t.town_a))
    location = mine.post("/persons/search", data={"q": "王秀兰"}).headers["Location"]
    assert 'value="王秀兰"' in mine.get(location).get_data(as_text=True)
    assert 'value="王秀兰"' not in theirs.get(location).get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "/\t/evil.example",
                                    "javascript:alert(1)"])
def test_next_only_leads_to_this_site(app, client, target):
    user = user_in(org_tree().town_a)
    resp = client.post(f"/login?next={target}", data={"username": user.username, "password": "correct-horse-battery"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/home"
    resp = client.post("/payments/actions", data={"action": "review", "next": target, "idem_key": "k1"})
    assert "evil" not in resp.headers.get("Location", "") and "javascript" not in resp.headers.get("Location", "")


def test_csrf_error_page_names_a_request_id(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        resp = app.test_client().post("/login", data={"username": "x", "password": "y"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert resp.status_code == 400
    rid = resp.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{16}", rid) and f"<code>{rid}</code>" in resp.get_data(as_text=True)
