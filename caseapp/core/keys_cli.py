"""``caseapp keys …``: the secrets a deployment needs, and personal-data key rotation.

``keys generate`` needs no app, no database and no settings, so it works in any mode, production included
(before the keys exist); ``keys rotate`` loads the app like every other command.
"""
from __future__ import annotations

import secrets

import click
from flask.cli import with_appcontext

KEY_NAMES = {"secret": "SECRET_KEY", "data": "CASEAPP_DATA_KEY", "lookup": "CASEAPP_LOOKUP_KEY"}


@click.group("keys", help="密钥：生成部署所需的三个密钥；轮换个人信息加密密钥")
def keys_cli() -> None:
    """Key management."""


@keys_cli.command("generate", help="生成 SECRET_KEY、CASEAPP_DATA_KEY、CASEAPP_LOOKUP_KEY（可直接写入环境文件）；"
                                   "--only data 只生成一个新的数据密钥（轮换时放在 CASEAPP_DATA_KEY 的第一位）")
@click.option("--only", type=click.Choice(sorted(KEY_NAMES)), help="只生成其中一个")
def generate_cmd(only: str | None) -> None:
    """Print new keys as NAME=value lines (an EnvironmentFile); never reads or needs the current settings."""
    from cryptography.fernet import Fernet

    values = {"secret": secrets.token_hex(32), "data": Fernet.generate_key().decode(), "lookup": secrets.token_hex(32)}
    for kind, name in KEY_NAMES.items():
        if only in (None, kind):
            click.echo(f"{name}={values[kind]}")


@keys_cli.command("rotate", help="用最新密钥重新加密全部个人信息")
@with_appcontext
def rotate_cmd() -> None:
    """Re-encrypt all personal data with the newest key (the first in CASEAPP_DATA_KEY)."""
    from caseapp.core import crypto
    from caseapp.core.audit import record
    from caseapp.core.cli import operator_command, say
    from caseapp.core.db import db

    @operator_command()
    def rotate() -> None:
        changed = crypto.rotate_all(db.session.connection(), db.metadata)
        record("keys.rotate", summary=f"重新加密 {changed} 个字段值")
        say(f"已用最新密钥重新加密 {changed} 个字段值；确认无误后可从 CASEAPP_DATA_KEY 中删除旧密钥")

    rotate()
