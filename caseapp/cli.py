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
    from caseapp.areas import area_modules
    from caseapp.core.keys_cli import keys_cli

    commands = [keys_cli] + [c for m in area_modules("cli") for c in getattr(m, "COMMANDS", [])]
    for command in commands:
        app.cli.add_command(command)
