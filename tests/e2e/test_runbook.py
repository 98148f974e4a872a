"""The README's production runbook, run as written: from an empty database to a reminder an SMTP server received.

The README's blocks marked ``runbook`` run in bash, in order, with this machine's paths and services put in for the
README's (``/opt/caseapp`` → this checkout, ``/etc/caseapp`` and ``/var/lib/caseapp`` → temporary folders; the
settings file filled in with a fresh PostgreSQL database, this session's Redis and a local aiosmtpd), the year's
document being the 2025 seed imported as the current year. The web, worker and beat processes are started from the
``ExecStart`` lines of the systemd units in ``deploy/``.
"""
import datetime as dt
import os
import re
import shlex
import signal
import socket
import subprocess
import time
import urllib.request
from email import message_from_bytes, policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from caseapp.jobs.locks import KEY_PREFIX, redis_client
from tests.jobs.committed import free_port

ROOT = Path(__file__).parents[2]
SEED = ROOT / "caseapp" / "budgets" / "demo" / "weixian-2025-budget-performance.docx"
UNITS = ("web", "worker", "beat")


def runbook_blocks() -> list[str]:
    """The README's ``bash runbook`` blocks of the production section, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Production deployment"):text.index("## Configuration")]
    return re.findall(r"```bash runbook\n(.*?)```", section, re.S)


class Sink:
    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


class Site:
    """This machine standing in for the README's: folders, settings, the shell that runs the blocks."""

    def __init__(self, tmp: Path, settings: dict[str, str]) -> None:
        self.etc, self.var, self.settings = tmp / "etc", tmp / "var", settings
        self.etc.mkdir()
        self.var.mkdir()
        year = dt.datetime.now(ZoneInfo("Asia/Shanghai")).year
        self.places = {"/opt/caseapp": str(ROOT), "/etc/caseapp": str(self.etc), "/var/lib/caseapp": str(self.var),
                       "2026年部门预算绩效文本.docx": str(SEED), "--year 2026": f"--year {year}"}

    def here(self, text: str) -> str:
        for theirs, ours in self.places.items():
            text = text.replace(theirs, ours)
        return text

    def bash(self, script: str, log: Path) -> None:
        """Run README lines in bash, stopping at the first failure."""
        env = {"PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}", "HOME": str(self.var), "LANG": "C.UTF-8"}
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", self.here(script)], env=env, cwd=self.var,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
        log.write_text(done.stdout + done.stderr)
        assert done.returncode == 0, f"runbook step failed:\n{script}\n{done.stdout}\n{done.stderr}"

    def fill_in_settings(self) -> None:
        """What the operator does in an editor: this machine's database, Redis, SMTP server and folders."""
        path = self.etc / "caseapp.env"
        lines = [line for line in path.read_text().splitlines() if line.split("=", 1)[0] not in self.settings]
        path.write_text("\n".join(lines + [f"{k}={v}" for k, v in self.settings.items()]) + "\n")

    def environment(self) -> dict[str, str]:
        """What systemd's EnvironmentFile lines give a unit."""
        env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}
        for name in ("caseapp.env", "keys.env"):
            for line in (self.etc / name).read_text().splitlines():
                if line.strip() and not line.startswith("#"):
                    key, value = line.split("=", 1)
                    env[key] = value
        return env

    def start(self, unit: str, env: dict[str, str], log: Path) -> subprocess.Popen:
        """The unit's ExecStart, in its WorkingDirectory, with its EnvironmentFiles."""
        text = (ROOT / "deploy" / f"caseapp-{unit}.service").read_text()
        command = re.search(r"^ExecStart=(.+)$", text, re.M).group(1).replace("%H", socket.gethostname())
        return subprocess.Popen(shlex.split(self.here(command)), cwd=ROOT, env=env, stdout=log.open("wb"),
                                stderr=subprocess.STDOUT)


def _wait(condition, timeout: float, what: str, logs: Path):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; logs:\n" + "\n".join(
                f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(logs.glob("*.log"))))
        time.sleep(0.2)
    return value


def _page(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status
    except OSError:
        return None


@pytest.mark.slow
def test_readme_production_runbook_reaches_a_sent_reminder(fresh_pg_database, redis_url, tmp_path):
    sink, port = Sink(), free_port()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    logs = tmp_path / "logs"
    logs.mkdir()
    site = Site(tmp_path, {"DATABASE_URL": fresh_pg_database(), "REDIS_URL": redis_url, "SMTP_HOST": "127.0.0.1",
                           "SMTP_PORT": str(smtp.port), "SMTP_STARTTLS": "0", "SMTP_USER": "", "SMTP_PASSWORD": "",
                           "CASEAPP_BASE_URL": f"http://127.0.0.1:{port}", "CASEAPP_INSTANCE": str(tmp_path / "var")})
    blocks = runbook_blocks()
    assert len(blocks) == 5, "the runbook's blocks changed: update this test with them"
    processes = []
    try:
        site.bash(blocks[0], logs / "1-keys.log")
        site.fill_in_settings()
        site.bash("\n".join(blocks[1:4]), logs / "2-setup.log")
        env = {**site.environment(), "CASEAPP_BIND": f"127.0.0.1:{port}", "CASEAPP_WEB_WORKERS": "1"}
        processes = [site.start(unit, env, logs / f"{unit}.log") for unit in UNITS]
        _wait(lambda: _page(f"http://127.0.0.1:{port}/login") == 200, 90, "the web unit", logs)
        settings = "set -a; . /etc/caseapp/caseapp.env; . /etc/caseapp/keys.env; set +a\n"
        site.bash(settings + blocks[4], logs / "3-check.log")
        _wait(lambda: sink.messages, 90, "a reminder at the SMTP server", logs)
        status = subprocess.run([str(ROOT / ".venv" / "bin" / "caseapp"), "jobs", "status", "--json"], env=env,
                                cwd=site.var, capture_output=True, text=True, timeout=120)
    finally:
        for proc in processes:
            proc.send_signal(signal.SIGTERM)
        for proc in processes:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        smtp.stop()
        client = redis_client(redis_url)
        client.delete("celery", "unacked", "unacked_index", "caseapp:beats", *client.keys(KEY_PREFIX + "*"))

    mail = sink.messages[0]
    assert "待办提醒" in mail["Subject"] and mail["To"] in ("admin@union.example", "zhangsan@union.example")
    assert f"http://127.0.0.1:{port}/reminders/" in mail.get_body(("plain",)).get_content()
    assert '"workers": [' in status.stdout and '"worker@' in status.stdout
    assert re.search(r'"name": "reminders.send",\s*"last": \{[^}]*"status": "ok"[^}]*"runner": "celery"', status.stdout)
    web_log = (logs / "web.log").read_text(errors="replace")
    access = [line for line in web_log.splitlines() if '"GET /login HTTP/1.1" 200' in line]
    assert access and re.search(r"INFO gunicorn\.access \[req=[0-9a-f]{16} task=-\]", access[0]), web_log[-2000:]
