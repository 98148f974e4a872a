"""PostgreSQL: every write of a single registration in one statement, generated from the general path's pieces.

The caps are ``caps.py``'s own statements (budget → [head count] → [person's yearly cap]) chained as
data-modifying CTEs, each gated on the one before; the item, its history row and its audit row are INSERT …
SELECTs generated from the column dicts of ``rows.py``. PostgreSQL runs every CTE, all on one snapshot, so
each write reads the rows RETURNed by the one before: once a cap refuses, nothing after it is written, and
what was taken before it is given back by one UPDATE per cap (a live duplicate is an INSERT that did nothing, its
caps given back the same way). No savepoint: the statement never fails the transaction for a refusal, which
saves a registration two of its round trips (SAVEPOINT, RELEASE). ``bench/payments.py`` measures why this second
way of running the same pieces is kept: about twice the single-registration rate of the general path.

Used only for one line whose budget (and category) counters exist; SQLite, batches and a first registration
on a new counter take the general path, which creates the counters.
"""
from __future__ import annotations

import json
from functools import lru_cache

from sqlalchemy import JSON, Table, text

from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.payments import caps, rows
from caseapp.payments.models import PaymentEvent, PaymentItem


def applies(lines: int, counters_ready: bool) -> bool:
    """One line, its counters in place, on PostgreSQL."""
    return lines == 1 and counters_ready and db.session.connection().dialect.name == "postgresql"


def register(row: dict, r, principal) -> int:
    """Take the caps and write the item ``row`` with its history and audit rows; the new item's id.

    A refused cap raises the general path's refusal; a live duplicate raises the IntegrityError of the
    partial unique index (the statement wrote nothing).
    """
    heads, person_cap = r.recipient.category_id is not None, r.aid.cap_fen is not None and row["person_id"] is not None
    event, audit = rows.history(principal, row["created_at"]), rows.audit_row(row, r)
    params = {**row, "heads": 1, "category_cap": r.recipient.category_cap, "person_cap": r.aid.cap_fen,
              **(caps.person_params({row["person_id"]: row["amount_fen"]}) if person_cap else {}),
              **_prefixed("e_", PaymentEvent.__table__, event), **_prefixed("a_", AuditEvent.__table__, audit)}
    conn = db.session.connection()
    got = conn.execute(_statement(heads, person_cap, tuple(row), tuple(event), tuple(audit)), params).one()
    if got.item_id is not None:
        return got.item_id
    # refused: give back what the caps before the refusal took (no savepoint: one round trip each fewer for
    # every registration, and a refusal is the rare case)
    if got.budget:
        conn.execute(text(caps.GIVE_BACK_BUDGET), params)
    if heads and got.heads:
        conn.execute(text(caps.GIVE_BACK_HEADS), params)
    if person_cap and got.person:
        conn.execute(text(caps.GIVE_BACK_PERSON), params)
    if not got.budget:
        raise caps.budget_refusal(row["project_id"])
    if not got.heads:
        raise caps.heads_refusal(r.recipient.category_id, caps.Heads(r.recipient.category_label,
                                                                     r.recipient.category_cap, 1))
    if not got.person:
        raise caps.persons_refusal(r.aid.id, r.aid.name, r.aid.cap_fen, row["year"], {row["person_id"]})
    raise Duplicate()


class Duplicate(Exception):
    """Every cap granted, but a live item of the same person (or award recipient) and period exists: the item's
    INSERT did nothing (ON CONFLICT), and what the caps took was given back."""


@lru_cache(maxsize=8)
def _statement(heads: bool, person_cap: bool, item_columns: tuple, event_columns: tuple, audit_columns: tuple):
    """budget → [head count] → [person's cap] → item → history and audit rows, as one WITH statement."""
    ctes, last = [f"b AS ({caps.budget_sql()})"], "b"  # ``last``: the CTE whose row says "all caps so far granted"
    if heads:
        ctes.append(f"c AS ({caps.heads_sql(after=last)})")
        last = "c"
    if person_cap:
        ctes.append(f"pc AS ({caps.persons_sql(1, after=last)})")
        last = "pc"
    # a live duplicate inserts nothing (the partial unique indexes), instead of failing the transaction
    ctes.append(f"i AS ({_insert_select(PaymentItem.__table__, item_columns, last, '')} "
                "ON CONFLICT DO NOTHING RETURNING id)")
    ctes.append(f"e AS ({_insert_select(PaymentEvent.__table__, event_columns, 'i', 'e_', item_id='id')})")
    audit = _insert_select(AuditEvent.__table__, audit_columns, "i", "a_", object_id="CAST(id AS VARCHAR)")
    ctes.append(f"a AS ({audit})")
    counts = ["(SELECT count(*) FROM b) AS budget", "(SELECT count(*) FROM c) AS heads" if heads else "1 AS heads",
              "(SELECT count(*) FROM pc) AS person" if person_cap else "1 AS person", "(SELECT id FROM i) AS item_id"]
    return text("WITH " + ", ".join(ctes) + " SELECT " + ", ".join(counts))


def _insert_select(table: Table, columns: tuple, source: str, prefix: str, **derived: str) -> str:
    """INSERT INTO table (columns) SELECT one typed parameter per column (or a ``derived`` expression) FROM source."""
    dialect = db.session.get_bind().dialect
    columns = (*columns, *(c for c in derived if c not in columns))
    values = [derived.get(c) or f"CAST(:{prefix}{c} AS {table.c[c].type.compile(dialect=dialect)})" for c in columns]
    return f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {source}"


def _prefixed(prefix: str, table: Table, values: dict) -> dict:
    """Parameters for :func:`_insert_select`; JSON columns as their text."""
    return {f"{prefix}{c}": json.dumps(v, ensure_ascii=False) if v is not None and isinstance(table.c[c].type, JSON)
            else v for c, v in values.items()}
