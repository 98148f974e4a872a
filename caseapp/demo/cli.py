"""``caseapp demo``"""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from caseapp.auth.roles import ROLES
from caseapp.core.cli import operator_command, say
from caseapp.demo.services import create_demo


@click.command("demo", help="创建演示数据：魏县组织、各角色用户（密码只显示一次）、2025年绩效目标；可重复运行")
@with_appcontext
@operator_command()
def demo_cmd() -> None:
    """Create demo organisations, users (passwords printed once) and the 2025 budget; safe to run again."""
    result = create_demo()
    for item in result.created:
        say(f"已创建：{item}")
    for item in result.existing:
        say(f"已存在，跳过：{item}")
    if result.passwords:
        click.echo("初始密码（只显示这一次，请登录后修改）：")
        for username, role, org_name, password in result.passwords:
            click.echo(f"  {username}\t{ROLES[role]}\t{org_name}\t{password}")


COMMANDS = [demo_cmd]
