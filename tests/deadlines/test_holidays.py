"""Admins keep the holiday override table; it feeds the work calendar; others cannot edit it."""
import datetime as dt

from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.deadlines import services
from tests.conftest import login
from tests.factories import UserFactory


def test_admin_adds_and_deletes_override(client):
    admin = UserFactory(roles=["admin"])
    login(client, admin)
    resp = client.post("/deadlines/holidays", data={"day": "2027-02-08", "is_workday": "0", "note": "春节调休"})
    assert resp.status_code == 302
    assert services.load_calendar().is_workday(dt.date(2027, 2, 8)) is False
    page = client.get("/deadlines/holidays?year=2027").get_data(as_text=True)
    assert "2027年2月8日" in page and "尚未发布" in page
    again = client.post("/deadlines/holidays", data={"day": "2027-02-08", "is_workday": "1"})
    assert again.status_code == 409 and "已有调整记录" in again.get_data(as_text=True)
    row = services.list_overrides(2027)[0]
    assert client.post(f"/deadlines/holidays/{row.id}/delete").status_code == 302
    assert services.list_overrides(2027) == []
    actions = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.like("holiday_override.%")))
    assert sorted(actions) == ["holiday_override.create", "holiday_override.delete"]


def test_caseworker_cannot_edit_overrides(client):
    user = UserFactory(roles=["caseworker"])
    login(client, user)
    assert client.get("/deadlines/holidays").status_code == 403
    assert client.post("/deadlines/holidays", data={"day": "2027-02-08", "is_workday": "0"}).status_code == 403
    assert services.list_overrides() == []
