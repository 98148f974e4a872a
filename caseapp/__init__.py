"""caseapp: case management for a county trade union's aid, model-worker and award work."""
from __future__ import annotations

import os

from flask import Flask


def create_app(env_name: str | None = None, *, pages: bool = True, **overrides) -> Flask:
    """Build the Flask app: configuration, extensions, request handling, blueprints and CLI.

    ``pages=False`` (the command line, except ``run``, ``routes`` and ``shell``) leaves out the web pages and the
    API: a command needs the models and services, not the views, and starts in half the time without them.
    """
    from caseapp.core.web import CaseFlask

    app = CaseFlask(__name__, instance_path=os.environ.get("CASEAPP_INSTANCE") or None,
                instance_relative_config=True)
    _register_config(app, env_name, overrides)
    _register_extensions(app)
    from caseapp.core import hardening, web

    hardening.register(app)  # before any route exists: the bounded converters apply to every rule
    web.register(app)
    if pages:
        _register_blueprints(app)
    _register_cli(app)
    return app


def _register_config(app: Flask, env_name: str | None, overrides: dict) -> None:
    from config import load_config

    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(load_config(app.instance_path, env_name))
    app.config.update(overrides)
    app.debug = app.config.get("ENV_NAME") == "development" and os.environ.get("FLASK_DEBUG") == "1"
    from caseapp.core import logscrub, logsetup

    logscrub.install()
    logsetup.configure_app(app)


def _register_extensions(app: Flask) -> None:
    from caseapp.core import crypto, limits
    from caseapp.core.db import configure_sqlite, engine_options, is_sqlite
    from caseapp.extensions import csrf, db, login_manager, migrate

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**engine_options(uri), **app.config.get("ENGINE_OPTIONS_EXTRA", {})}
    import caseapp.models  # noqa: F401  (every model registered before mappers configure)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    crypto.init_app(app)
    limits.install_guard()
    with app.app_context():
        if is_sqlite(db.engine):
            configure_sqlite(db.engine)


def _register_blueprints(app: Flask) -> None:
    from caseapp.blueprints import all_blueprints

    for bp in all_blueprints():
        app.register_blueprint(bp)


def _register_cli(app: Flask) -> None:
    from caseapp.cli import register_commands

    register_commands(app)
