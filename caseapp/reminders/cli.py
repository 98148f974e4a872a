"""``caseapp reminders …``"""
from __future__ import annotations

import click
from flask.cli import AppGroup

from caseapp.core.cli import emit_json, say
from caseapp.jobs.cli import run_recorded

reminders_cli = AppGroup("reminders", help="提醒邮件")


@reminders_cli.command("send", help="立即发送到期的提醒邮件（无 SMTP 时写入 outbox 文件夹）；与定时运行一样加锁并记录")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def send_cmd(as_json: bool) -> None:
    """Send due reminder digests now, as the job ``reminders.send`` (locked, recorded); each step commits itself."""
    result = run_recorded("reminders.send")
    if as_json:
        emit_json(result)
    say(f"已发送 {result['sent']} 封提醒邮件，失败 {result['failed']} 封"
        + (f"（最后错误：{result['last_error']}）" if result.get("last_error") else ""))


COMMANDS = [reminders_cli]
