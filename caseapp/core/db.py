"""The database object, its naming convention and per-engine connection setup."""
from __future__ import annotations

import contextvars
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

#: Stable constraint names, so migrations are reproducible on every engine.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base carrying the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

#: Whether the current unit of work intends to write; SQLite then takes the write lock up front
#: (BEGIN IMMEDIATE) so that "read, decide, write" cannot deadlock into "database is locked".
write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=True)


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A datetime stored in UTC and always returned timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime passed to a UTC column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


def is_sqlite(engine: Engine) -> bool:
    """True when the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, busy timeout and explicit BEGIN [IMMEDIATE] for pysqlite connections."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # pysqlite's own transaction handling breaks SAVEPOINT and delays BEGIN; take it over.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


def engine_options(uri: str) -> dict:
    """Engine options suited to the database in ``uri``."""
    if uri.startswith("sqlite"):
        return {"connect_args": {"timeout": 15, "check_same_thread": False}}
    return {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 10}


def insert_ignoring_conflicts(model, dialect_name: str | None = None, *, from_select=None, columns=None, **values):
    """INSERT … ON CONFLICT DO NOTHING of one row of ``model``: "at most once", decided by a unique key.

    With ``from_select`` (and its ``columns``) it is INSERT … SELECT … ON CONFLICT DO NOTHING: every row the
    SELECT yields, in one statement. The SELECT must have a WHERE clause (SQLite cannot otherwise tell its
    ON CONFLICT from a join's ON).
    """
    dialect_name = dialect_name or db.session.get_bind().dialect.name
    module = postgresql if dialect_name == "postgresql" else sqlite
    stmt = module.insert(model)
    stmt = stmt.from_select(columns, from_select) if from_select is not None else stmt.values(**values)
    return stmt.on_conflict_do_nothing()
