"""The periodic jobs, times in Asia/Shanghai: Celery beat and the in-process scheduler both read this.

A plain dict in Celery's ``beat_schedule`` shape; other areas add their entries (nightly rule checks,
reconciliation) with ``SCHEDULE["area.job"] = {"task": "area.job", "schedule": crontab(...)}``. The
task name is also the job name in ``caseapp.jobs.registry``.
"""
from celery.schedules import crontab

SCHEDULE: dict[str, dict] = {
    # a crontab cannot express a lunar date: one daily scan computes every deadline
    "deadlines.scan": {"task": "deadlines.scan", "schedule": crontab(hour=8, minute=30)},
    "reminders.send": {"task": "reminders.send", "schedule": crontab(minute="*/5")},
    "jobs.heartbeat": {"task": "jobs.heartbeat", "schedule": crontab()},
    # after the working day, so the morning's pages show yesterday's 完成值
    "indicators.rollup": {"task": "indicators.rollup", "schedule": crontab(hour=1, minute=30)},
    "payments.nightly_check": {"task": "payments.nightly_check", "schedule": crontab(hour=1, minute=0)},
}
