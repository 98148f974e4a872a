"""Unbound extension objects; ``create_app`` binds them."""
from __future__ import annotations

import click
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from caseapp.core.db import db


class LazyMigrate:
    """Flask-Migrate, bound when a migration first needs it (``caseapp db …``, ``flask_migrate.upgrade()``,
    ``migrations/env.py``): importing it loads Alembic, which every other command and every web worker would
    otherwise pay for at start-up."""

    def __init__(self, **options) -> None:
        self.options = options

    def init_app(self, app, db, directory: str) -> None:
        app.extensions["migrate"] = _PendingMigrate(self, app, db, directory)
        app.cli.add_command(_MigrationCommands(app, "db", help="Perform database migrations."))


class _PendingMigrate:
    """Stands in ``app.extensions["migrate"]`` until used; then binds Flask-Migrate and hands over to it."""

    def __init__(self, owner: LazyMigrate, app, db, directory: str) -> None:
        self._bind = (owner, app, db, directory)

    def __getattr__(self, name: str):
        return getattr(bind_migrate(self._bind[1]), name)


def bind_migrate(app):
    """Flask-Migrate's configuration for ``app``, binding it on first use."""
    config = app.extensions["migrate"]
    if isinstance(config, _PendingMigrate):
        from flask_migrate import Migrate

        owner, app, db, directory = config._bind
        Migrate(**owner.options).init_app(app, db, directory=directory)  # replaces this stand-in and the command
    return app.extensions["migrate"]


class _MigrationCommands(click.Group):
    """``caseapp db``: listed without importing Flask-Migrate; running it hands over to Flask-Migrate's group.

    It binds its own app: click makes a subcommand's context before any app context exists when the group is
    invoked directly (``app.test_cli_runner()``), so ``current_app`` cannot be used here."""

    def __init__(self, app, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.app = app

    def make_context(self, info_name, args, parent=None, **extra):
        bind_migrate(self.app)
        from flask_migrate.cli import db as commands

        return commands.make_context(info_name, args, parent=parent, **extra)


migrate = LazyMigrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()

__all__ = ["db", "migrate", "login_manager", "csrf"]
