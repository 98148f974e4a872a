"""The ``caseapp`` command: Flask's CLI over the app factory plus caseapp's own commands."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo

from caseapp.core.keys_cli import keys_cli

#: Flask's commands that serve or inspect the pages; every other command runs on an app without them
PAGE_COMMANDS = ("run", "routes", "shell")


def _create(*_args, **_kwargs) -> Flask:
    from caseapp import create_app
    from config import ConfigError

    ctx = click.get_current_context(silent=True)
    info = ctx.find_object(ScriptInfo) if ctx else None
    try:
        return create_app(pages=bool(info and info.data.get("pages")))
    except ConfigError as exc:  # a missing setting is a message for the operator, not a traceback
        raise click.ClickException(str(exc)) from None


class _Commands(FlaskGroup):
    """Flask's command group, noting before the app is made whether the command needs the web pages."""

    def get_command(self, ctx: click.Context, name: str):
        ctx.ensure_object(ScriptInfo).data["pages"] = name in PAGE_COMMANDS
        return super().get_command(ctx, name)


@click.group(cls=_Commands, create_app=_create, add_version_option=False,
             help="caseapp 县总工会帮扶救助与表彰业务管理系统")
def main() -> None:
    """Entry point of the ``caseapp`` console script."""


def register_commands(app: Flask) -> None:
    """Attach every area's commands to the app's CLI."""
    from caseapp.areas import area_modules

    for command in [keys_cli] + [c for m in area_modules("cli") for c in getattr(m, "COMMANDS", [])]:
        app.cli.add_command(command)


main.add_command(keys_cli)  # on the command itself, not the app: ``keys generate`` runs before any setting exists
