"""Caps held by counter rows: one conditional UPDATE per cap, in the same transaction as the item.

``UPDATE … SET used = used + :n WHERE key AND used + :n <= cap`` is atomic on both engines (PostgreSQL
re-checks the WHERE clause on the newest row version after waiting for its lock; SQLite's writers are
serialised by BEGIN IMMEDIATE), so rowcount 1 means granted. CHECK constraints stand behind every counter.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import CheckConstraint, ForeignKey, String, case, func, literal, select, text, update
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


def raise_budget_refusal(project_id: int) -> None:
    """Conflict: 预算不足：已用 ¥x / ¥cap (reserved and paid both count as used)."""
    from caseapp.budgets.models import Project

    used = db.session.execute(select(BudgetCounter.reserved_fen + BudgetCounter.paid_fen)
                              .where(BudgetCounter.project_id == project_id)).scalar() or 0
    cap = db.session.scalar(select(Project.budget_fen).where(Project.id == project_id)) or 0
    raise CapRefused(f"预算不足：已用 {format_yuan(used)} / {format_yuan(cap)}", "budget_cap", used=used, cap=cap)


class CapRefused(Conflict):
    """A cap refused a reservation; ``keys`` are the refused counters, ``used``/``cap`` the first one's state."""

    def __init__(self, message: str, code: str, *, keys=(), used: int = 0, cap: int = 0):
        super().__init__(message, code=code)
        self.keys, self.used, self.cap = frozenset(keys), used, cap


def _by_key(column, values: dict):
    """CASE column WHEN key THEN value …: one statement carries a different number for every counter."""
    return case({k: literal(v) for k, v in values.items()}, value=column)


# --------------------------------------------------------------------------- award head counts (名额)
@dataclass(frozen=True)
class Heads:
    """Places wanted in one award category: its name for messages, its 名额 and how many places."""

    label: str
    cap: int
    n: int


def _take_heads(heads: dict[int, Heads], sign: int) -> set[int]:
    if not heads:
        return set()
    n = _by_key(CategoryCounter.category_id, {c: sign * h.n for c, h in heads.items()})
    stmt = update(CategoryCounter).where(CategoryCounter.category_id.in_(list(heads)))
    if sign > 0:
        cap = _by_key(CategoryCounter.category_id, {c: h.cap for c, h in heads.items()})
        stmt = stmt.where(CategoryCounter.used + n <= cap).values(used=CategoryCounter.used + n, cap=cap)
    else:
        stmt = stmt.values(used=CategoryCounter.used + n)
    return set(db.session.connection().execute(stmt.returning(CategoryCounter.category_id)).scalars())


def reserve_heads(heads: dict[int, Heads]) -> None:
    """Take places in every category of ``heads`` with one UPDATE, or refuse with 名额已满 (nothing taken)."""
    granted = _take_heads(heads, +1)
    if granted == set(heads):
        return
    _take_heads({c: heads[c] for c in granted}, -1)
    missing = set(heads) - set(db.session.scalars(select(CategoryCounter.category_id).where(
        CategoryCounter.category_id.in_(list(heads)))))
    for category_id in sorted(missing):  # first use of a category: its counter starts from the live items
        used = _live_sum(func.count(), PaymentItem.award_category_id == category_id)
        _upsert_nothing(CategoryCounter, {"category_id": category_id, "label": heads[category_id].label,
                                          "used": used, "cap": heads[category_id].cap})
    if missing:
        granted = _take_heads(heads, +1)
        if granted == set(heads):
            return
        _take_heads({c: heads[c] for c in granted}, -1)
    refuse_heads(heads, set(heads) - granted)


def refuse_heads(heads: dict[int, Heads], refused: set[int]) -> None:
    """Raise 名额已满 for the first refused category, with its counter's current use."""
    used = dict(db.session.execute(select(CategoryCounter.category_id, CategoryCounter.used).where(
        CategoryCounter.category_id.in_(sorted(refused)))).all())
    first = min(refused)
    h, now = heads[first], used.get(first, 0)
    extra = f"，本次需 {h.n} 名" if h.n > 1 else ""
    raise CapRefused(f"名额已满：{h.label} {now}/{h.cap}{extra}", "headcount_cap", keys=refused, used=now, cap=h.cap)


def unreserve_heads(counts: dict[int, int]) -> None:
    """Give back places taken earlier in this transaction ({category id: places})."""
    _take_heads({c: Heads("", 0, n) for c, n in counts.items()}, -1)


# --------------------------------------------------------------------------- per-person yearly caps
_LIVE = "status IN (" + ",".join(f"'{s}'" for s in LIVE_STATES) + ")"


@lru_cache(maxsize=32)
def _person_upsert(size: int):
    """One statement for the yearly caps of ``size`` persons of one aid type: create each counter (from the
    live items already there) or add to it, in both cases only within the cap; a returned row means granted
    (SQLite ≥ 3.35 and PostgreSQL share the syntax)."""
    def amount(column: str) -> str:
        return f"CASE {column} " + " ".join(f"WHEN :p{i} THEN :n{i}" for i in range(size)) + " END"

    live = (f"COALESCE((SELECT SUM(amount_fen) FROM payment_items WHERE person_id = persons.id "
            f"AND aid_type_id = :aid_type_id AND year = :year AND {_LIVE}), 0)")
    ids = ", ".join(f":p{i}" for i in range(size))
    new = f"{amount('persons.id')} + {live}"
    add = amount("person_aid_counters.person_id")
    return text(
        "INSERT INTO person_aid_counters (person_id, aid_type_id, year, used_fen, cap_fen) "
        f"SELECT persons.id, :aid_type_id, :year, {new}, :cap FROM persons WHERE persons.id IN ({ids}) "
        f"AND {new} <= :cap ON CONFLICT (person_id, aid_type_id, year) DO UPDATE SET "
        f"used_fen = person_aid_counters.used_fen + {add}, cap_fen = excluded.cap_fen "
        f"WHERE person_aid_counters.used_fen + {add} <= excluded.cap_fen RETURNING person_id")


def _person_params(amounts: dict[int, int]) -> dict:
    params = {}
    for i, (person_id, n) in enumerate(sorted(amounts.items())):
        params[f"p{i}"], params[f"n{i}"] = person_id, n
    return params


def reserve_persons(aid_type_id: int, aid_name: str, cap_fen: int, year: int, amounts: dict[int, int]) -> None:
    """Count each person's amount against their yearly cap for the aid type, or refuse (nothing counted)."""
    if not amounts:
        return
    params = {"aid_type_id": aid_type_id, "year": year, "cap": cap_fen, **_person_params(amounts)}
    granted = set(db.session.connection().execute(_person_upsert(len(amounts)), params).scalars())
    if granted == set(amounts):
        return
    _unreserve_persons(aid_type_id, year, {p: amounts[p] for p in granted})
    refuse_persons(aid_type_id, aid_name, cap_fen, year, set(amounts) - granted)


def refuse_persons(aid_type_id: int, aid_name: str, cap_fen: int, year: int, refused: set[int]) -> None:
    """Raise 超出个人年度限额 for the first refused person, with what their counter holds."""
    refused = sorted(refused)
    used = dict(db.session.execute(select(PersonAidCounter.person_id, PersonAidCounter.used_fen).where(
        PersonAidCounter.person_id.in_(refused), PersonAidCounter.aid_type_id == aid_type_id,
        PersonAidCounter.year == year)).all())
    now = used.get(refused[0], 0)
    raise CapRefused(f"超出个人年度限额：{aid_name} 已用 {format_yuan(now)} / {format_yuan(cap_fen)}", "person_cap",
                     keys=refused, used=now, cap=cap_fen)


def _unreserve_persons(aid_type_id: int, year: int, amounts: dict[int, int]) -> None:
    if amounts:
        db.session.connection().execute(
            update(PersonAidCounter).where(PersonAidCounter.person_id.in_(list(amounts)),
                                           PersonAidCounter.aid_type_id == aid_type_id, PersonAidCounter.year == year)
            .values(used_fen=PersonAidCounter.used_fen - _by_key(PersonAidCounter.person_id, amounts)))


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
