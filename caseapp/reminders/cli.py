"""``caseapp reminders …``"""
from __future__ import annotations

import click
from flask.cli import AppGroup

from caseapp.core.cli import emit_json, say
from caseapp.reminders.delivery import send_due

reminders_cli = AppGroup("reminders", help="提醒邮件")


@reminders_cli.command("send", help="立即发送到期的提醒邮件（无 SMTP 时写入 outbox 文件夹）")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def send_cmd(as_json: bool) -> None:
    """Send due reminder digests now (SMTP, or the outbox folder without SMTP_HOST); each step commits itself."""
    result = send_due()
    if as_json:
        emit_json(result)
    say(f"已发送 {result['sent']} 封提醒邮件，失败 {result['failed']} 封")


COMMANDS = [reminders_cli]
