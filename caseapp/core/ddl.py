"""Database-side guards that models cannot express (triggers), installed the same way everywhere.

A table's extra DDL is registered once with :func:`register_table_ddl`; ``metadata.create_all`` runs it
through DDL events (tests), and the migrations run :func:`all_ddl` for the same statements, so both paths
build identical databases.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy import DDL, Table, event

#: (table name, function dialect -> SQL statements), in registration order
_REGISTRY: list[tuple[str, Callable[[str], list[str]]]] = []
#: tables guarded by append-only triggers
APPEND_ONLY_TABLES: list[str] = []


def register_table_ddl(table: Table, statements: Callable[[str], list[str]]) -> None:
    """Run ``statements(dialect)`` after ``table`` is created, by create_all and by the migrations."""
    _REGISTRY.append((table.name, statements))
    for dialect in ("postgresql", "sqlite"):
        for stmt in statements(dialect):
            event.listen(table, "after_create", DDL(stmt).execute_if(dialect=dialect))


def all_ddl(dialect: str, tables: set[str] | None = None) -> list[str]:
    """Every registered statement for ``dialect`` (optionally only for ``tables``), for migrations."""
    return [stmt for name, fn in _REGISTRY if tables is None or name in tables for stmt in fn(dialect)]


def append_only_sql(table: str, dialect: str) -> list[str]:
    """Triggers refusing UPDATE and DELETE on ``table``."""
    message = f"{table} 是只增不改的表，禁止修改或删除"
    return _pg(table, message) if dialect == "postgresql" else _sqlite(table, message)


def _pg(table: str, message: str) -> list[str]:
    fn = f"{table}_append_only"
    return [
        f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"RAISE EXCEPTION '{message}' USING ERRCODE = 'P0001'; END; $$",
        f"CREATE TRIGGER {fn}_trg BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {fn}()",
    ]


def _sqlite(table: str, message: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, '{message}'); END",
    ]


def protect_append_only(table: Table) -> None:
    """Guard ``table`` with append-only triggers."""
    APPEND_ONLY_TABLES.append(table.name)
    register_table_ddl(table, lambda dialect: append_only_sql(table.name, dialect))
