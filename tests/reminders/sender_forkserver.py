"""Start ``caseapp reminders send`` processes in milliseconds: import caseapp once, fork a sender per request.

A test writes one line per run on stdin (the path of the run's log file); this process forks a child that
runs the real ``caseapp reminders send --json`` command with stdout and stderr in that file, answers
``pid N`` at once and ``exit S`` (the raw wait status) when the child ends, killed or not. It ends when
stdin closes. The configuration comes from the environment, exactly as for the ``caseapp`` command.
"""
from __future__ import annotations

import os
import sys
import traceback

from caseapp import create_app
from caseapp.cli import main
from caseapp.core.db import db

COMMAND = ["reminders", "send", "--json"]


def _run_child(log_path: str) -> None:
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    code = 0
    try:
        main(args=COMMAND, prog_name="caseapp")
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _warm_up() -> None:
    """Import every area once (the slow part of start-up) without opening a database connection."""
    app = create_app()
    with app.app_context():
        db.engine.dispose()


def serve() -> None:
    _warm_up()
    print("ready", flush=True)
    while line := sys.stdin.readline():
        pid = os.fork()
        if pid == 0:
            _run_child(line.strip())
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exit {status}", flush=True)


if __name__ == "__main__":
    serve()
