"""The wiring, for real: a Celery worker on the local Redis runs the scan and the sender against an SMTP server."""
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from sqlalchemy import func, select

from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.jobs.locks import KEY_PREFIX, redis_client
from caseapp.jobs.models import JobRun, SchedulerHeartbeat
from caseapp.reminders.models import Reminder
from tests.deadlines.seeding import load_seed
from tests.factories import OrgFactory, UserFactory
from tests.jobs.committed import committed_app, free_port
from workers import make_celery


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp():
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, sink
    controller.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def worker_app(request, tmp_path, redis_url, smtp):
    controller, _ = smtp
    app = committed_app(request, tmp_path, REDIS_URL=redis_url, SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port,
                        BASE_URL="https://gonghui.example.test")
    with app.app_context():
        county = OrgFactory()
        town = OrgFactory(parent=county)
        UserFactory(org=town, roles=["caseworker"], email="worker@example.test")
        UserFactory(org=county, roles=["admin"], email="admin@example.test")
        UserFactory(org=county, roles=["reviewer"], email="reviewer@example.test")
        load_seed(county.id)
        db.session.commit()
    celery = make_celery(app)
    with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield app, celery
    client = redis_client(redis_url)
    client.delete(app.config["CELERY_QUEUE"], *client.keys(KEY_PREFIX + "*"))
    with app.app_context():
        db.engine.dispose()


def run(worker_app, job, **kwargs):
    """Run job ``job`` through its generated task on the worker."""
    return worker_app[1].tasks[job].apply_async(kwargs=kwargs).get(timeout=30)


def test_worker_scans_and_sends_digests_once(worker_app, smtp, redis_url):
    _, sink = smtp
    first = run(worker_app, "deadlines.scan", today="2025-06-23")
    assert first["status"] == "ok" and first["queued"] > 0
    assert run(worker_app, "reminders.send") == {"status": "ok", "sent": 2, "failed": 0}
    assert sorted(m["To"] for m in sink.messages) == ["admin@example.test", "worker@example.test"]
    body = sink.messages[0].get_body(("plain",)).get_content()
    assert "https://gonghui.example.test/reminders/" in body and "2025年6月30日" in body
    assert run(worker_app, "deadlines.scan", today="2025-06-23")["queued"] == 0
    assert run(worker_app, "reminders.send")["sent"] == 0 and len(sink.messages) == 2
    assert run(worker_app, "jobs.heartbeat")["status"] == "ok"
    with worker_app[0].app_context():
        assert db.session.get(SchedulerHeartbeat, "celery") is not None
        queued_by = db.session.scalars(select(AuditEvent.actor_name).where(AuditEvent.action == "reminders.queue"))
        assert set(queued_by) == {"系统任务"}
        runs = db.session.scalars(select(JobRun.status).where(JobRun.runner == "celery"))
        assert set(runs) == {"ok"}


def test_redis_flushed_mid_run_the_next_scan_restores(worker_app, smtp, redis_url):
    _, sink = smtp
    assert run(worker_app, "deadlines.scan", today="2025-06-23")["queued"] > 0
    client = redis_client(redis_url)
    client.set(KEY_PREFIX + "reminders.send", "someone-else", px=60_000)
    assert run(worker_app, "reminders.send")["status"] == "skipped_locked"
    # Redis restarted without persistence: locks and queued messages are gone, the database is not
    client.delete(worker_app[0].config["CELERY_QUEUE"], *client.keys(KEY_PREFIX + "*"))
    assert run(worker_app, "deadlines.scan", today="2025-06-23")["queued"] == 0
    assert run(worker_app, "reminders.send")["sent"] == 2
    assert run(worker_app, "deadlines.scan", today="2025-06-29")["queued"] > 0
    with worker_app[0].app_context():
        assert db.session.scalar(select(func.count(Reminder.id)).where(Reminder.digest_id.is_(None))) > 0
