"""The ``caseapp`` command: Flask's CLI over the app factory plus caseapp's own commands."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup


def _create(*_args, **_kwargs) -> Flask:
    from caseapp import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create, add_version_option=False,
             help="caseapp 县总工会帮扶救助与表彰业务管理系统")
def main() -> None:
    """Entry point of the ``caseapp`` console script."""


def register_commands(app: Flask) -> None:
    """Attach every area's commands to the app's CLI."""
    from caseapp.auth.cli import users_cli
    from caseapp.core.keys_cli import keys_cli
    from caseapp.orgs.cli import orgs_cli

    for command in (orgs_cli, users_cli, keys_cli):
        app.cli.add_command(command)
