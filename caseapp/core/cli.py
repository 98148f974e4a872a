"""Conventions every CLI command shares: operator principal, one commit, JSON on stdout, Chinese errors."""
from __future__ import annotations

import functools
import json
import os
import sys

import click

from caseapp.core import context
from caseapp.core.errors import DomainError
from caseapp.core.uow import unit_of_work


def emit_json(data) -> None:
    """Print exactly one JSON document on stdout."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def say(message: str) -> None:
    """Human messages go to stderr so that --json output stays clean."""
    click.echo(message, err=True)


def write_private(path: str, content: bytes) -> None:
    """Write an export owner-readable only: it may hold personal data."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)


def operator_command(write: bool = True):
    """Run the command as the operator in one unit of work; a DomainError → its message and exit 1."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                with unit_of_work(context.OPERATOR, write=write):
                    return fn(*args, **kwargs)
            except DomainError as exc:
                if kwargs.get("as_json"):
                    emit_json({"error": exc.code, "message": exc.message, "field": exc.field})
                say(f"错误：{exc.message}")
                sys.exit(1)

        return wrapper

    return decorate


#: groups shared by several areas (``caseapp import roster …``, ``caseapp import targets …``)
from flask.cli import AppGroup  # noqa: E402

import_group = AppGroup("import", help="导入：绩效目标文本、花名册")
export_group = AppGroup("export", help="导出花名册")
