"""Two beats fire the daily scan at the same moment: the job lock runs it once, and the outbox key still holds.

Through the real runner path (``run_job``), on both engines, with both locks: the Redis lock when
``REDIS_URL`` is set (keys under a prefix of this test's own, removed afterwards) and the database lease
otherwise. The scan is slowed down inside the lock so the second beat surely arrives while it runs.
"""
import dataclasses
import datetime as dt
import queue
import threading
import types
import uuid

import pytest
from sqlalchemy import func, select, update

from caseapp.core import context
from caseapp.core.db import db
from caseapp.deadlines.scan import find_all
from caseapp.jobs import locks, registry
from caseapp.jobs.locks import redis_client
from caseapp.jobs.models import JobLease, JobRun
from caseapp.jobs.runner import run_job
from caseapp.reminders.models import Reminder
from caseapp.reminders.services import recipient_ids
from tests.deadlines.seeding import load_seed
from tests.factories import OrgFactory, UserFactory
from tests.jobs.committed import committed_app

TODAY = "2025-06-23"
JOB = "deadlines.scan"


@pytest.fixture(params=["sqlite-redis", "sqlite-db", "postgresql-redis", "postgresql-db"])
def beat_app(request, tmp_path, monkeypatch):
    """A committed database with a county and a town's caseworkers, and the chosen lock."""
    engine, lock = request.param.split("-")
    redis_url = request.getfixturevalue("redis_url") if lock == "redis" else None
    prefix = f"caseapp-test-{uuid.uuid4().hex[:8]}:lock:"
    monkeypatch.setattr(locks, "KEY_PREFIX", prefix)  # other sessions' locks and clean-ups stay apart
    app = committed_app(types.SimpleNamespace(param=engine, getfixturevalue=request.getfixturevalue), tmp_path,
                        REDIS_URL=redis_url)
    with app.app_context():
        county = OrgFactory()
        town = OrgFactory(parent=county)
        for n in range(3):
            UserFactory(org=town, roles=["caseworker"], email=f"w{n}@example.test")
        UserFactory(org=county, roles=["admin"], email="admin@example.test")
        load_seed(county.id)
        db.session.commit()
    registry.job_names()  # load every area's jobs before a test swaps one
    app.lock_kind, app.lock_key = lock, prefix + JOB
    yield app
    if redis_url:
        client = redis_client(redis_url)
        if keys := client.keys(prefix + "*"):
            client.delete(*keys)
    with app.app_context():
        db.engine.dispose()


def _expected_reminders(app) -> int:
    """How many reminders one scan of TODAY queues: one per finding and recipient."""
    with app.app_context():
        token = context.set_principal(context.SYSTEM)
        try:
            return sum(len(recipient_ids(f.org_id)) for f in find_all(dt.date.fromisoformat(TODAY)))
        finally:
            context.reset_principal(token)


def _reminder_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Reminder.id)))


def _beat(app, results: queue.Queue, start: threading.Barrier | None = None) -> threading.Thread:
    """A beat's task in its own thread: its own app context and session, like a second worker."""

    def run():
        with app.app_context():
            if start:
                start.wait()
            results.put(run_job(JOB, runner="celery", today=TODAY))

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _slowed_scan(monkeypatch, before_scan):
    """Replace the scan job with one that calls ``before_scan()`` inside the lock, then scans."""
    original = registry.get_job(JOB)

    def slowed(**kwargs):
        before_scan()
        return original.fn(**kwargs)

    monkeypatch.setitem(registry.JOBS, JOB, dataclasses.replace(original, fn=slowed))
    return original


def test_two_beats_at_once_run_the_scan_once(beat_app, monkeypatch):
    expected, may_finish = _expected_reminders(beat_app), threading.Event()
    assert expected > 0
    original = _slowed_scan(monkeypatch, lambda: may_finish.wait(20))
    results, start = queue.Queue(), threading.Barrier(2)
    threads = [_beat(beat_app, results, start) for _ in range(2)]
    first = results.get(timeout=20)  # the beat that lost the race returns at once
    may_finish.set()
    second = results.get(timeout=30)
    for t in threads:
        t.join(10)
    assert first == {"status": "skipped_locked"}
    assert second["status"] == "ok" and second["queued"] == expected == _reminder_count(beat_app)
    with beat_app.app_context():
        runs = sorted(db.session.scalars(select(JobRun.status).where(JobRun.name == JOB)))
    assert runs == ["ok", "skipped_locked"]
    monkeypatch.setitem(registry.JOBS, JOB, original)
    with beat_app.app_context():
        assert run_job(JOB, runner="celery", today=TODAY) == {"status": "ok", "today": TODAY,
                                                              "findings": second["findings"], "queued": 0}
    assert _reminder_count(beat_app) == expected


def _lose_lock(app) -> None:
    """The lock vanishes under its holder: Redis evicted or restarted, or the lease ran out."""
    if app.lock_kind == "redis":
        assert redis_client().delete(app.lock_key) == 1
        return
    with db.engine.begin() as conn:
        conn.execute(update(JobLease).where(JobLease.name == JOB)
                     .values(leased_until=dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)))


def test_lock_lost_mid_run_the_outbox_key_still_queues_once(beat_app, monkeypatch):
    expected, inside, together = _expected_reminders(beat_app), queue.Queue(), threading.Barrier(2, timeout=20)

    def both_inside():
        inside.put(True)
        together.wait()  # the two beats scan at the same moment, both believing they hold the lock

    assert expected > 0
    _slowed_scan(monkeypatch, both_inside)
    results = queue.Queue()
    first = _beat(beat_app, results)
    inside.get(timeout=20)
    with beat_app.app_context():
        _lose_lock(beat_app)
    second = _beat(beat_app, results)
    outcomes = [results.get(timeout=40), results.get(timeout=40)]
    first.join(10)
    second.join(10)
    assert [o["status"] for o in outcomes] == ["ok", "ok"]
    assert sum(o["queued"] for o in outcomes) == expected == _reminder_count(beat_app)
    with beat_app.app_context():
        keys = db.session.execute(select(Reminder.source_key, Reminder.subject_key, Reminder.due_on,
                                         Reminder.offset_days, Reminder.user_id)).all()
    assert len(set(keys)) == len(keys) == expected
    if beat_app.lock_kind == "redis":
        with beat_app.app_context():
            assert not redis_client().exists(beat_app.lock_key)  # the second holder released; the first could not
