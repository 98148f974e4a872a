"""Caps held by counter rows: one conditional UPDATE per cap, in the same transaction as the item.

``UPDATE … SET used = used + :n WHERE key AND used + :n <= cap`` is atomic on both engines (PostgreSQL
re-checks the WHERE clause on the newest row version after waiting for its lock; SQLite's writers are
serialised by BEGIN IMMEDIATE), so rowcount 1 means granted. CHECK constraints stand behind every counter.
"""
from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, func, select, text, update
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.db import db
from caseapp.core.errors import Conflict
from caseapp.core.money import format_yuan
from caseapp.payments.models import LIVE_STATES, PaymentItem


class BudgetCounter(db.Model):
    """Money reserved and paid against a project's 预算数."""

    __tablename__ = "budget_counters"
    __table_args__ = (
        CheckConstraint("reserved_fen >= 0 AND paid_fen >= 0", name="nonnegative"),
        CheckConstraint("reserved_fen + paid_fen <= cap_fen", name="within_cap"),
    )

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    reserved_fen: Mapped[int] = mapped_column(default=0)  #: items registered but not yet paid
    paid_fen: Mapped[int] = mapped_column(default=0)  #: ledger total (payments minus reversals)
    cap_fen: Mapped[int] = mapped_column()  #: copy of projects.budget_fen, refreshed on every reservation


class CategoryCounter(db.Model):
    """Head count used in an award category (名额)."""

    __tablename__ = "category_counters"
    __table_args__ = (CheckConstraint("used >= 0 AND used <= cap", name="within_cap"),)

    category_id: Mapped[int] = mapped_column(ForeignKey("award_categories.id"), primary_key=True)
    label: Mapped[str] = mapped_column(String(100))  #: the category's name, for messages
    used: Mapped[int] = mapped_column(default=0)  #: live items (registered … paid)
    cap: Mapped[int] = mapped_column()  #: the category's max_count


class PersonAidCounter(db.Model):
    """What one person received (or has reserved) of one aid type in one year."""

    __tablename__ = "person_aid_counters"
    __table_args__ = (CheckConstraint("used_fen >= 0 AND used_fen <= cap_fen", name="within_cap"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), primary_key=True)
    aid_type_id: Mapped[int] = mapped_column(ForeignKey("aid_types.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    used_fen: Mapped[int] = mapped_column(default=0)
    cap_fen: Mapped[int] = mapped_column()  #: copy of aid_caps.cap_fen, refreshed on every reservation


def _run(stmt) -> int:
    """Execute a conditional UPDATE on the session's connection (Core: no ORM overhead); its rowcount."""
    db.session.flush()
    return db.session.connection().execute(stmt).rowcount


def _upsert_nothing(model, values: dict):
    """INSERT … ON CONFLICT DO NOTHING on either engine (two sessions may create a counter at once)."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    db.session.execute(dialect_insert(model).values(**values).on_conflict_do_nothing())


def _live_sum(aggregate, *conditions) -> int:
    """An aggregate over live items: counters created late start from what already exists."""
    from caseapp.payments.models import LIVE_STATES

    return db.session.scalar(select(aggregate).where(PaymentItem.status.in_(LIVE_STATES), *conditions)) or 0


def _budget_start(project_id: int) -> dict:
    """Reserved (unpaid live items) and paid (ledger) totals of a project, for a new counter."""
    from caseapp.payments.ledger import LedgerEntry
    from caseapp.payments.models import RESERVED_STATES

    reserved = db.session.scalar(select(func.sum(PaymentItem.amount_fen)).where(
        PaymentItem.project_id == project_id, PaymentItem.status.in_(RESERVED_STATES))) or 0
    paid = db.session.scalar(select(func.sum(LedgerEntry.amount_fen)).where(LedgerEntry.project_id == project_id)) or 0
    return {"reserved_fen": reserved, "paid_fen": paid}


_BUDGET_CAP = text("(SELECT budget_fen FROM projects WHERE projects.id = budget_counters.project_id)")


def reserve_budget(project_id: int, amount_fen: int) -> None:
    """Reserve ``amount_fen`` of the project's budget or refuse with 预算不足."""
    stmt = (update(BudgetCounter).where(BudgetCounter.project_id == project_id)
            .where(BudgetCounter.reserved_fen + BudgetCounter.paid_fen + amount_fen <= _BUDGET_CAP)
            .values(reserved_fen=BudgetCounter.reserved_fen + amount_fen, cap_fen=_BUDGET_CAP))
    if _run(stmt) == 1:
        return
    if db.session.get(BudgetCounter, project_id, populate_existing=True) is None:
        from caseapp.budgets.models import Project

        cap = db.session.scalar(select(Project.budget_fen).where(Project.id == project_id))
        _upsert_nothing(BudgetCounter, {"project_id": project_id, "cap_fen": cap, **_budget_start(project_id)})
        if _run(stmt) == 1:
            return
    raise_budget_refusal(project_id)


def unreserve_budget(project_id: int, amount_fen: int) -> None:
    """Give back a reservation taken earlier in this transaction."""
    db.session.execute(update(BudgetCounter).where(BudgetCounter.project_id == project_id)
                       .values(reserved_fen=BudgetCounter.reserved_fen - amount_fen)
                       .execution_options(synchronize_session=False))


def unreserve_head(category_id: int) -> None:
    """Give back a place taken earlier in this transaction."""
    db.session.execute(update(CategoryCounter).where(CategoryCounter.category_id == category_id)
                       .values(used=CategoryCounter.used - 1).execution_options(synchronize_session=False))


def raise_budget_refusal(project_id: int) -> None:
    """Conflict: 预算不足：已用 ¥x / ¥cap (reserved and paid both count as used)."""
    from caseapp.budgets.models import Project

    row = db.session.execute(select(BudgetCounter.reserved_fen + BudgetCounter.paid_fen)
                             .where(BudgetCounter.project_id == project_id)).scalar() or 0
    cap = db.session.scalar(select(Project.budget_fen).where(Project.id == project_id)) or 0
    raise Conflict(f"预算不足：已用 {format_yuan(row)} / {format_yuan(cap)}", code="budget_cap")


def reserve_head(category_id: int, label: str, cap: int) -> None:
    """Take one place in the award category or refuse with 名额已满."""
    stmt = (update(CategoryCounter).where(CategoryCounter.category_id == category_id)
            .where(CategoryCounter.used + 1 <= cap)
            .values(used=CategoryCounter.used + 1, cap=cap))
    if _run(stmt) == 1:
        return
    if db.session.get(CategoryCounter, category_id, populate_existing=True) is None:
        used = _live_sum(func.count(), PaymentItem.award_category_id == category_id)
        _upsert_nothing(CategoryCounter, {"category_id": category_id, "label": label, "used": used, "cap": cap})
        if _run(stmt) == 1:
            return
    used = db.session.scalar(select(CategoryCounter.used).where(CategoryCounter.category_id == category_id))
    raise Conflict(f"名额已满：{label} {used}/{cap}", code="headcount_cap")


#: one statement for the per-person cap: create the counter (from the live items already there) or add to it,
#: in both cases only within the cap; a returned row means granted (SQLite and PostgreSQL share the syntax)
_PERSON_UPSERT = text(
    "INSERT INTO person_aid_counters (person_id, aid_type_id, year, used_fen, cap_fen) "
    "SELECT :person_id, :aid_type_id, :year, :n + COALESCE((SELECT SUM(amount_fen) FROM payment_items "
    "WHERE person_id = :person_id AND aid_type_id = :aid_type_id AND year = :year AND {live}), 0), cap_fen "
    "FROM aid_caps WHERE aid_type_id = :aid_type_id AND :n + COALESCE((SELECT SUM(amount_fen) FROM payment_items "
    "WHERE person_id = :person_id AND aid_type_id = :aid_type_id AND year = :year AND {live}), 0) <= cap_fen "
    "ON CONFLICT (person_id, aid_type_id, year) DO UPDATE SET used_fen = person_aid_counters.used_fen + :n, "
    "cap_fen = excluded.cap_fen WHERE person_aid_counters.used_fen + :n <= excluded.cap_fen RETURNING used_fen"
    .replace("{live}", "status IN (" + ",".join(f"'{s}'" for s in LIVE_STATES) + ")"))


def reserve_person(person_id: int, aid_type_id: int, year: int, amount_fen: int, aid_name: str) -> None:
    """Count ``amount_fen`` against the person's yearly cap for the aid type (if a cap is set)."""
    from caseapp.payments.models import AidCap

    params = {"person_id": person_id, "aid_type_id": aid_type_id, "year": year, "n": amount_fen}
    db.session.flush()
    if db.session.connection().execute(_PERSON_UPSERT, params).first() is not None:
        return
    cap = db.session.scalar(select(AidCap.cap_fen).where(AidCap.aid_type_id == aid_type_id))
    if cap is None:
        return
    used = db.session.scalar(select(PersonAidCounter.used_fen).where(
        PersonAidCounter.person_id == person_id, PersonAidCounter.aid_type_id == aid_type_id,
        PersonAidCounter.year == year)) or 0
    raise Conflict(f"超出个人年度限额：{aid_name} 已用 {format_yuan(used)} / {format_yuan(cap)}",
                   code="person_cap")


# --------------------------------------------------------------------------- set-based release / move
#: the items of one batch transition: those whose history row carries the batch token
BATCH_ITEMS = "id IN (SELECT item_id FROM payment_events WHERE batch = :batch)"


def release_items(batch: str, *, paid: bool) -> None:
    """Give back every counter held by the batch's items, whatever their number, in three UPDATEs.

    ``paid`` says where the money sits: True releases ``paid_fen`` (a return or a reversal), False releases
    ``reserved_fen`` (a rejection or cancellation).
    """
    column = "paid_fen" if paid else "reserved_fen"
    params = {"batch": batch}
    sums = _per_item_sum("project_id = budget_counters.project_id")
    db.session.execute(text(f"UPDATE budget_counters SET {column} = {column} - {sums} "
                            f"WHERE project_id IN (SELECT project_id FROM payment_items WHERE {BATCH_ITEMS})"), params)
    heads = ("(SELECT COUNT(*) FROM payment_items WHERE award_category_id = category_counters.category_id "
             f"AND {BATCH_ITEMS})")
    db.session.execute(text(f"UPDATE category_counters SET used = used - {heads} WHERE category_id IN "
                            f"(SELECT award_category_id FROM payment_items WHERE {BATCH_ITEMS})"), params)
    match = ("person_id = person_aid_counters.person_id AND aid_type_id = person_aid_counters.aid_type_id "
             "AND year = person_aid_counters.year")
    db.session.execute(text(f"UPDATE person_aid_counters SET used_fen = used_fen - {_per_item_sum(match)} "
                            f"WHERE EXISTS (SELECT 1 FROM payment_items WHERE {match} AND {BATCH_ITEMS})"), params)


def move_reserved_to_paid(batch: str) -> None:
    """Paying: the batch's amounts move from reserved to paid on their projects' counters (one UPDATE)."""
    sums = _per_item_sum("project_id = budget_counters.project_id")
    db.session.execute(text(f"UPDATE budget_counters SET reserved_fen = reserved_fen - {sums}, "
                            f"paid_fen = paid_fen + {sums} WHERE project_id IN "
                            f"(SELECT project_id FROM payment_items WHERE {BATCH_ITEMS})"), {"batch": batch})


def _per_item_sum(correlation: str) -> str:
    return f"(SELECT COALESCE(SUM(amount_fen), 0) FROM payment_items WHERE {correlation} AND {BATCH_ITEMS})"


def set_budget(project_id: int, budget_fen: int) -> None:
    """Admin: change a project's 预算数; refused below what is already reserved and paid."""
    from caseapp.budgets.models import Project
    from caseapp.core import audit
    from caseapp.core.scoping import get_scoped, require_role

    require_role("admin")
    project = get_scoped(Project, project_id)
    start = _budget_start(project_id)
    _upsert_nothing(BudgetCounter, {"project_id": project_id, "cap_fen": start["reserved_fen"] + start["paid_fen"],
                                    **start})
    done = db.session.execute(
        update(BudgetCounter).where(BudgetCounter.project_id == project_id)
        .where(BudgetCounter.reserved_fen + BudgetCounter.paid_fen <= budget_fen)
        .values(cap_fen=budget_fen).execution_options(synchronize_session=False)).rowcount
    if done != 1:
        raise_budget_refusal(project_id)
    before, project.budget_fen = project.budget_fen, budget_fen
    db.session.flush()
    audit.record("payment.budget_cap", project, before={"budget_fen": before}, after={"budget_fen": budget_fen})
