"""Conventions every CLI command shares: operator principal, one commit, JSON on stdout, Chinese errors."""
from __future__ import annotations

import functools
import json
import sys

import click

from caseapp.core import context
from caseapp.core.db import db, write_intent
from caseapp.core.errors import DomainError


def emit_json(data) -> None:
    """Print exactly one JSON document on stdout."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def say(message: str) -> None:
    """Human messages go to stderr so that --json output stays clean."""
    click.echo(message, err=True)


def operator_command(write: bool = True):
    """Run the command as the operator in one transaction; DomainError → message and exit 1."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            token = context.set_principal(context.OPERATOR)
            wtoken = write_intent.set(write)
            try:
                result = fn(*args, **kwargs)
                db.session.commit()
                return result
            except DomainError as exc:
                db.session.rollback()
                if kwargs.get("as_json"):
                    emit_json({"error": exc.code, "message": exc.message, "field": exc.field})
                say(f"错误：{exc.message}")
                sys.exit(1)
            except BaseException:
                db.session.rollback()
                raise
            finally:
                write_intent.reset(wtoken)
                context.reset_principal(token)

        return wrapper

    return decorate


#: groups shared by several areas (``caseapp import roster …``, ``caseapp import targets …``)
from flask.cli import AppGroup  # noqa: E402

import_group = AppGroup("import", help="导入：绩效目标文本、花名册")
export_group = AppGroup("export", help="导出花名册")
