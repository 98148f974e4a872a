"""Shared fixtures: one app per database engine, each test inside a rolled-back transaction.

Every test that uses ``app`` runs on SQLite and, when ``DATABASE_URL`` names a PostgreSQL server, on
PostgreSQL too. ``CASEAPP_REQUIRE_SERVICES=1`` (set by ``.ci/run``) turns a missing PostgreSQL or Redis
into a failure instead of a skip. Each test session gets its own fresh PostgreSQL database, so several
sessions can run at once. The schema comes from the models (``create_all``, triggers included);
``tests/core/test_migrations.py`` proves the migrations build the same schema.
"""
from __future__ import annotations

import os
import uuid
from contextlib import ExitStack, contextmanager

import pytest
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy.orm import scoped_session, sessionmaker

from caseapp import create_app
from caseapp.core import context
from caseapp.core.db import db

REQUIRE = os.environ.get("CASEAPP_REQUIRE_SERVICES") == "1"


def _pg_server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql")) else None


def _missing(what: str):
    if REQUIRE:
        pytest.fail(f"{what} is required (CASEAPP_REQUIRE_SERVICES=1) but not reachable")
    pytest.skip(f"{what} not configured")


@contextmanager
def _pg_database(server_url: str):
    """Create a throw-away database on the server, yield its URL, drop it afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(server_url.replace("postgres://", "postgresql://", 1))
    name = f"caseapp_t_{uuid.uuid4().hex[:10]}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_app(uri: str, instance: str, **overrides):
    """A testing app on ``uri`` with its instance folder at ``instance``."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=uri, TESTING=True, **overrides)
    app.instance_path = instance
    return app


def _schema_app(uri: str, instance: str):
    app = make_app(uri, instance)
    with app.app_context():
        db.create_all()

    @app.before_request
    def _setup_is_committed():
        # In real life a test's setup data was committed before anyone asked for a page; here it is
        # pending in the test's savepoint, which a GET's rollback would discard. Commit = release it.
        db.session.commit()

    return app


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    """The PostgreSQL server named by DATABASE_URL (required in CI)."""
    server = _pg_server_url()
    if server is None:
        _missing("PostgreSQL (DATABASE_URL)")
    return server


@pytest.fixture(scope="session")
def fresh_pg_database(pg_server_url):
    """A factory of throw-away PostgreSQL databases (dropped at the end of the session)."""
    with ExitStack() as stack:
        yield lambda: stack.enter_context(_pg_database(pg_server_url))


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def engine_app(request, tmp_path_factory):
    """A migrated app per engine for the whole session."""
    instance = tmp_path_factory.mktemp(f"instance-{request.param}")
    os.environ["CASEAPP_INSTANCE"] = str(instance)
    if request.param == "sqlite":
        yield _schema_app(f"sqlite:///{instance / 'test.sqlite'}", str(instance))
        return
    server = _pg_server_url()
    if server is None:
        _missing("PostgreSQL (DATABASE_URL)")
    with _pg_database(server) as uri:
        app = _schema_app(uri, str(instance))
        yield app
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(engine_app):
    """The app with ``db.session`` bound to one connection whose transaction is rolled back afterwards."""
    with engine_app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        # a plain Session: Flask-SQLAlchemy's own get_bind() would ignore the connection
        factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        db.session = scoped_session(factory, scopefunc=_app_ctx_id)
        try:
            yield engine_app
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def engine_name(app) -> str:
    return db.engine.dialect.name


@pytest.fixture
def operator(app):
    """Act as the command-line operator (full scope) for service calls in the test."""
    token = context.set_principal(context.OPERATOR)
    yield context.OPERATOR
    context.reset_principal(token)


@contextmanager
def acting_as(user):
    """Act as ``user`` (scope and roles) for service calls inside the block."""
    principal = context.Principal(user_id=user.id, username=user.username, org_id=user.org_id,
                                  org_path=user.org.path, roles=user.roles, source="web")
    token = context.set_principal(principal)
    try:
        yield principal
    finally:
        context.reset_principal(token)


@contextmanager
def on_day(day):
    """Inside the block the money steps' calendar (``payments.dates``) says today is ``day``: a 2025 story is
    recorded step by step on its days. Only that calendar moves, so login sessions and tokens stay valid."""
    from unittest import mock

    from caseapp.payments import dates

    with mock.patch.object(dates, "local_today", lambda: day):
        yield


@pytest.fixture
def client(app):
    return app.test_client()


def login(client, user) -> None:
    """Log ``client`` in as ``user`` (the factories' password), in an app context of its own: the one way
    tests sign in."""
    from tests.factories import PASSWORD

    with client.application.app_context():
        resp = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]


@pytest.fixture
def redis_url() -> str:
    """The local Redis (required in CI)."""
    import redis

    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        _missing("Redis (REDIS_URL)")
    return url


def pytest_terminal_summary(terminalreporter):
    """The hostile-input sweep's counts of cases (forms, API, rosters, per engine)."""
    from tests import hostile

    for label, count in sorted(hostile.COUNTS.items()):
        terminalreporter.write_line(f"恶意输入测试：{label}：{count} 个用例")
