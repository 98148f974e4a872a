"""Celery, the Flask way: the worker and beat run caseapp's jobs inside an app context.

``workers.celery_app`` is the entry point (``celery -A workers.celery_app worker|beat``) and the only
place that creates the Flask app; importing ``caseapp`` or this package creates nothing. The tasks and
the beat schedule are generated from caseapp's job registry (``caseapp.jobs.registry``): a task is a job
run through ``run_job``, which is the unit of work, so this package holds no job and no transaction.
"""
from __future__ import annotations

import os
import socket

from celery import Celery, Task, signals
from flask import Flask

from caseapp.core import context
from caseapp.jobs.registry import job_names, schedule
from caseapp.jobs.runner import run_job

#: hard and soft time limits, well below the one-hour visibility timeout
TIME_LIMIT, SOFT_TIME_LIMIT, VISIBILITY_TIMEOUT = 600, 540, 3600
#: every job is idempotent (locked, at most once per key): redelivered when the worker dies mid-task
IDEMPOTENT = {"acks_late": True, "reject_on_worker_lost": True}


class FlaskTask(Task):
    """A task that runs inside the Flask app context."""

    abstract = True

    def __call__(self, *args, **kwargs):
        token = context.set_task_id(self.request.id)  # on every log line of the task
        try:
            with self.app.flask_app.app_context():
                return self.run(*args, **kwargs)
        finally:
            context.reset_task_id(token)


@signals.setup_logging.connect
def _keep_caseapp_logging(**_kwargs) -> None:
    """Celery configures no logging of its own when this signal has a receiver: caseapp's setup applies."""


def make_celery(flask_app: Flask, **overrides) -> Celery:
    """A Celery app bound to ``flask_app``: JSON only, Redis broker and backend, one task per registered job."""
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
        beat_schedule=beat_schedule(),
        worker_hijack_root_logger=False,  # caseapp's logging setup (create_app) stays in charge
    )
    celery.conf.update(overrides)
    for name in job_names():
        celery.task(name=name, shared=False, **IDEMPOTENT)(_task_body(name))
    flask_app.extensions["celery"] = celery
    return celery


def beat_schedule() -> dict:
    """The registry's schedule, each task carrying the sending beat's name (two beats are then seen as two).

    Computed in the process that runs ``celery beat``: its host name and pid are that beat's.
    """
    identity = f"{socket.gethostname()}:{os.getpid()}"
    return {name: {**entry, "kwargs": {**entry.get("kwargs", {}), "beat": identity}}
            for name, entry in schedule().items()}


def _task_body(name: str):
    """The task of job ``name``: its arguments (ids, ISO dates, years) go to the job as keywords."""

    def task(**kwargs) -> dict:
        return run_job(name, runner="celery", **kwargs)

    task.__name__ = task.__qualname__ = name.replace(".", "_")
    task.__doc__ = f"Run the job {name} (see caseapp.jobs.registry)."
    return task
