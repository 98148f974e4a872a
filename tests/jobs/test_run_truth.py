"""Run records tell what happened: 运行中 from the start, 中断, 部分失败, 未运行, two beats, a late heartbeat."""
import datetime as dt
import json
import uuid

import pytest
from sqlalchemy import select

from caseapp.core.db import db, utcnow
from caseapp.jobs import health, registry
from caseapp.jobs.locks import redis_client
from caseapp.jobs.models import JobRun, SchedulerHeartbeat
from caseapp.jobs.registry import Job
from caseapp.jobs.runner import run_job
from caseapp.jobs.services import scheduler_stale, status_of
from tests.auth.test_login import login
from tests.factories import UserFactory

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def admin_page(app, client):
    login(client, UserFactory(roles=["admin"]).username)
    return lambda: client.get("/jobs/").get_data(as_text=True)


def _register(monkeypatch, name, fn, **options):
    registry.job_names()
    monkeypatch.setitem(registry.JOBS, name, Job(name, fn, **options))


def test_the_run_record_exists_while_the_job_runs(app, monkeypatch):
    seen = {}

    def look():
        seen["status"] = db.session.scalars(select(JobRun.status).where(JobRun.name == "test.look")).all()
        return {}

    _register(monkeypatch, "test.look", look)
    assert run_job("test.look", runner="cli")["status"] == "ok"
    assert seen["status"] == ["running"]
    run = db.session.scalars(select(JobRun).where(JobRun.name == "test.look")).one()
    assert run.status == "ok" and run.finished_at and run.host and run.runner == "cli"


def test_a_run_whose_process_died_shows_interrupted_with_its_last_heartbeat(app, admin_page):
    last_beat = utcnow() - dt.timedelta(minutes=5)
    dead = JobRun(name="reminders.send", runner="celery", status="running", started_at=last_beat - dt.timedelta(
        seconds=30), heartbeat_at=last_beat, host="worker-1:4242")
    alive = JobRun(name="deadlines.scan", runner="celery", status="running", started_at=utcnow(), heartbeat_at=utcnow())
    db.session.add_all([dead, alive])
    db.session.flush()
    assert (status_of(dead), status_of(alive)) == ("interrupted", "running")
    page = admin_page()
    local = last_beat.astimezone(SHANGHAI)
    assert f"中断（最后心跳 {local.year}年{local.month}月{local.day}日 {local:%H:%M}）" in page
    assert health.sweep_interrupted() == 1
    db.session.refresh(dead)
    assert dead.status == "interrupted" and dead.finished_at == last_beat and "进程已停止" in dead.error
    assert db.session.get(JobRun, alive.id).status == "running"


def test_failures_reported_by_a_job_make_it_partial_with_the_last_error(app, monkeypatch, admin_page):
    _register(monkeypatch, "test.send", lambda: {"sent": 3, "failed": 2, "last_error": "SMTPServerDisconnected: x"},
              own_transactions=True)
    assert run_job("test.send", runner="celery") == {"status": "partial", "sent": 3, "failed": 2,
                                                     "last_error": "SMTPServerDisconnected: x"}
    run = db.session.scalars(select(JobRun).where(JobRun.name == "test.send")).one()
    assert (run.status, run.result, run.error) == ("partial", {"sent": 3, "failed": 2}, "SMTPServerDisconnected: x")
    assert "部分失败" in admin_page()


def test_a_scheduled_run_that_never_started_is_recorded_once_as_missed(app, admin_page):
    yesterday = dt.datetime(2025, 6, 29, 8, 30, tzinfo=SHANGHAI)
    db.session.add(JobRun(name="deadlines.scan", runner="celery", status="ok", started_at=yesterday,
                          finished_at=yesterday))
    db.session.flush()
    now = dt.datetime(2025, 6, 30, 9, 0, tzinfo=SHANGHAI)  # today's 08:30 message vanished with a Redis flush
    assert "deadlines.scan" in health.record_missed(now)
    assert health.record_missed(now + dt.timedelta(minutes=1)) == []  # recorded once
    missed = db.session.scalars(select(JobRun).where(JobRun.status == "missed")).one()
    assert missed.name == "deadlines.scan"
    assert missed.started_at == dt.datetime(2025, 6, 30, 0, 30, tzinfo=dt.timezone.utc)
    assert "2025年6月30日 08:30" in missed.error and "Redis" in missed.error
    assert "未运行" in admin_page()


def test_a_new_installation_misses_nothing(app):
    assert health.record_missed(utcnow()) == []


def test_heartbeat_banner_after_its_minute_plus_a_margin(app):
    now = utcnow()
    db.session.add(SchedulerHeartbeat(name="celery", beat_at=now - dt.timedelta(seconds=100)))
    db.session.flush()
    assert not scheduler_stale(now=now)
    assert scheduler_stale(now=now + dt.timedelta(minutes=2))
    assert not scheduler_stale(started_at=now, now=now + dt.timedelta(minutes=2))  # a server that just started


@pytest.fixture
def beats_key(monkeypatch, redis_url):
    key = f"caseapp-test-{uuid.uuid4().hex[:8]}:beats"
    monkeypatch.setattr(health, "BEATS_KEY", key)
    yield key
    redis_client(redis_url).delete(key)


def test_two_beats_are_detected_and_shown(app, admin_page, monkeypatch, redis_url, beats_key):
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    monkeypatch.setitem(app.config, "JOBS_IN_PROCESS", False)
    monkeypatch.setattr(health, "ping_workers", lambda timeout=1.0: [])
    for beat in ("beat-a:101", "beat-b:202"):
        assert run_job("jobs.heartbeat", runner="celery", beat=beat)["status"] == "ok"
    assert health.live_beats() == ["beat-a:101", "beat-b:202"]
    page = admin_page()
    assert "检测到 2 个调度进程同时运行" in page and "没有工作进程应答" in page


def test_jobs_status_json(app, monkeypatch, redis_url, beats_key):
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    db.session.add(JobRun(name="reminders.send", status="running", started_at=utcnow() - dt.timedelta(minutes=9),
                          heartbeat_at=utcnow() - dt.timedelta(minutes=8)))
    db.session.commit()
    out = app.test_cli_runner().invoke(args=["jobs", "status", "--json", "--ping-timeout", "0.2"])
    data = json.loads(out.stdout)
    assert out.exit_code == 1  # something needs the operator
    send = next(j for j in data["jobs"] if j["name"] == "reminders.send")
    assert send["last"]["status"] == "interrupted" and send["last"]["status_label"] == "中断"
    assert {"locks", "queue_length", "workers", "beats", "heartbeat", "mail"} <= set(data)
    assert data["workers"] == [] and data["queue_length"] is not None and data["heartbeat"]["stale"] is True


@pytest.mark.parametrize(("args", "name"), [
    (["deadlines", "scan", "--today", "2025-06-23"], "deadlines.scan"),
    (["reminders", "send"], "reminders.send"),
    (["indicators", "rollup", "--year", "2025", "--as-of", "2025-06-30"], "indicators.rollup"),
    (["jobs", "run", "payments.nightly_check"], "payments.nightly_check"),
])
def test_every_command_running_a_scheduled_job_is_recorded_like_a_scheduled_run(app, monkeypatch, tmp_path, args,
                                                                                 name):
    monkeypatch.setitem(app.config, "SMTP_HOST", None)
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_DIR", str(tmp_path))
    out = app.test_cli_runner().invoke(args=args)
    assert out.exit_code == 0, out.output
    run = db.session.scalars(select(JobRun).where(JobRun.name == name)).one()
    assert (run.runner, run.status) == ("cli", "ok") and run.finished_at and run.host


def test_the_rollup_command_prints_what_the_recorded_run_computed(app):
    out = app.test_cli_runner().invoke(args=["indicators", "rollup", "--year", "2025", "--as-of", "2025-06-30",
                                             "--json"])
    assert json.loads(out.stdout) == {"year": 2025, "as_of": "2025-06-30", "indicators": []}
    run = db.session.scalars(select(JobRun).where(JobRun.name == "indicators.rollup")).one()
    assert run.result == {"year": 2025, "as_of": "2025-06-30", "indicators": 0, "achieved": 0}


def test_the_jobs_page_says_whether_mail_leaves(app, admin_page, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "SMTP_HOST", None)
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_DIR", str(tmp_path / "mail"))
    page = admin_page()
    assert "不会真正发出" in page and f"未配置 SMTP_HOST：邮件写入文件夹 {tmp_path / 'mail'}" in page
    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.internal")
    monkeypatch.setitem(app.config, "SMTP_PORT", 587)
    page = admin_page()
    assert "经 SMTP 发出" in page and "SMTP smtp.internal:587" in page and "不会真正发出" not in page
