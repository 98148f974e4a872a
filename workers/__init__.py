"""Celery, the Flask way: the worker and beat run caseapp's job functions inside an app context.

``workers.celery_app`` is the entry point (``celery -A workers.celery_app worker|beat``) and the only
place that creates the Flask app; importing ``caseapp`` or this package creates nothing.
"""
from __future__ import annotations

import importlib

from celery import Celery, Task
from flask import Flask

from caseapp.core import context
from caseapp.core.db import db, write_intent

#: hard and soft time limits, well below the one-hour visibility timeout
TIME_LIMIT, SOFT_TIME_LIMIT, VISIBILITY_TIMEOUT = 600, 540, 3600
#: options for tasks that are safe to run twice: redelivered when the worker dies mid-task
IDEMPOTENT = {"acks_late": True, "reject_on_worker_lost": True}
#: one module of tasks per area
TASK_MODULES = ["workers.tasks.deadlines", "workers.tasks.reminders", "workers.tasks.jobs", "workers.tasks.indicators",
                "workers.tasks.payments"]


class FlaskTask(Task):
    """A task that runs inside the Flask app context as the SYSTEM principal and commits once."""

    abstract = True

    def __call__(self, *args, **kwargs):
        with self.app.flask_app.app_context():
            token, wtoken = context.set_principal(context.SYSTEM), write_intent.set(True)
            try:
                result = self.run(*args, **kwargs)
                db.session.commit()
                return result
            except BaseException:
                db.session.rollback()
                raise
            finally:
                write_intent.reset(wtoken)
                context.reset_principal(token)


def make_celery(flask_app: Flask, **overrides) -> Celery:
    """A Celery app bound to ``flask_app``: JSON only, Redis broker and backend, the beat schedule."""
    from workers.schedule import SCHEDULE

    url = flask_app.config.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    celery = Celery(flask_app.import_name, task_cls=FlaskTask, set_as_current=True)
    celery.flask_app = flask_app
    celery.conf.update(
        broker_url=url, result_backend=url,
        task_serializer="json", result_serializer="json", accept_content=["json"],
        timezone=flask_app.config.get("TIMEZONE", "Asia/Shanghai"), enable_utc=True,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
        result_backend_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
        result_expires=24 * 3600,
        task_time_limit=TIME_LIMIT, task_soft_time_limit=SOFT_TIME_LIMIT,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        task_default_queue=flask_app.config.get("CELERY_QUEUE", "celery"),
        beat_schedule=dict(SCHEDULE),
        imports=TASK_MODULES,
    )
    celery.conf.update(overrides)
    for module in TASK_MODULES:  # register the shared tasks now, not only when a worker starts
        importlib.import_module(module)
    flask_app.extensions["celery"] = celery
    return celery
