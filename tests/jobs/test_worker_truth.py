"""A real Celery worker on Redis, a real SMTP server: what /jobs/ says is what happened.

- A worker killed mid-send leaves a run that shows as 中断 once its heartbeat stops; its lock lapses with the
  heartbeat, so the next tick sends the rest at once (no eleven-minute stall).
- An SMTP outage is 部分失败 with the count and the server's answer; a 550 is dead-lettered at once.
- The worker's log lines carry time, level and logger, and no digit of a duration is masked.
"""
import asyncio
import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from sqlalchemy import select

from caseapp.core.db import db
from caseapp.jobs.locks import KEY_PREFIX, redis_client
from caseapp.jobs.models import JobRun
from caseapp.jobs.services import status_of
from caseapp.reminders.models import Reminder, ReminderDigest
from tests.auth.test_login import login
from tests.factories import OrgFactory, UserFactory
from tests.jobs.committed import committed_app, free_port
from workers import make_celery

ROOT = Path(__file__).parents[2]
LOCK_SECONDS, HEARTBEAT_SECONDS = 3, 1


class Sink:
    """An SMTP server that takes ``delay`` seconds per message and answers 550 for ``refused`` addresses."""

    def __init__(self, delay: float = 0.0, refused: tuple[str, ...] = ()) -> None:
        self.delay, self.refused, self.messages = delay, refused, []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd)
        if address in self.refused:
            return "550 5.1.1 <mailbox> 用户不存在"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        await asyncio.sleep(self.delay)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _smtp(sink: Sink) -> Controller:
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller


def _queue(users) -> None:
    for n, user in enumerate(users):
        db.session.add(Reminder(user_id=user.id, kind="deadline_approaching", source_key=f"rule-{n}",
                                due_on=dt.date(2025, 6, 30), offset_days=7, message="6月30日前完成资金发放"))


def _wait(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)
    return value


@pytest.fixture
def pg_app(fresh_pg_database, tmp_path, redis_url):
    """A committed PostgreSQL database and this session's Redis, with locks that lapse in seconds."""
    request = type("R", (), {"param": "postgresql", "getfixturevalue": lambda self, name: fresh_pg_database})()
    app = committed_app(request, tmp_path, REDIS_URL=redis_url, JOB_LOCK_SECONDS=LOCK_SECONDS,
                        JOB_HEARTBEAT_SECONDS=HEARTBEAT_SECONDS, CELERY_QUEUE="celery")
    yield app
    client = redis_client(redis_url)
    client.delete("celery", "unacked", "unacked_index", *client.keys(KEY_PREFIX + "*"))
    with app.app_context():
        db.engine.dispose()


def _worker_process(app, smtp_port: int, log_path: Path) -> subprocess.Popen:
    """``celery -A workers.celery_app worker`` configured like production, its log in ``log_path``."""
    cfg = app.config
    env = {**os.environ, "CASEAPP_ENV": "production", "DATABASE_URL": cfg["SQLALCHEMY_DATABASE_URI"],
           "REDIS_URL": cfg["REDIS_URL"], "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port),
           "SECRET_KEY": cfg["SECRET_KEY"], "CASEAPP_DATA_KEY": ",".join(cfg["DATA_KEYS"]),
           "CASEAPP_LOOKUP_KEY": cfg["LOOKUP_KEY"], "CASEAPP_INSTANCE": str(log_path.parent / "worker-instance"),
           "CASEAPP_JOB_LOCK_SECONDS": str(LOCK_SECONDS), "CASEAPP_JOB_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS)}
    log = open(log_path, "wb")
    return subprocess.Popen([sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker", "--pool=solo",
                             "--loglevel=INFO", "--without-gossip", "--without-mingle"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


@pytest.mark.slow
def test_worker_killed_mid_send_shows_interrupted_and_the_next_tick_sends_the_rest(pg_app, tmp_path):
    sink = Sink(delay=0.4)
    controller = _smtp(sink)
    pg_app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port)
    with pg_app.app_context():
        users = [UserFactory(org=OrgFactory(), roles=["caseworker"], email=f"w{n}@example.test") for n in range(8)]
        _queue(users)
        db.session.commit()
    log_path = tmp_path / "worker.log"
    worker = _worker_process(pg_app, controller.port, log_path)
    celery = make_celery(pg_app)
    try:
        assert celery.send_task("jobs.heartbeat", kwargs={"beat": "beat-test:1"}).get(timeout=60)["status"] == "ok"
        celery.send_task("reminders.send", kwargs={"beat": "beat-test:1"})
        _wait(lambda: len(sink.messages) >= 2, 60, "the worker to send two digests")
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        with pg_app.app_context():
            run = db.session.scalars(select(JobRun).where(JobRun.name == "reminders.send")).one()
            assert run.status == "running"
            _wait(lambda: status_of(db.session.get(JobRun, run.id, populate_existing=True)) == "interrupted",
                  LOCK_SECONDS + 5, "the dead run to show as interrupted")
        sent_before = len(sink.messages)
        with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = celery.tasks["reminders.send"].apply_async().get(timeout=60)  # the next tick
        assert result["status"] == "ok" and result["sent"] >= 8 - sent_before - 1
        with pg_app.app_context():
            runs = {r.status: r for r in db.session.scalars(select(JobRun).where(JobRun.name == "reminders.send"))}
            assert set(runs) == {"interrupted", "ok"} and runs["interrupted"].finished_at is not None
            waiting = [(d.user.email, d.leased_until) for d in db.session.scalars(
                select(ReminderDigest).where(ReminderDigest.status != "sent"))]
        assert len(waiting) <= 1 and all(leased for _, leased in waiting)  # the one in flight waits for its lease
        everyone = {f"w{n}@example.test" for n in range(8)}
        received = Counter(m["To"] for m in sink.messages)
        # nobody lost; the one in flight may have reached the server before the kill (it goes again, same Message-ID)
        assert everyone - {email for email, _ in waiting} <= set(received) <= everyone and max(received.values()) == 1
    finally:
        if worker.poll() is None:
            worker.kill()
        controller.stop()
    lines = log_path.read_text(errors="replace").splitlines()
    assert any(re.search(r"jobs\.heartbeat\[[0-9a-f-]+\] succeeded in \d+\.\d+s", line) for line in lines), lines
    stamped = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (INFO|WARNING|ERROR|DEBUG) \S+ "
                         r"\[req=\S+ task=\S+\] ")
    assert any(stamped.match(line) for line in lines)
    assert not [line for line in lines if re.search(r"\d\*{4}|\*{4}\d", line)], "digits masked in the log"


@pytest.fixture
def worker_on(pg_app):
    """A Celery worker thread on this session's Redis; yields a function running a job through it."""
    celery = make_celery(pg_app)
    with start_worker(celery, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield lambda job: celery.tasks[job].apply_async().get(timeout=60)


@pytest.mark.slow
def test_smtp_550_is_dead_lettered_at_once_and_an_outage_is_a_partial_send(pg_app, worker_on, client_of):
    sink = Sink(refused=("gone@example.test",))
    controller = _smtp(sink)
    pg_app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port)
    with pg_app.app_context():
        org = OrgFactory()
        admin = UserFactory(org=org, roles=["admin"], email="admin@example.test").username
        first = [UserFactory(org=org, roles=["caseworker"], email=e) for e in ("gone@example.test", "ok@example.test")]
        _queue(first)
        db.session.commit()
    result = worker_on("reminders.send")
    assert (result["status"], result["sent"], result["failed"]) == ("partial", 1, 1)
    assert "550 5.1.1" in result["last_error"]
    with pg_app.app_context():
        dead = db.session.scalars(select(ReminderDigest).where(ReminderDigest.status == "dead")).one()
        assert dead.user.email == "gone@example.test" and dead.attempts == 1 and "550" in dead.last_error
        later = [UserFactory(org=org, roles=["caseworker"], email=f"later{n}@example.test") for n in range(2)]
        _queue(later)
        db.session.commit()
    controller.stop()  # the mail server goes down
    outage = worker_on("reminders.send")
    assert (outage["status"], outage["sent"], outage["failed"]) == ("partial", 0, 2)
    assert "ConnectionRefusedError" in outage["last_error"]
    page = client_of(admin).get("/jobs/").get_data(as_text=True)
    assert "部分失败" in page and "ConnectionRefusedError" in page and "550 5.1.1" in page


@pytest.fixture
def client_of(pg_app):
    def make(username):
        client = pg_app.test_client()
        assert login(client, username).status_code == 302
        return client

    return make
