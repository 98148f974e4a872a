"""The audit log records changes with actor and request id, is append-only, and is browsable by auditors."""
import pytest
from sqlalchemy import select, text

from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.orgs.services import create_org
from tests.conftest import login
from tests.factories import OrgFactory, UserFactory


def _login(client, user):
    login(client, user)


def test_web_change_is_audited_with_request_id(client):
    root = OrgFactory()
    admin = UserFactory(org=root, roles=["admin"])
    _login(client, admin)
    resp = client.post("/orgs/", data={"parent_code": root.code, "code": "A-1", "name": "新镇工会"})
    assert resp.status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "org.create"))
    assert event.actor_id == admin.id and event.request_id and event.after["code"] == "A-1"


def test_audit_rows_cannot_be_changed(app, operator):
    create_org("R1", "根")
    db.session.flush()
    with pytest.raises(Exception, match="只增不改"):
        with db.session.begin_nested():
            db.session.execute(text("UPDATE audit_events SET action = 'forged'"))
    with pytest.raises(Exception, match="只增不改"):
        with db.session.begin_nested():
            db.session.execute(text("DELETE FROM audit_events"))


def test_auditor_browses_and_filters_caseworker_cannot(client):
    root = OrgFactory()
    auditor = UserFactory(org=root, roles=["auditor"])
    _login(client, auditor)  # the login itself is audited
    page = client.get("/audit/?action=user.")
    assert page.status_code == 200 and "user.login" in page.get_data(as_text=True)
    other = client.application.test_client()
    _login(other, UserFactory(org=root, roles=["caseworker"]))
    assert other.get("/audit/").status_code == 403
