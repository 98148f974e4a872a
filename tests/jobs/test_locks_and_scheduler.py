"""Locks refuse a second holder; two scans at once queue nothing twice; the in-process scheduler; the banner."""
import datetime as dt
import re
import threading

import pytest
from celery.schedules import crontab
from sqlalchemy import func, select

from caseapp.core import context
from caseapp.core.db import db, utcnow
from caseapp.deadlines.scan import scan
from caseapp.jobs.locks import DbLease, RedisLock, redis_client
from caseapp.jobs.models import JobRun, SchedulerHeartbeat
from caseapp.jobs.registry import Job, schedule
from caseapp.jobs.runner import run_job
from caseapp.jobs.scheduler import InProcessScheduler, next_fire, start_in_process
from caseapp.reminders.models import Reminder
from tests.conftest import login
from tests.deadlines.seeding import load_seed
from tests.factories import OrgFactory, UserFactory
from tests.jobs.committed import committed_app

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_app(request, tmp_path):
    app = committed_app(request, tmp_path)
    with app.app_context():
        org = OrgFactory()
        for n in range(3):
            UserFactory(org=org, roles=["caseworker"], email=f"w{n}@example.test")
        load_seed(org.id)
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_redis_lock_refuses_second_holder_and_only_owner_releases(redis_url):
    client = redis_client(redis_url)
    first, second = RedisLock(client, "test.lock", 30), RedisLock(client, "test.lock", 30)
    assert first.acquire() and not second.acquire()
    assert not second.release() and not second.acquire()
    assert first.release() and second.acquire() and second.release()


def test_db_lease_refuses_second_holder_until_expiry(db_app):
    with db_app.app_context():
        first, second = DbLease("test.lease", 60), DbLease("test.lease", 60)
        assert first.acquire() and not second.acquire() and not second.release()
        assert first.release() and second.acquire()
        expired = DbLease("test.expired", -1)
        assert expired.acquire() and DbLease("test.expired", 60).acquire()  # a dead holder's lease lapses


def test_two_scans_at_once_queue_each_reminder_once(db_app):
    results, barrier = [], threading.Barrier(2)

    def worker():
        with db_app.app_context():
            token = context.set_principal(context.SYSTEM)
            barrier.wait()
            results.append(scan(dt.date(2025, 6, 23))["queued"])
            db.session.commit()
            context.reset_principal(token)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    with db_app.app_context():
        total = db.session.scalar(select(func.count(Reminder.id)))
    assert total > 0 and sum(results) == total and 0 in results


def test_locked_job_is_skipped_and_recorded(db_app):
    with db_app.app_context():
        holder = DbLease("deadlines.scan", 60)
        assert holder.acquire()
        assert run_job("deadlines.scan", runner="in_process", today="2025-06-23") == {"status": "skipped_locked"}
        holder.release()
        assert run_job("deadlines.scan", runner="in_process", today="2025-06-23")["status"] == "ok"
        statuses = db.session.scalars(select(JobRun.status).order_by(JobRun.id))
        assert list(statuses) == ["skipped_locked", "ok"]
        db.session.rollback()
        holder.acquire()  # the heartbeat takes no lock: it is idempotent, and a second beat must be seen
        assert run_job("jobs.heartbeat", runner="in_process")["status"] == "ok"
        assert db.session.get(SchedulerHeartbeat, "in_process") is not None


def test_failed_job_is_recorded_without_personal_data(db_app, monkeypatch):
    from caseapp.jobs import registry

    def boom():
        raise RuntimeError("bad id 130425198001011234 for a@b.cn")

    monkeypatch.setitem(registry.JOBS, "test.boom", Job("test.boom", boom))
    with db_app.app_context():
        with pytest.raises(RuntimeError):
            run_job("test.boom", runner="cli")
        run = db.session.scalars(select(JobRun).where(JobRun.name == "test.boom")).one()
        assert run.status == "failed" and "1304251980" not in run.error and "a@b.cn" not in run.error


def test_next_fire_in_shanghai():
    daily = crontab(hour=8, minute=30)
    after = dt.datetime(2025, 6, 30, 0, 29, tzinfo=dt.timezone.utc)  # 08:29 in Shanghai
    assert next_fire(daily, after, dt.timezone(dt.timedelta(hours=8))) == dt.datetime(
        2025, 6, 30, 0, 30, tzinfo=dt.timezone.utc)
    assert next_fire(crontab(minute="*/5"), after, SHANGHAI).minute == 30


def test_in_process_scheduler_runs_due_jobs_and_catches_up(db_app):
    scheduler = InProcessScheduler(db_app, schedule())
    now = utcnow()
    scheduler.plan(now)
    assert all(at > now for at in scheduler.next_runs.values())
    ran = scheduler.tick(now + dt.timedelta(minutes=1, seconds=1))
    assert "jobs.heartbeat" in ran
    with db_app.app_context():
        runners = set(db.session.scalars(select(JobRun.runner)))
        assert runners == {"in_process"} and db.session.get(SchedulerHeartbeat, "in_process")
        db.session.add(JobRun(name="deadlines.scan", status="ok", started_at=now - dt.timedelta(days=3)))
        db.session.commit()
    later = InProcessScheduler(db_app, schedule())
    later.plan(utcnow())
    assert later.next_runs["deadlines.scan"] <= utcnow()  # missed while down: due at once


def test_scheduler_not_started_in_tests(app):
    assert app.config["JOBS_IN_PROCESS"] and start_in_process(app) is None


def test_banner_and_jobs_page_for_admins(client, monkeypatch):
    admin = UserFactory(roles=["admin"])
    login(client, admin)
    monkeypatch.setitem(client.application.extensions, "caseapp_started_at", utcnow() - dt.timedelta(hours=2))
    page = client.get("/jobs/").get_data(as_text=True)
    assert "心跳已超时" in page and "各任务最近运行" in page and "deadlines.scan" in page
    db.session.add(SchedulerHeartbeat(name="celery", beat_at=utcnow()))
    db.session.flush()
    assert "心跳已超时" not in client.get("/jobs/").get_data(as_text=True)
    worker = UserFactory(roles=["caseworker"])
    other = client.application.test_client()
    login(other, worker)
    assert other.get("/jobs/").status_code == 403


def test_run_now_from_the_jobs_page_is_the_cli_run(db_app):
    """立即运行: admins only, under the job's lock, recorded as a run (runner web) and audited; the page reads in
    words (job names, runners and results, no task names or JSON)."""
    from types import SimpleNamespace

    from caseapp.core.audit import AuditEvent

    with db_app.app_context():
        admin = UserFactory(org=OrgFactory(), roles=["admin"], display_name="王管理")
        worker = UserFactory(roles=["caseworker"])
        db.session.commit()
        admin, worker = (SimpleNamespace(id=u.id, username=u.username) for u in (admin, worker))
    client, other = db_app.test_client(), db_app.test_client()
    login(client, admin)
    login(other, worker)
    page = client.get("/jobs/").get_data(as_text=True)
    assert "截止日期检查并生成提醒" in page and "立即运行" in page and "每天 8:30" in page
    found = re.search(r'name="csrf_token" value="([^"]*)"', page)
    token = found.group(1) if found else ""
    assert other.post("/jobs/run", data={"name": "deadlines.scan", "csrf_token": token}).status_code in (400, 403)
    done = client.post("/jobs/run", data={"name": "indicators.rollup", "csrf_token": token}, follow_redirects=True)
    shown = done.get_data(as_text=True)
    assert done.status_code == 200 and "计算绩效指标完成值：成功（" in shown
    assert "网页立即运行" in shown and "indicators.rollup</" not in shown and "{&#34;" not in shown
    with db_app.app_context():
        runs = db.session.scalars(select(JobRun).where(JobRun.name == "indicators.rollup")).all()
        assert [(r.status, r.runner) for r in runs] == [("ok", "web")]
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "jobs.run")).actor_id == admin.id
        holder = DbLease("deadlines.scan", 60)
        assert holder.acquire()
        db.session.commit()
    held = client.post("/jobs/run", data={"name": "deadlines.scan", "csrf_token": token}, follow_redirects=True)
    assert "正在别处运行（已加锁），本次未运行" in held.get_data(as_text=True)
    assert client.post("/jobs/run", data={"name": "nope", "csrf_token": token}).status_code == 422
    with db_app.app_context():
        holder.release()
        db.session.commit()
        assert db.session.get(SchedulerHeartbeat, "web") is None
