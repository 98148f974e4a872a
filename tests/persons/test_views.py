"""Person pages: ID search never in the URL or logs, masked detail, audited full view, scope → 404."""
import logging

from sqlalchemy import select

from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.persons.services import register_person
from tests.conftest import acting_as
from tests.conftest import login
from tests.persons.people import new_id, org_tree, user_in


def _person(user, name="张三", **kw):
    number = new_id()
    with acting_as(user):
        return register_person(name, number, phone="13812345678", bank_account="6222021234567890", **kw), number


def test_search_by_id_number_keeps_it_out_of_urls_and_logs(app, client, caplog):
    t = org_tree()
    user = user_in(t.town_a)
    person, number = _person(user)
    _person(user, "李四")
    login(client, user)
    caplog.set_level(logging.DEBUG)
    resp = client.post("/persons/search", data={"q": number})
    assert resp.status_code == 302 and number not in resp.headers["Location"]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "张三" in page and "李四" not in page and number not in page
    assert person.id_masked in page
    assert number not in caplog.text
    by_name = client.get(client.post("/persons/search", data={"q": "李"}).headers["Location"])
    assert "李四" in by_name.get_data(as_text=True) and "张三" not in by_name.get_data(as_text=True)


def test_detail_is_masked_and_full_view_is_audited(app, client):
    t = org_tree()
    user = user_in(t.town_a)
    person, number = _person(user)
    login(client, user)
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    assert number not in page and "6222021234567890" not in page and "显示完整信息" in page
    shown = client.post(f"/persons/{person.id}/reveal", data={"field": "id_number"})
    assert shown.status_code == 200 and number in shown.get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person.view_full"))
    assert event.object_id == str(person.id) and event.after == {"field": "id_number"}


def test_auditor_reads_but_cannot_reveal_or_edit(app, client):
    t = org_tree()
    person, number = _person(user_in(t.town_a))
    login(client, user_in(t.county, "auditor"))
    page = client.get(f"/persons/{person.id}").get_data(as_text=True)
    assert person.name in page and "显示完整信息" not in page
    assert client.post(f"/persons/{person.id}/reveal", data={"field": "id_number"}).status_code == 403
    assert client.get(f"/persons/{person.id}/edit").status_code == 403
    assert client.get("/persons/new").status_code == 403
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person.view_full")) is None


def test_every_person_route_with_an_id_is_404_outside_scope(app, client):
    t = org_tree()
    person, _ = _person(user_in(t.town_a))
    login(client, user_in(t.town_b))
    assert client.get(f"/persons/{person.id}").status_code == 404
    assert client.get(f"/persons/{person.id}/edit").status_code == 404
    assert client.post(f"/persons/{person.id}/edit", data={"name": "改"}).status_code == 404
    assert client.post(f"/persons/{person.id}/reveal", data={"field": "phone"}).status_code == 404
    assert client.get(f"/cases/new?person_id={person.id}").status_code == 404


def test_register_form_shows_id_errors_and_duplicates_in_chinese(app, client):
    t = org_tree()
    other, number = _person(user_in(t.town_b))
    login(client, user_in(t.town_a))
    form = {"name": "王五", "id_number": "130434198003040011", "org_code": t.town_a.code}
    resp = client.post("/persons/new", data=form)
    assert resp.status_code == 422 and "校验位不正确" in resp.get_data(as_text=True)
    resp = client.post("/persons/new", data={**form, "id_number": number})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 409 and f"已在 {t.town_b.name} 登记" in body and number not in body
    resp = client.post("/persons/new", data={**form, "id_number": new_id(), "phone": "13912345678"})
    assert resp.status_code == 302
    edit = client.post(resp.headers["Location"] + "/edit", data={"name": "王五", "work_unit": "新厂"})
    assert edit.status_code == 302
