"""``caseapp keys …``: personal-data key management."""
from __future__ import annotations

import click
from cryptography.fernet import Fernet
from flask.cli import AppGroup

from caseapp.core import crypto
from caseapp.core.audit import record
from caseapp.core.cli import operator_command, say
from caseapp.core.db import db

keys_cli = AppGroup("keys", help="个人信息加密密钥")


@keys_cli.command("generate", help="生成新的个人信息加密密钥（放在 CASEAPP_DATA_KEY 的第一位）")
def generate_cmd() -> None:
    """Print a new Fernet data key (put it first in CASEAPP_DATA_KEY)."""
    click.echo(Fernet.generate_key().decode())


@keys_cli.command("rotate", help="用最新密钥重新加密全部个人信息")
@operator_command()
def rotate_cmd() -> None:
    """Re-encrypt all personal data with the newest key (the first in CASEAPP_DATA_KEY)."""
    changed = crypto.rotate_all(db.session.connection(), db.metadata)
    record("keys.rotate", summary=f"重新加密 {changed} 个字段值")
    say(f"已用最新密钥重新加密 {changed} 个字段值；确认无误后可从 CASEAPP_DATA_KEY 中删除旧密钥")
