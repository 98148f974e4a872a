"""Benchmark: ten users uploading the 5 KB sparse spreadsheet at once do not slow the other users down.

Run from the repository root (see bench/README.md):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/sparse_uploads.py [--seconds 10]

A throw-away database is created on DATABASE_URL's server, gunicorn serves the app with the README's four
sync workers, and two "other users" open their pages (/dashboard, /persons/) in a loop: first alone (the floor),
then while ten attackers upload, all at the same moment and again every second, the .xlsx with one cell at
row 1,048,576 (before issue 9 each such upload held a worker for over 30 s and four of them froze the server).
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchdb import throwaway_database  # noqa: E402

ATTACKERS, OTHERS, WORKERS = 10, 2, 4
PASSWORD = "bench-password-2025"
#: each upload answered within a second; the other users' slowest pages within twice their floor (+ 50 ms)
TARGET_UPLOAD_S, TARGET_RATIO, SLACK_S = 1.0, 2.0, 0.05


def sparse_xlsx() -> bytes:
    """The template's header and one cell at the sheet's last row."""
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "身份证号", "手机号", "所属工会", "工作单位", "困难类别", "主要致困原因", "家庭人口",
                      "家庭月总收入(元)", "开户银行", "银行账号"])
    wb.active.cell(row=1_048_576, column=1, value="张三")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


class Browser:
    """A minimal cookie-keeping HTTP client (the standard library's, to measure nothing but the server)."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None):
        """(status, text, seconds) of one request."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        text = resp.read().decode("utf-8", errors="replace")
        elapsed = time.perf_counter() - started
        for header in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return resp.status, text, elapsed

    def csrf(self, path: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.request("GET", path)[1]).group(1)

    def login(self, username: str) -> None:
        token = self.csrf("/login")
        body = f"csrf_token={token}&username={username}&password={PASSWORD}".encode()
        status, _text, _s = self.request("POST", "/login", body, "application/x-www-form-urlencoded")
        assert status == 302, f"login failed: {status}"

    def upload(self, data: bytes, token: str) -> tuple[int, str, float]:
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'.encode(),
                 f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="sparse.xlsx"\r\n'
                 f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n",
                 f"--{boundary}--\r\n".encode()]
        return self.request("POST", "/rosters/hardship/import", b"".join(parts),
                            f"multipart/form-data; boundary={boundary}")


def seed(uri: str, env: dict) -> list[str]:
    """The schema, a county union and its users (committed); returns the usernames."""
    from caseapp import create_app
    from caseapp.auth.services import create_user
    from caseapp.core import context
    from caseapp.core.db import db
    from caseapp.orgs.services import create_org

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=uri, SECRET_KEY=env["SECRET_KEY"],
                     DATA_KEYS=[env["CASEAPP_DATA_KEY"]], LOOKUP_KEY=env["CASEAPP_LOOKUP_KEY"])
    names = [f"user{n}" for n in range(ATTACKERS + OTHERS)]
    with app.app_context():
        db.create_all()
        token = context.set_principal(context.OPERATOR)
        create_org("130434", "魏县总工会")
        for name in names:
            create_user(name, "130434", ["caseworker"], password=PASSWORD)
        db.session.commit()
        context.reset_principal(token)
        db.engine.dispose()
    return names


def serve(uri: str, env: dict, instance: str):
    """gunicorn with the README's four sync workers; returns (process, port)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
                             "--log-level", "warning", "wsgi:app"], cwd=ROOT, stderr=subprocess.DEVNULL,
                            env={**os.environ, **env, "DATABASE_URL": uri, "CASEAPP_INSTANCE": instance,
                                 "CASEAPP_ENV": "development", "REDIS_URL": ""})
    for _ in range(150):
        try:
            Browser(port).request("GET", "/login")
            return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start")


def others_loop(browser: Browser, stop: threading.Event, times: list) -> None:
    """Another user opening their pages until ``stop``."""
    while not stop.is_set():
        for path in ("/dashboard", "/persons/"):
            status, _text, seconds = browser.request("GET", path)
            assert status == 200, f"{path}: {status}"
            times.append(seconds)


def attacker_loop(browser: Browser, data: bytes, stop: threading.Event, results: list, start) -> None:
    """A user uploading the sparse file once a second, at the same moment as the other nine, until ``stop``."""
    token = browser.csrf("/rosters/")
    while not stop.is_set():
        try:
            start.wait()
        except threading.BrokenBarrierError:
            return
        status, text, seconds = browser.upload(data, token)
        shown = re.search(r'class="flash flash-\w+">([^<]*)<|<h1>(\d+ · [^<]*)</h1>', text)
        results.append((status, seconds, (shown.group(1) or shown.group(2)) if shown else ""))


def measure(browsers: list[Browser], seconds: float, data: bytes | None) -> tuple[list, list]:
    """The other users' page times over ``seconds``, with the attackers uploading when ``data`` is given."""
    stop, times, results, threads = threading.Event(), [], [], []
    start = threading.Barrier(ATTACKERS + 1)
    for browser in browsers[ATTACKERS:]:
        threads.append(threading.Thread(target=others_loop, args=(browser, stop, times)))
    if data is not None:
        for browser in browsers[:ATTACKERS]:
            threads.append(threading.Thread(target=attacker_loop, args=(browser, data, stop, results, start)))
    for t in threads:
        t.start()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if data is not None:
            start.wait()  # ten uploads at once, once a second
        time.sleep(1.0)
    stop.set()
    if data is not None:
        start.abort()
    for t in threads:
        t.join()
    return times, results


def _p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    from cryptography.fernet import Fernet

    env = {"SECRET_KEY": secrets.token_hex(16), "CASEAPP_DATA_KEY": Fernet.generate_key().decode(),
           "CASEAPP_LOOKUP_KEY": secrets.token_hex(16)}
    data = sparse_xlsx()
    with throwaway_database() as uri, tempfile.TemporaryDirectory() as instance:
        names = seed(uri, env)
        proc, port = serve(uri, env, instance)
        try:
            browsers = [Browser(port) for _ in names]
            for browser, name in zip(browsers, names):  # logged in beforehand: logging in is not the attack
                browser.login(name)
            floor, _ = measure(browsers, args.seconds, None)
            during, uploads = measure(browsers, args.seconds, data)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    report(data, floor, during, uploads)


def report(data: bytes, floor: list, during: list, uploads: list) -> None:
    upload_times = [s for _status, s, _msg in uploads]
    statuses = sorted({status for status, _s, _msg in uploads})
    messages = sorted({msg for _status, _s, msg in uploads})
    print(f"稀疏文件 {len(data):,} 字节（第 1,048,576 行一个单元格），gunicorn {WORKERS} 个同步进程，"
          f"{ATTACKERS} 个用户每秒同时上传一次，{OTHERS} 个其他用户浏览页面")
    print(f"上传：{len(uploads)} 次，状态 {statuses}，中位 {statistics.median(upload_times) * 1000:.0f} 毫秒，"
          f"最慢 {max(upload_times) * 1000:.0f} 毫秒（要求 < {TARGET_UPLOAD_S:.0f} 秒）"
          f"{'' if max(upload_times) < TARGET_UPLOAD_S else '  MISSED'}")
    print(f"回答：{' / '.join(messages)}")
    limit = _p95(floor) * TARGET_RATIO + SLACK_S
    print(f"其他用户的页面（下限：无人上传时）：{len(floor)} 次，中位 {statistics.median(floor) * 1000:.0f} 毫秒，"
          f"p95 {_p95(floor) * 1000:.0f} 毫秒")
    print(f"其他用户的页面（同时 {ATTACKERS} 人上传）：{len(during)} 次，中位 {statistics.median(during) * 1000:.0f} 毫秒，"
          f"p95 {_p95(during) * 1000:.0f} 毫秒（要求 ≤ 下限 p95 × {TARGET_RATIO:.0f} + {SLACK_S * 1000:.0f} 毫秒 = "
          f"{limit * 1000:.0f} 毫秒）{'' if _p95(during) <= limit else '  MISSED'}")


if __name__ == "__main__":
    main()
