"""Set-based writes for roster imports: COPY on PostgreSQL, executemany elsewhere.

Both paths run in the caller's transaction (and savepoint), apply the columns' Python defaults and bind
processing (so ``EncryptedString`` columns are encrypted exactly as through the ORM), and inserts return the
new primary keys in row order, so callers need no second look-up to learn what they inserted.
"""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Table, any_, bindparam, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ColumnElement

from caseapp.core.db import db

#: rows per executemany statement or look-up query
CHUNK = 5_000


def chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def among(column, values: list) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL one array parameter (``= ANY``) instead of thousands of them."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


def insert_rows(table: Table, rows: list[dict]) -> list[int]:
    """Insert ``rows`` (dicts with the same keys) into ``table``; returns their new ids in row order."""
    if not rows:
        return []
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        return _copy_insert(conn, table, rows)
    return _executemany_insert(conn, table, rows)


def update_rows(table: Table, rows: list[dict]) -> None:
    """UPDATE by primary key: each row is ``{"id": …, column: new value, …}`` with the same keys in every row."""
    if not rows:
        return
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        _copy_update(conn, table, rows)
        return
    stmt = update(table).where(table.c.id == bindparam("pk_"))
    for part in chunks(rows):
        conn.execute(stmt, [{"pk_": r["id"], **{k: v for k, v in r.items() if k != "id"}} for r in part])


def _executemany_insert(conn: Connection, table: Table, rows: list[dict]) -> list[int]:
    """The portable path; the write lock SQLite holds for the transaction keeps the id range ours alone."""
    last = conn.scalar(select(func.max(table.c.id))) or 0
    for part in chunks(rows):
        conn.execute(insert(table), part)
    ids = list(conn.scalars(select(table.c.id).where(table.c.id > last).order_by(table.c.id)))
    if len(ids) != len(rows):
        raise RuntimeError(f"{table.name}: inserted {len(rows)} rows but found {len(ids)} new ids")
    return ids


def _copy_insert(conn: Connection, table: Table, rows: list[dict]) -> list[int]:
    """``COPY … FROM STDIN`` with ids drawn from the table's sequence first (one round trip each)."""
    ids = list(conn.scalars(text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
                            {"t": table.name, "n": len(rows)}))
    _copy(conn, table.name, table, rows, ids, for_update=False)
    return ids


def _copy_update(conn: Connection, table: Table, rows: list[dict]) -> None:
    """COPY the new values into a temporary table, then one ``UPDATE … FROM`` joins it on the id."""
    q = conn.dialect.identifier_preparer.quote
    temp = f"bulk_update_{table.name}"
    names = _copy(conn, temp, table, rows, [r["id"] for r in rows], for_update=True, create=True)
    assignments = ", ".join(f"{q(n)} = u.{q(n)}" for n in names[1:])
    conn.exec_driver_sql(f"UPDATE {q(table.name)} AS t SET {assignments} FROM {q(temp)} AS u WHERE t.id = u.id")
    conn.exec_driver_sql(f"DROP TABLE {q(temp)}")


def _copy(conn: Connection, target: str, table: Table, rows: list[dict], ids: list[int], *, for_update: bool,
          create: bool = False) -> list[str]:
    """Stream ``rows`` (with ``ids``) into ``target``; with ``create``, first a temporary table shaped like
    the columns written. Returns the column names written, id first."""
    names, values = _columns(conn, table, rows[0], for_update=for_update)
    q = conn.dialect.identifier_preparer.quote
    columns = ", ".join(q(n) for n in names)
    if create:
        conn.exec_driver_sql(f"CREATE TEMPORARY TABLE {q(target)} ON COMMIT DROP AS "
                             f"SELECT {columns} FROM {q(table.name)} WITH NO DATA")
    statement = f"COPY {q(target)} ({columns}) FROM STDIN"
    dbapi_error = conn.dialect.loaded_dbapi.Error
    oids = _column_oids(conn, table.name, names)
    try:
        with conn.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            copy.set_types(oids)  # each column's dumper chosen once, not looked up for every value
            write = copy.write_row
            for pk, row in zip(ids, rows):
                write([pk, *[(bind(row[key]) if bind else row[key]) if key is not None else constant
                             for key, bind, constant in values]])
    except dbapi_error as exc:  # surface as SQLAlchemy's own errors (IntegrityError, OperationalError, …)
        raise DBAPIError.instance(statement, None, exc, dbapi_error, dialect=conn.dialect) from exc
    return names


def _column_oids(conn: Connection, table: str, names: list[str]) -> list[int]:
    """The PostgreSQL type of each column written, in order (one catalogue look-up per COPY)."""
    found = dict(conn.execute(text("SELECT attname, atttypid::int FROM pg_attribute WHERE attrelid = "
                                   "CAST(:t AS regclass) AND attnum > 0 AND NOT attisdropped"), {"t": table}).all())
    return [found[n] for n in names]


def _columns(conn: Connection, table: Table, sample: dict, *, for_update: bool) -> tuple[list[str], list[tuple]]:
    """Column names (id first) and, per column, how to get its bound value: ``(row key, bind processor, None)``
    from each row, or ``(None, None, value)`` for its default (``onupdate`` for updates), evaluated once."""
    unknown = set(sample) - {c.key for c in table.columns}
    if unknown:
        raise KeyError(f"{table.name} has no column(s) {sorted(unknown)}")
    names, values = [table.c.id.name], []
    for column in table.columns:
        default = column.onupdate if for_update else column.default
        if column.primary_key or (column.key not in sample and default is None):
            continue  # the server default, NULL, or (updates) left as it is
        bind = column.type._cached_bind_processor(conn.dialect)
        if column.key in sample:
            values.append((column.key, bind, None))
        else:
            constant = _evaluate(table, column, default)
            values.append((None, None, bind(constant) if bind else constant))
        names.append(column.name)
    return names, values


def _evaluate(table: Table, column, default):
    """A Python-side default, evaluated once per statement (as for one executemany call)."""
    if default.is_scalar:
        return default.arg
    if default.is_callable:
        return default.arg(None)  # SQLAlchemy wraps zero-argument callables to take a context
    raise TypeError(f"{table.name}.{column.name}: SQL-expression defaults are not written by COPY")
