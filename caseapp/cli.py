"""The ``caseapp`` command: Flask's CLI over the app factory plus caseapp's own commands."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from caseapp.core.keys_cli import keys_cli


def _create(*_args, **_kwargs) -> Flask:
    from caseapp import create_app
    from config import ConfigError

    try:
        return create_app()
    except ConfigError as exc:  # a missing setting is a message for the operator, not a traceback
        raise click.ClickException(str(exc)) from None


@click.group(cls=FlaskGroup, create_app=_create, add_version_option=False,
             help="caseapp 县总工会帮扶救助与表彰业务管理系统")
def main() -> None:
    """Entry point of the ``caseapp`` console script."""


def register_commands(app: Flask) -> None:
    """Attach every area's commands to the app's CLI."""
    from caseapp.areas import area_modules

    for command in [keys_cli] + [c for m in area_modules("cli") for c in getattr(m, "COMMANDS", [])]:
        app.cli.add_command(command)


main.add_command(keys_cli)  # on the command itself, not the app: ``keys generate`` runs before any setting exists
