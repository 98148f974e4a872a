"""The sender: one digest per user and day, the outbox folder, back-off, dead letters, expired leases."""
import datetime as dt
import email
import json
import smtplib
from email import policy

import pytest
from sqlalchemy import select

from caseapp.core.db import db, utcnow
from caseapp.deadlines.scan import scan
from caseapp.reminders import delivery, mail
from caseapp.reminders.models import Reminder, ReminderDigest
from tests.conftest import login
from tests.deadlines.seeding import load_seed
from tests.factories import OrgFactory, UserFactory


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", None)
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_DIR", str(tmp_path))
    monkeypatch.setitem(app.config, "BASE_URL", "https://gonghui.example.test")
    return tmp_path


@pytest.fixture
def queued(app, operator):
    org = OrgFactory()
    worker = UserFactory(org=org, roles=["caseworker"], email="worker@example.test", display_name="张三")
    load_seed(org.id)
    assert scan(dt.date(2025, 6, 23))["queued"] > 0
    return worker


def digests():
    return list(db.session.scalars(select(ReminderDigest).order_by(ReminderDigest.id)))


def test_one_digest_per_user_per_day_to_the_outbox_folder(queued, outbox):
    assert delivery.send_due() == {"sent": 1, "failed": 0}
    files = list(outbox.glob("*.eml"))
    assert len(files) == 1
    msg = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert msg["To"] == "worker@example.test"
    assert "待办提醒" in msg["Subject"] and "张三" not in msg["Subject"] and "@" not in msg["Subject"]
    text = msg.get_body(("plain",)).get_content()
    assert "https://gonghui.example.test/reminders/" in text and "还有7天" in text
    assert "<ol>" in msg.get_body(("html",)).get_content()
    assert delivery.send_due() == {"sent": 0, "failed": 0}
    assert scan(dt.date(2025, 6, 29))["queued"] > 0  # new reminders the same local day wait for tomorrow
    assert delivery.send_due(dt.datetime(2025, 6, 29, 1, tzinfo=dt.timezone.utc))["sent"] <= 1
    assert len({(d.user_id, d.day) for d in digests()}) == len(digests())


def test_failures_back_off_then_dead_letter_and_admin_retries(queued, outbox, monkeypatch, app, client):
    monkeypatch.setitem(app.config, "REMINDER_MAX_ATTEMPTS", 3)

    def broken(msg, digest_id):
        raise ConnectionRefusedError("smtp down for worker@example.test 13800138000")

    monkeypatch.setattr(mail, "deliver", broken)
    assert delivery.send_due() == {"sent": 0, "failed": 1,
                                   "last_error": "ConnectionRefusedError: smtp down for ***@*** ***"}
    digest = digests()[0]
    db.session.refresh(digest)
    assert digest.status == "pending" and digest.attempts == 1 and digest.next_attempt_at > utcnow()
    assert "13800138000" not in digest.last_error and "worker@" not in digest.last_error
    assert delivery.send_due() == {"sent": 0, "failed": 0}  # backing off
    later = utcnow()
    for _ in range(2):
        later += dt.timedelta(hours=7)
        assert delivery.send_due(later)["failed"] == 1
    db.session.refresh(digest)
    assert digest.status == "dead" and digest.attempts == 3
    admin = UserFactory(roles=["admin"], org=queued.org)
    login(client, admin)
    page = client.get("/jobs/").get_data(as_text=True)
    assert "发送失败的提醒邮件" in page and "重新发送" in page and "ConnectionRefusedError" in page
    assert client.post(f"/reminders/digests/{digest.id}/retry").status_code == 302
    db.session.refresh(digest)
    assert (digest.status, digest.attempts) == ("pending", 0)


def test_expired_lease_of_a_crashed_sender_is_retried(queued, outbox):
    now = utcnow()
    delivery.prepare_digests(dt.date(2025, 6, 23), now)
    assert delivery.claim_next("crashed-worker", now) is not None  # leased, then the process died
    assert delivery.send_due(now) == {"sent": 0, "failed": 0}
    assert delivery.send_due(now + dt.timedelta(minutes=6)) == {"sent": 1, "failed": 0}
    assert digests()[0].attempts == 2


def test_cli_send_and_user_page(queued, outbox, app, client):
    out = app.test_cli_runner().invoke(args=["reminders", "send", "--json"])
    assert out.exit_code == 0 and json.loads(out.stdout) == {"status": "ok", "sent": 1, "failed": 0}
    login(client, queued)
    page = client.get("/reminders/").get_data(as_text=True)
    assert "我的提醒" in page and "还有7天" in page and "已发送" in page
    other, other_client = UserFactory(roles=["caseworker"]), app.test_client()
    login(other_client, other)
    assert "还有7天" not in other_client.get("/reminders/").get_data(as_text=True)
    assert db.session.scalar(select(Reminder.digest_id).limit(1)) is not None


def test_a_permanent_refusal_is_dead_lettered_at_once_with_the_servers_answer(queued, outbox, monkeypatch, caplog):
    def refused(msg, digest_id):
        raise smtplib.SMTPRecipientsRefused({msg["To"]: (550, b"5.1.1 mailbox unavailable")})

    monkeypatch.setattr(mail, "deliver", refused)
    result = delivery.send_due()
    assert result["failed"] == 1 and "550 5.1.1 mailbox unavailable" in result["last_error"]
    digest = digests()[0]
    db.session.refresh(digest)
    assert (digest.status, digest.attempts) == ("dead", 1) and "worker@" not in digest.last_error
    warning = [r for r in caplog.records if r.name == "caseapp.reminders"][0]
    assert warning.levelname == "WARNING" and "550 5.1.1 mailbox unavailable" in warning.getMessage()
    assert "worker@example.test" not in warning.getMessage()


def test_a_retry_due_just_after_a_tick_starts_is_taken_by_it(queued, outbox, monkeypatch):
    failing = {"on": True}

    def flaky(msg, digest_id):
        if failing["on"]:
            raise smtplib.SMTPDataError(451, b"4.3.0 try again later")
        mail._write_eml(msg, digest_id, str(outbox))

    monkeypatch.setattr(mail, "deliver", flaky)
    tick = utcnow()
    assert delivery.send_due(tick)["failed"] == 1
    failing["on"] = False
    # the next tick is due five minutes later; beat's clock may fire it a moment early
    assert delivery.send_due(tick + dt.timedelta(seconds=299.5)) == {"sent": 1, "failed": 0}


def test_a_resent_digest_keeps_its_message_id(queued, outbox):
    now = utcnow()
    delivery.prepare_digests(dt.date(2025, 6, 23), now)
    digest_id = delivery.claim_next("crashed-worker", now)
    first = mail.build_digest(db.session.get(ReminderDigest, digest_id), digests()[0].reminders)
    assert delivery.send_due(now + dt.timedelta(minutes=6))["sent"] == 1
    sent = email.message_from_bytes(next(outbox.glob("*.eml")).read_bytes(), policy=policy.default)
    assert sent["Message-ID"] == first["Message-ID"] == f"<reminder.20250623.digest{digest_id}@localhost>"
