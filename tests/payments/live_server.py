"""A committed database and a real multi-process gunicorn for the concurrency tests."""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def keys() -> dict:
    """Fresh keys shared by the seeding app and the server."""
    return {"SECRET_KEY": secrets.token_hex(16), "CASEAPP_DATA_KEY": Fernet.generate_key().decode(),
            "CASEAPP_LOOKUP_KEY": secrets.token_hex(16)}


def app_overrides(k: dict) -> dict:
    return {"SECRET_KEY": k["SECRET_KEY"], "DATA_KEYS": [k["CASEAPP_DATA_KEY"]], "LOOKUP_KEY": k["CASEAPP_LOOKUP_KEY"]}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(db_url: str, k: dict, instance: str, workers: int):
    """Run ``gunicorn wsgi:app`` on a random port; yield its base URL; stop it afterwards."""
    port = _free_port()
    env = {**os.environ, **k, "DATABASE_URL": db_url, "CASEAPP_INSTANCE": instance, "CASEAPP_ENV": "production",
           "CASEAPP_MAIL_OUTBOX": os.path.join(instance, "outbox")}
    env.pop("REDIS_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                             "--timeout", "60", "--preload", "--graceful-timeout", "5", "--log-level", "warning", "wsgi:app"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, proc)
        yield base
    finally:
        proc.send_signal(signal.SIGQUIT)  # quick shutdown: the tests' requests are all answered
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wait_ready(base: str, proc) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited: " + proc.stderr.read().decode(errors="replace")[-2000:])
        try:
            urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start within 30 s")


def post(base: str, path: str, body: dict, token: str, key: str | None = None) -> tuple[int, dict]:
    """POST JSON; returns (status, decoded body) for success and error statuses alike."""
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return exc.code, json.loads(raw)
        except ValueError:
            return exc.code, {"raw": raw.decode(errors="replace")}
