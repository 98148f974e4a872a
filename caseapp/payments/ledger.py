"""The ledger: append-only entries for money paid, and reversal entries that undo them at most once."""
from __future__ import annotations

from datetime import date

from sqlalchemy import String, Text, func, insert, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from caseapp.core.db import UTCDateTime, db, utcnow
from caseapp.core.errors import Conflict
from caseapp.payments.models import PAYMENT, RETURN, REVERSAL, LedgerEntry, PaymentEvent, PaymentItem

__all__ = ["PAYMENT", "RETURN", "REVERSAL", "entries_for", "paid_total", "record_payments", "record_reversals"]


def _batch_item_ids(batch: str):
    return select(PaymentEvent.item_id).where(PaymentEvent.batch == batch)


def record_payments(batch: str, entry_date: date, bank_batch: str, actor: str) -> int:
    """One 发放 entry per item of the batch, in one INSERT … SELECT; returns the number written."""
    cols = ["item_id", "project_id", "person_id", "aid_type_id", "year", "amount_fen", "kind", "entry_date",
            "bank_batch", "created_by_name", "created_at"]
    source = select(PaymentItem.id, PaymentItem.project_id, PaymentItem.person_id, PaymentItem.aid_type_id,
                    PaymentItem.year, PaymentItem.amount_fen, literal(PAYMENT, String), literal(entry_date),
                    literal(bank_batch, String), literal(actor, String), literal(utcnow(), UTCDateTime)
                    ).where(PaymentItem.id.in_(_batch_item_ids(batch)))
    return _insert_entries(insert(LedgerEntry).from_select(cols, source))


def record_reversals(batch: str, kind: str, entry_date: date, reason: str, actor: str) -> int:
    """A reversal (冲正 or 退回) of the payment entry of every item in the batch; refused if one exists."""
    original = aliased(LedgerEntry)
    cols = ["item_id", "project_id", "person_id", "aid_type_id", "year", "amount_fen", "kind", "entry_date",
            "bank_batch", "reverses_id", "reason", "created_by_name", "created_at"]
    source = select(original.item_id, original.project_id, original.person_id, original.aid_type_id,
                    original.year, -original.amount_fen, literal(kind, String), literal(entry_date),
                    original.bank_batch, original.id, literal(reason, Text), literal(actor, String),
                    literal(utcnow(), UTCDateTime)
                    ).where(original.kind == PAYMENT, original.item_id.in_(_batch_item_ids(batch)))
    return _insert_entries(insert(LedgerEntry).from_select(cols, source))


def _insert_entries(stmt) -> int:
    try:
        # INSERT … SELECT reports no rowcount through SQLAlchemy 2.1: count the returned ids instead
        return len(db.session.connection().execute(stmt.returning(LedgerEntry.id)).all())
    except IntegrityError as exc:  # a concurrent reversal committed first: the UNIQUE reverses_id held
        raise Conflict("该笔发放已冲正或已退回，不能重复冲正", code="already_reversed") from exc


def paid_total(project_id: int | None = None, year: int | None = None) -> int:
    """The ledger's net total (payments minus reversals), optionally for one project or year."""
    stmt = select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0))
    if project_id is not None:
        stmt = stmt.where(LedgerEntry.project_id == project_id)
    if year is not None:
        stmt = stmt.where(LedgerEntry.year == year)
    return db.session.scalar(stmt)


def entries_for(item_id: int) -> list[LedgerEntry]:
    """The ledger entries of one item, oldest first."""
    return list(db.session.scalars(select(LedgerEntry).where(LedgerEntry.item_id == item_id)
                                   .order_by(LedgerEntry.id)))
