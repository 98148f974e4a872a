"""Kill the sender mid-send ten times: no reminder is lost; a duplicate only where a kill fell after acceptance.

Real processes: ``caseapp reminders send`` runs in a forked child (``sender_forkserver.py``) against a committed
database and a slowed-down local SMTP server, and is killed with SIGKILL a random moment after it starts
sending. After each kill the SMTP server's log of accepted messages is compared with the digests the
database records as sent: a digest accepted but not recorded is a kill that fell between the server's
acceptance and the sender's commit, the only place at-least-once delivery may send twice. And the sender
holds no database transaction while it talks to SMTP, so a slow server cannot lock SQLite's other writers.
"""
import asyncio
import datetime as dt
import os
import queue
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import types
from collections import Counter
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, update

from caseapp.auth.models import User
from caseapp.core.db import db, utcnow
from caseapp.jobs.models import JobLease
from caseapp.reminders.delivery import send_due
from caseapp.reminders.models import Reminder, ReminderDigest
from tests.factories import OrgFactory, UserFactory
from tests.jobs.committed import committed_app, free_port

USERS, REMINDERS_EACH, KILLS = 32, 2, 10
#: the server takes this long to accept a message, and this long to answer QUIT (after acceptance)
DATA_DELAY, QUIT_DELAY = 0.05, 0.05
#: a kill falls this long (at most) after the run's first message started
KILL_WITHIN = 0.25
FORKSERVER = Path(__file__).with_name("sender_forkserver.py")
_DIGEST_ID = re.compile(r"\.digest(\d+)@[^>]+>$")


class SlowSink:
    """Accepts a message after a delay, unless the client has gone; logs what it accepted."""

    def __init__(self) -> None:
        self.accepted: list[tuple[int, str, str]] = []  #: (digest id, recipient, plain text)
        self.started = 0  #: DATA commands begun
        self.in_flight = 0  #: DATA commands not finished yet

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.started += 1
        self.in_flight += 1
        try:
            await asyncio.sleep(DATA_DELAY)
            if server.transport is None or server.transport.is_closing():
                return "421 连接已断开"
            msg = message_from_bytes(envelope.content, policy=policy.default)
            digest_id = int(_DIGEST_ID.search(msg["Message-ID"]).group(1))
            self.accepted.append((digest_id, msg["To"], msg.get_body(("plain",)).get_content()))
            return "250 OK"
        finally:
            self.in_flight -= 1

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802
        await asyncio.sleep(QUIT_DELAY)  # the sender commits only after QUIT: widen that window
        return "221 Bye"


class ForkServer:
    """The helper process that forks one ``caseapp reminders send`` per run."""

    def __init__(self, env: dict) -> None:
        self.proc = subprocess.Popen([sys.executable, str(FORKSERVER)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=env, cwd=Path(__file__).parents[2])
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        assert self._next(30) == "ready"

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.strip())

    def _next(self, timeout: float) -> str:
        return self.lines.get(timeout=timeout)

    def start(self, log_path: Path) -> int:
        self.proc.stdin.write(f"{log_path}\n")
        self.proc.stdin.flush()
        return int(self._next(10).removeprefix("pid "))

    def wait(self) -> int:
        """The raw wait status of the current run."""
        return int(self._next(30).removeprefix("exit "))

    def stop(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


@pytest.fixture
def smtp():
    sink = SlowSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, sink
    controller.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def outbox_app(request, tmp_path, smtp):
    """A committed database with USERS caseworkers, each with REMINDERS_EACH queued reminders."""
    controller, _ = smtp
    app = committed_app(request, tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port)
    with app.app_context():
        org = OrgFactory()
        for n in range(USERS):
            user = UserFactory(org=org, roles=["caseworker"], email=f"w{n}@example.test")
            db.session.add_all(Reminder(user_id=user.id, kind="deadline_approaching", source_key=f"rule-{k}",
                                        due_on=dt.date(2025, 6, 30), offset_days=7, count=1,
                                        message=f"提醒{n}-{k}：6月30日前完成资金发放") for k in range(REMINDERS_EACH))
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def senders(outbox_app, smtp, tmp_path):
    """The fork server, configured like a deployment: same database, keys and SMTP server."""
    controller, _ = smtp
    cfg = outbox_app.config
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CASEAPP_MAIL_OUTBOX")}
    env.update(CASEAPP_ENV="production", DATABASE_URL=cfg["SQLALCHEMY_DATABASE_URI"],
               CASEAPP_INSTANCE=str(tmp_path / "sender-instance"), SMTP_HOST="127.0.0.1",
               SMTP_PORT=str(controller.port), SECRET_KEY=cfg["SECRET_KEY"],
               CASEAPP_DATA_KEY=",".join(cfg["DATA_KEYS"]), CASEAPP_LOOKUP_KEY=cfg["LOOKUP_KEY"])
    server = ForkServer(env)
    yield server
    server.stop()


def _accepted_not_recorded(app, sink: SlowSink) -> set[int]:
    """Digests the SMTP server accepted that the database does not record as sent."""
    with app.app_context():
        sent = set(db.session.scalars(select(ReminderDigest.id).where(ReminderDigest.status == "sent")))
    return {digest_id for digest_id, _, _ in sink.accepted} - sent


def _kill_mid_send(app, senders: ForkServer, sink: SlowSink, log: Path, delay: float) -> None:
    """Start a sender, let it send for ``delay`` seconds after its first message began, SIGKILL it."""
    started = sink.started
    pid = senders.start(log)
    if not _wait_until(lambda: sink.started > started, 20):
        os.kill(pid, signal.SIGKILL)
        senders.wait()
        pytest.fail("the sender never started sending:\n" + log.read_text(errors="replace"))
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    status = senders.wait()
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, log.read_text(errors="replace")
    assert _wait_until(lambda: sink.in_flight == 0, 5)  # the server has decided on the dying client's message
    _lock_expired(app)


def _lock_expired(app) -> None:
    """The killed sender's job lock lapses (it would after JOB_LOCK_SECONDS without heartbeats)."""
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(update(JobLease).values(owner=None, leased_until=None))


def test_killed_ten_times_mid_send_no_reminder_lost(outbox_app, smtp, senders, tmp_path, request):
    _, sink = smtp
    rng = random.Random(20250630)
    in_window: list[int] = []  #: per kill: digests accepted by the server but not committed as sent
    for run in range(KILLS):
        _kill_mid_send(outbox_app, senders, sink, tmp_path / f"sender-{run}.log", rng.uniform(0, KILL_WITHIN))
        new = _accepted_not_recorded(outbox_app, sink) - set(in_window)
        assert len(new) <= 1  # one sender, one message at a time
        in_window.extend(new)

    with outbox_app.app_context():
        lease = dt.timedelta(seconds=outbox_app.config.get("REMINDER_LEASE_SECONDS", 300))
        result = send_due(utcnow() + lease + dt.timedelta(seconds=1))  # the killed senders' leases have expired
        statuses = Counter(db.session.scalars(select(ReminderDigest.status)))
        unattached = db.session.scalar(select(func.count(Reminder.id)).where(Reminder.digest_id.is_(None)))
        texts = {d.id: [r.message for r in d.reminders] for d in db.session.scalars(select(ReminderDigest))}
        email_of = dict(db.session.execute(select(ReminderDigest.id, User.email)
                                           .join(User, ReminderDigest.user_id == User.id)).all())

    assert result["failed"] == 0 and statuses == {"sent": USERS} and unattached == 0
    per_user = Counter(to for _, to, _ in sink.accepted)
    assert sorted(per_user) == sorted(f"w{n}@example.test" for n in range(USERS))  # nobody lost a digest
    for digest_id, _, body in sink.accepted:
        assert all(text in body for text in texts[digest_id]) and len(texts[digest_id]) == REMINDERS_EACH
    duplicated = {to for to, count in per_user.items() if count > 1}
    assert max(per_user.values()) <= 2
    assert duplicated == {email_of[d] for d in in_window} and len(duplicated) <= KILLS
    print(f"\n[{request.node.callspec.id}] {KILLS} kills: {len(in_window)} fell between the SMTP server's "
          f"acceptance and the commit; {len(duplicated)} of {USERS} users got their digest twice; "
          f"{len(sink.accepted)} messages accepted in all")


class GatedSink:
    """Holds each message until the test opens the gate."""

    def __init__(self) -> None:
        self.arrived, self.gate, self.accepted = threading.Event(), threading.Event(), 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.arrived.set()
        while not self.gate.is_set():
            await asyncio.sleep(0.01)
        self.accepted += 1
        return "250 OK"


def test_sqlite_write_lock_is_free_while_smtp_is_slow(request, tmp_path):
    """A slow SMTP server must not hold every other writer (web requests, jobs) on SQLite."""
    sink = GatedSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    app = committed_app(types.SimpleNamespace(param="sqlite"), tmp_path, SMTP_HOST="127.0.0.1",
                        SMTP_PORT=controller.port)
    try:
        with app.app_context():
            user = UserFactory(roles=["caseworker"], email="slow@example.test")
            db.session.add(Reminder(user_id=user.id, kind="deadline_approaching", source_key="rule-1",
                                    due_on=dt.date(2025, 6, 30), message="提醒：6月30日前完成资金发放"))
            db.session.commit()
        results = []

        def send():
            with app.app_context():
                results.append(send_due())

        sender = threading.Thread(target=send)
        sender.start()
        assert sink.arrived.wait(20)
        other = sqlite3.connect(str(tmp_path / "jobs.sqlite"), timeout=1, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another writer (a web request) while SMTP is busy
        other.execute("ROLLBACK")
        other.close()
        sink.gate.set()
        sender.join(20)
        assert results == [{"sent": 1, "failed": 0}] and sink.accepted == 1
    finally:
        sink.gate.set()
        controller.stop()
        with app.app_context():
            db.engine.dispose()
