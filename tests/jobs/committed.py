"""A committed database the Celery worker thread and concurrent threads can see (not the rolled-back one)."""
from __future__ import annotations

import socket
import uuid

import pytest

from caseapp.core.db import db
from tests.conftest import make_app


def committed_app(request, tmp_path, **overrides):
    """A testing app on a fresh SQLite file or PostgreSQL database (``request.param``), schema created."""
    if request.param == "sqlite":
        uri = f"sqlite:///{tmp_path / 'jobs.sqlite'}"
    else:
        uri = request.getfixturevalue("fresh_pg_database")()
    settings = {"CELERY_QUEUE": f"caseapp-test-{uuid.uuid4().hex[:8]}", "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
                **overrides}
    app = make_app(uri, str(tmp_path), **settings)
    with app.app_context():
        db.create_all()
    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


ENGINES = pytest.mark.parametrize("engine", ["sqlite", "postgresql"], indirect=True)
