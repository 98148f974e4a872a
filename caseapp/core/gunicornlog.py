"""gunicorn's error and access logs through caseapp's logging setup (``logger_class`` in deploy/gunicorn.conf.py).

Access lines carry the request id the app answered with (``X-Request-Id``), so an access line and the app's
own lines of the same request share it.
"""
from __future__ import annotations

import os
import traceback

from gunicorn.glogging import Logger

from caseapp.core import logscrub, logsetup


class GunicornLogger(Logger):
    """gunicorn's logger without handlers of its own: its records propagate to caseapp's root handler."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        logscrub.install()
        logsetup.configure(os.environ.get("CASEAPP_LOG_LEVEL", "INFO"), os.environ.get("CASEAPP_LOG_FORMAT", "text"))
        for log in (self.error_log, self.access_log):
            for handler in [h for h in log.handlers if getattr(h, "_gunicorn", False)]:
                log.removeHandler(handler)
            log.propagate = True

    def access(self, resp, req, environ, request_time) -> None:
        """One access line (``access_log_format``) with the response's request id."""
        if not self.access_log_enabled:
            return
        atoms = self.atoms_wrapper_class(self.atoms(resp, req, environ, request_time))
        request_id = dict((k.lower(), v) for k, v in (resp.headers or [])).get("x-request-id") or "-"
        try:
            self.access_log.info(self.cfg.access_log_format, atoms, extra={"request_id": request_id})
        except Exception:
            self.error(traceback.format_exc())

