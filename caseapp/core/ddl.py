"""Database-side guards that models cannot express: append-only tables via triggers.

The same statements run from ``metadata.create_all`` (tests, via DDL events) and from the migrations
(``op.execute(stmt) for stmt in append_only_sql(...)``), so both paths build identical databases.
"""
from __future__ import annotations

from sqlalchemy import DDL, Table, event


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


#: tables guarded by append-only triggers; the migrations install the same triggers for each
APPEND_ONLY_TABLES: list[str] = []


def protect_append_only(table: Table) -> None:
    """Attach the append-only triggers to ``table`` for ``create_all``."""
    APPEND_ONLY_TABLES.append(table.name)
    for dialect in ("postgresql", "sqlite"):
        for stmt in append_only_sql(table.name, dialect):
            event.listen(table, "after_create", DDL(stmt).execute_if(dialect=dialect))
