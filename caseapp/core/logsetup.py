"""One logging setup for the web, the worker, beat and the command line.

Every line carries its time (UTC, ISO 8601), level, logger, and the request id or Celery task id it belongs
to; ``CASEAPP_LOG_FORMAT=json`` writes one JSON object a line instead. Everything goes to stderr, where
systemd's journal (or any supervisor) collects it; gunicorn's access and error logs come through here too
(``caseapp.core.gunicornlog``). The personal-data scrubber (``caseapp.core.logscrub``) has already masked each
record's text by the time it is formatted.
"""
from __future__ import annotations

import json
import logging
import sys
import time

from caseapp.core import context

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [req=%(request_id)s task=%(task_id)s] %(message)s"
#: loggers too chatty at INFO for an operator's log
QUIET = {"urllib3": logging.WARNING, "amqp": logging.WARNING, "kombu": logging.WARNING,
         "alembic.runtime.plugins": logging.WARNING}


class ContextFilter(logging.Filter):
    """Adds ``request_id`` and ``task_id`` to every record (``-`` outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = context.current_request_id() or "-"
        if not getattr(record, "task_id", None):
            record.task_id = context.current_task_id() or "-"
        return True


class UTCFormatter(logging.Formatter):
    """Times as 2025-06-30T00:30:00.123Z."""

    converter = time.gmtime

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's name)
        return time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created)) + f".{int(record.msecs):03d}Z"


class JSONFormatter(UTCFormatter):
    """One JSON object a line: time, level, logger, request_id, task_id, message (and exception)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": self.formatTime(record), "level": record.levelname, "logger": record.name,
                 "request_id": record.request_id, "task_id": record.task_id, "message": record.getMessage()}
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str = "INFO", fmt: str = "text", stream=None) -> logging.Handler:
    """Send every logger's records to one handler on ``stream`` (stderr); calling it again replaces it."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_caseapp", False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler._caseapp = True
    handler.addFilter(ContextFilter())
    handler.setFormatter(JSONFormatter() if fmt == "json" else UTCFormatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name, quiet in QUIET.items():
        logging.getLogger(name).setLevel(quiet)
    return handler


def configure_app(app) -> None:
    """The app's logging from its settings (``LOG_LEVEL``, ``LOG_FORMAT``); tests keep pytest's capture."""
    if app.testing:
        logging.getLogger("caseapp").setLevel(logging.INFO)
        return
    configure(app.config.get("LOG_LEVEL", "INFO"), app.config.get("LOG_FORMAT", "text"))
