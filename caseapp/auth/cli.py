"""``caseapp users …``"""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from caseapp.auth import services
from caseapp.auth.models import User
from caseapp.core.cli import emit_json, operator_command, say
from caseapp.core.db import db
from caseapp.core.errors import NotFound

users_cli = AppGroup("users", help="用户管理")


def _password_from_stdin() -> str | None:
    if sys.stdin is None or sys.stdin.isatty():
        return None
    text = sys.stdin.readline().strip()
    return text or None


@users_cli.command("create", help="创建用户；密码从标准输入读取，或随机生成并只显示一次")
@click.argument("username")
@click.option("--org", "org_code", required=True, help="所属组织代码")
@click.option("--role", "roles", multiple=True, required=True,
              help="角色：经办人 审核人 领导 财务 管理员 审计 回访员（或 caseworker reviewer leader finance admin auditor surveyor）")
@click.option("--email")
@click.option("--name", "display_name", default="")
@click.option("--json", "as_json", is_flag=True)
@operator_command()
def create_cmd(username, org_code, roles, email, display_name, as_json) -> None:
    """Create a user; the password is read from stdin or generated and printed once."""
    given = _password_from_stdin()
    password = given or services.generate_password()
    user = services.create_user(username, org_code, list(roles), password=password, email=email,
                                display_name=display_name, must_change=given is None)
    if as_json:
        emit_json({"id": user.id, "username": user.username, "roles": sorted(user.roles),
                   **({} if given else {"password": password})})
    else:
        say(f"已创建用户 {user.username}")
        if not given:
            click.echo(f"初始密码（只显示这一次）：{password}")


@users_cli.command("token", help="为用户签发新的 API 令牌并打印")
@click.argument("username")
@operator_command()
def token_cmd(username: str) -> None:
    """Issue a new API token for USERNAME and print it."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"用户 {username} 不存在")
    click.echo(services.issue_token(user))


@users_cli.command("disable", help="停用用户，其所有登录和令牌立即失效")
@click.argument("username")
@operator_command()
def disable_cmd(username: str) -> None:
    """Disable a user; their sessions and tokens stop working at once."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"用户 {username} 不存在")
    services.set_enabled(user, False)
    say(f"已停用用户 {username}")
@users_cli.command("reset-password", help="重置用户密码：随机生成临时密码并只显示一次，用户下次登录时必须修改")
@click.argument("username")
@operator_command()
def reset_cmd(username: str) -> None:
    """Give USERNAME a new temporary password (printed once) that must be changed at the next login."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"用户 {username} 不存在")
    password = services.reset_password(user)
    say(f"已重置用户 {username} 的密码，其所有登录和 API 令牌已失效")
    click.echo(f"临时密码（只显示这一次，下次登录时必须修改）：{password}")


COMMANDS = [users_cli]
