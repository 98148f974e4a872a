"""PostgreSQL: every write of a single registration in one statement, its caps still taken by the counters.

The budget, the head count (an award line) and the person's yearly cap are taken by the same conditional UPDATE
and upsert as in ``caps.py``, as data-modifying CTEs; the item, its history row and its audit row follow in the
same statement. PostgreSQL runs every CTE even when nothing reads it, all on one snapshot, so each write reads
the rows RETURNed by the one before: once a cap refuses, nothing after it is written. What was taken before the
refusal is given back by the caller's same transaction, and the refusal is the one ``caps.py`` raises.

Used only for one line whose budget (and category) counters exist; SQLite, batches and a first registration on
a new counter take the general path, which creates the counters.
"""
from __future__ import annotations

import json
import uuid
from functools import lru_cache

from sqlalchemy import text

from caseapp.core.context import Principal, current_request_id
from caseapp.core.db import db
from caseapp.payments import caps
from caseapp.payments.models import LIVE_STATES

_LIVE = "status IN (" + ",".join(f"'{s}'" for s in LIVE_STATES) + ")"
_BUDGET = "(SELECT budget_fen FROM projects WHERE projects.id = :project_id)"
_ITEM_COLUMNS = (("org_id", "INTEGER"), ("project_id", "INTEGER"), ("aid_type_id", "INTEGER"),
                 ("person_id", "INTEGER"), ("award_recipient_id", "INTEGER"), ("award_event_id", "INTEGER"),
                 ("award_category_id", "INTEGER"), ("recipient_key", "VARCHAR"), ("recipient_name", "VARCHAR"),
                 ("amount_fen", "INTEGER"), ("year", "INTEGER"), ("period", "VARCHAR"), ("reason", "TEXT"),
                 ("evidence", "TEXT"), ("status", "VARCHAR"), ("registered_by_id", "INTEGER"),
                 ("registered_by_name", "VARCHAR"), ("registered_on", "DATE"),
                 ("created_at", "TIMESTAMP WITH TIME ZONE"))


def applies(lines: int, counters_ready: bool) -> bool:
    """One line, its counters in place, on PostgreSQL."""
    return lines == 1 and counters_ready and db.session.connection().dialect.name == "postgresql"


@lru_cache(maxsize=4)
def _statement(heads: bool, person_cap: bool):
    """The CTE chain budget → [head count] → [person's cap] → item → history and audit rows."""
    ctes = [f"b AS (UPDATE budget_counters SET reserved_fen = reserved_fen + :amount_fen, cap_fen = {_BUDGET} "
            f"WHERE project_id = :project_id AND reserved_fen + paid_fen + :amount_fen <= {_BUDGET} RETURNING 1)"]
    last = "b"  # the CTE whose row says "every cap so far granted"
    if heads:
        ctes.append("c AS (UPDATE category_counters SET used = used + 1, cap = :category_cap "
                    "WHERE category_id = :award_category_id AND used + 1 <= :category_cap "
                    "AND EXISTS (SELECT 1 FROM b) RETURNING 1)")
        last = "c"
    if person_cap:
        live = ("(SELECT COALESCE(SUM(amount_fen), 0) FROM payment_items WHERE person_id = :person_id "
                f"AND aid_type_id = :aid_type_id AND year = :year AND {_LIVE})")
        ctes.append(
            "pc AS (INSERT INTO person_aid_counters (person_id, aid_type_id, year, used_fen, cap_fen) "
            f"SELECT :person_id, :aid_type_id, :year, :amount_fen + {live}, :person_cap FROM {last} "
            f"WHERE :amount_fen + {live} <= :person_cap ON CONFLICT (person_id, aid_type_id, year) DO UPDATE "
            "SET used_fen = person_aid_counters.used_fen + :amount_fen, cap_fen = excluded.cap_fen "
            "WHERE person_aid_counters.used_fen + :amount_fen <= excluded.cap_fen RETURNING 1)")
        last = "pc"
    values = ", ".join(f"CAST(:{name} AS {kind})" for name, kind in _ITEM_COLUMNS)
    ctes.append(f"i AS (INSERT INTO payment_items ({', '.join(name for name, _ in _ITEM_COLUMNS)}) "
                f"SELECT {values} FROM {last} RETURNING id)")
    ctes.append("e AS (INSERT INTO payment_events (item_id, action, to_status, actor_name, batch, at) "
                "SELECT id, 'register', CAST(:status AS VARCHAR), CAST(:actor_name AS VARCHAR), "
                "CAST(:batch AS VARCHAR), CAST(:created_at AS TIMESTAMP WITH TIME ZONE) FROM i)")
    ctes.append("a AS (INSERT INTO audit_events (at, actor_id, actor_name, org_id, action, object_type, object_id, "
                "summary, after, request_id, source) SELECT CAST(:created_at AS TIMESTAMP WITH TIME ZONE), "
                "CAST(:actor_id AS INTEGER), CAST(:actor_name AS VARCHAR), CAST(:org_id AS INTEGER), "
                "'payment.register', 'payment_items', CAST(id AS VARCHAR), CAST(:summary AS TEXT), "
                "CAST(:after AS JSON), CAST(:request_id AS VARCHAR), CAST(:source AS VARCHAR) FROM i)")
    counts = ["(SELECT count(*) FROM b) AS budget", "(SELECT count(*) FROM c) AS heads" if heads else "1 AS heads",
              "(SELECT count(*) FROM pc) AS person" if person_cap else "1 AS person", "(SELECT id FROM i) AS item_id"]
    return text("WITH " + ", ".join(ctes) + " SELECT " + ", ".join(counts))


def register(row: dict, aid, recipient, *, summary: str, after: dict, principal: Principal) -> int:
    """Take the caps and write the item ``row`` with its history and audit rows; the new item's id.

    A refused cap gives back what was taken before it and raises the general path's ``CapRefused``; a live
    duplicate raises the IntegrityError of the partial unique index (the statement wrote nothing).
    """
    heads, person_cap = recipient.category_id is not None, aid.cap_fen is not None and row["person_id"] is not None
    params = {**row, "category_cap": recipient.category_cap, "person_cap": aid.cap_fen,
              "actor_id": principal.user_id, "actor_name": principal.username, "batch": uuid.uuid4().hex,
              "summary": summary, "after": json.dumps(after, ensure_ascii=False), "request_id": current_request_id(),
              "source": principal.source}
    got = db.session.connection().execute(_statement(heads, person_cap), params).one()
    if got.item_id is not None:
        return got.item_id
    _give_back(row, got)
    if not got.budget:
        caps.raise_budget_refusal(row["project_id"])
    if not got.heads:
        caps.refuse_heads({recipient.category_id: caps.Heads(recipient.category_label, recipient.category_cap, 1)},
                          {recipient.category_id})
    caps.refuse_persons(aid.id, aid.name, aid.cap_fen, row["year"], {row["person_id"]})
    raise AssertionError("unreachable: a refused registration names its cap")


def _give_back(row: dict, got) -> None:
    """Undo, in this transaction, the caps taken before the one that refused."""
    if got.budget:
        caps.unreserve_budget(row["project_id"], row["amount_fen"])
    if got.budget and got.heads and row["award_category_id"] is not None:
        caps.unreserve_heads({row["award_category_id"]: 1})

