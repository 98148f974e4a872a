"""Reminders and banners tell the truth: one due date for the list, the e-mail and the scan; no stale-scheduler
banner before the scheduler was expected to beat."""
import datetime as dt
import email
from email import policy

from caseapp.core.db import db, utcnow
from caseapp.deadlines.scan import scan
from caseapp.reminders import delivery
from tests.conftest import login
from tests.factories import OrgFactory, UserFactory
from tests.payments.conftest import make_filed, make_person
from tests.reminders.test_sender import outbox  # noqa: F401  (the fixture)


def test_an_overdue_review_has_the_same_due_date_in_the_list_and_the_email(app, client, operator, outbox):
    org = OrgFactory()
    worker = UserFactory(org=org, roles=["caseworker"], email="worker@example.test")
    late = make_filed(make_person(org.id, 1), dt.date(2024, 12, 2))
    late.review_due = dt.date(2025, 12, 2)  # a year overdue on 2026年12月1日 (a Tuesday; its week began 11月30日)
    db.session.flush()
    scan(dt.date(2026, 12, 1))
    assert delivery.send_due(dt.datetime(2026, 12, 1, 1, tzinfo=dt.timezone.utc))["sent"] == 1
    msg = email.message_from_bytes(next(outbox.glob("*.eml")).read_bytes(), policy=policy.default)
    body = msg.get_body(("plain",)).get_content()
    assert "2025年12月2日" in body and "2026年11月30日" not in body and "需在" not in body
    login(client, worker)
    page = client.get("/reminders/").get_data(as_text=True)
    assert "2025年12月2日" in page and "2026年11月30日" not in page


def test_the_scheduler_banner_waits_until_a_beat_was_due(app, client, monkeypatch):
    from caseapp.jobs.models import SchedulerHeartbeat

    admin = UserFactory(roles=["admin"])
    login(client, admin)
    monkeypatch.setitem(app.extensions, "caseapp_started_at", utcnow())  # just started: nothing has had time to run
    assert "心跳已超时" not in client.get("/jobs/").get_data(as_text=True)
    monkeypatch.setitem(app.extensions, "caseapp_started_at", utcnow() - dt.timedelta(hours=2))
    assert "心跳已超时" in client.get("/jobs/").get_data(as_text=True)
    db.session.add(SchedulerHeartbeat(name="celery", beat_at=utcnow() - dt.timedelta(hours=3)))
    db.session.flush()
    # restarted half a minute ago: its first beat is due within the minute, plus a margin
    monkeypatch.setitem(app.extensions, "caseapp_started_at", utcnow() - dt.timedelta(seconds=30))
    assert "心跳已超时" not in client.get("/jobs/").get_data(as_text=True)
