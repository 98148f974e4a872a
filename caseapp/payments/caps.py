"""Caps held by counter rows: one conditional UPDATE per cap, in the same transaction as the item.

``UPDATE … SET used = used + :n WHERE key AND used + :n <= cap`` is atomic on both engines (PostgreSQL
re-checks the WHERE clause on the newest row version after waiting for its lock; SQLite's writers are
serialised by BEGIN IMMEDIATE), so a returned row means granted. CHECK constraints stand behind every counter.

Each cap is one SQL text, written once here: the general path runs them one by one, the PostgreSQL
single-statement path (``fastpath.py``) chains the same texts as CTEs, each gated on the one before. A refusal
is an exception built by ``*_refusal``; whatever was taken before it is undone by the caller's savepoint, or, on
the single-statement path (which has none), by the ``GIVE_BACK_*`` text written next to each cap.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import func, select, text, update

from caseapp.budgets.models import Project
from caseapp.core.db import db, insert_ignoring_conflicts
from caseapp.core.errors import Conflict
from caseapp.core.money import format_yuan
from caseapp.payments.models import (LIVE_SQL, RESERVED_STATES, BudgetCounter, CategoryCounter, LedgerEntry,
                                     PaymentItem, PersonAidCounter)

#: a project's 预算数, read by the statement that reserves against it (a changed budget counts at once)
BUDGET_CAP = "(SELECT budget_fen FROM projects WHERE projects.id = budget_counters.project_id)"


class CapRefused(Conflict):
    """A cap refused a reservation; ``keys`` are the refused counters, ``used``/``cap`` the first one's state."""

    def __init__(self, message: str, code: str, *, keys=(), used: int = 0, cap: int = 0):
        super().__init__(message, code=code)
        self.keys, self.used, self.cap = frozenset(keys), used, cap


def _gate(after: str | None) -> str:
    """In a CTE chain: only when the CTE ``after`` (the cap before) granted its row."""
    return f" AND EXISTS (SELECT 1 FROM {after})" if after else ""


# --------------------------------------------------------------------------- the project's budget
def budget_sql(after: str | None = None) -> str:
    """Reserve ``:amount_fen`` of project ``:project_id``'s budget, within it; RETURNING a row when granted."""
    return (f"UPDATE budget_counters SET reserved_fen = reserved_fen + :amount_fen, cap_fen = {BUDGET_CAP} "
            f"WHERE project_id = :project_id AND reserved_fen + paid_fen + :amount_fen <= {BUDGET_CAP}"
            f"{_gate(after)} RETURNING project_id")


#: undoes :func:`budget_sql` for the same parameters (the single-statement path's refusal, which has no savepoint)
GIVE_BACK_BUDGET = ("UPDATE budget_counters SET reserved_fen = reserved_fen - :amount_fen "
                    "WHERE project_id = :project_id")


def reserve_budget(project_id: int, amount_fen: int) -> None:
    """Reserve ``amount_fen`` of the project's budget (creating its counter on first use) or refuse."""
    params = {"project_id": project_id, "amount_fen": amount_fen}
    if _granted(budget_sql(), params):
        return
    if _missing(BudgetCounter, project_id):
        cap = db.session.scalar(select(Project.budget_fen).where(Project.id == project_id))
        db.session.execute(insert_ignoring_conflicts(BudgetCounter, project_id=project_id, cap_fen=cap,
                                                     **budget_start(project_id)))
    # granted now, whoever created the counter: a concurrent first registration may have committed it between
    # the UPDATE above (no row yet) and the look-up (found), which is no reason to refuse
    if _granted(budget_sql(), params):
        return
    raise budget_refusal(project_id)


def budget_start(project_id: int) -> dict:
    """Reserved (unpaid live items) and paid (ledger) totals of a project, for a new counter."""
    reserved = db.session.scalar(select(func.sum(PaymentItem.amount_fen)).where(
        PaymentItem.project_id == project_id, PaymentItem.status.in_(RESERVED_STATES))) or 0
    paid = db.session.scalar(select(func.sum(LedgerEntry.amount_fen)).where(LedgerEntry.project_id == project_id)) or 0
    return {"reserved_fen": reserved, "paid_fen": paid}


def budget_refusal(project_id: int) -> CapRefused:
    """预算不足：已用 ¥x / ¥cap (reserved and paid both count as used)."""
    used = db.session.execute(select(BudgetCounter.reserved_fen + BudgetCounter.paid_fen)
                              .where(BudgetCounter.project_id == project_id)).scalar() or 0
    cap = db.session.scalar(select(Project.budget_fen).where(Project.id == project_id)) or 0
    return CapRefused(f"预算不足：已用 {format_yuan(used)} / {format_yuan(cap)}", "budget_cap", used=used, cap=cap)


# --------------------------------------------------------------------------- award head counts (名额)
@dataclass(frozen=True)
class Heads:
    """Places wanted in one award category: its name for messages, its 名额 and how many places."""

    label: str
    cap: int
    n: int


def heads_sql(after: str | None = None) -> str:
    """Take ``:heads`` places in category ``:award_category_id`` within ``:category_cap``; a row when granted."""
    return ("UPDATE category_counters SET used = used + :heads, cap = :category_cap "
            "WHERE category_id = :award_category_id AND used + :heads <= :category_cap"
            f"{_gate(after)} RETURNING category_id")


#: undoes :func:`heads_sql` for the same parameters
GIVE_BACK_HEADS = "UPDATE category_counters SET used = used - :heads WHERE category_id = :award_category_id"


def reserve_heads(heads: dict[int, Heads]) -> None:
    """Take the places of every category of ``heads`` (creating counters on first use), or refuse."""
    for category_id, h in sorted(heads.items()):
        params = {"award_category_id": category_id, "heads": h.n, "category_cap": h.cap}
        if _granted(heads_sql(), params):
            continue
        if _missing(CategoryCounter, category_id):  # its counter starts from the live items
            used = db.session.scalar(select(func.count()).where(
                PaymentItem.award_category_id == category_id, text(LIVE_SQL)))
            db.session.execute(insert_ignoring_conflicts(CategoryCounter, category_id=category_id, label=h.label,
                                                         used=used, cap=h.cap))
        if _granted(heads_sql(), params):  # ours or a concurrent first registration's counter (see above)
            continue
        raise heads_refusal(category_id, h)


def heads_refusal(category_id: int, h: Heads) -> CapRefused:
    """名额已满 for one category, with its counter's current use."""
    now = db.session.scalar(select(CategoryCounter.used).where(CategoryCounter.category_id == category_id)) or 0
    extra = f"，本次需 {h.n} 名" if h.n > 1 else ""
    return CapRefused(f"名额已满：{h.label} {now}/{h.cap}{extra}", "headcount_cap", keys={category_id}, used=now,
                      cap=h.cap)


# --------------------------------------------------------------------------- per-person yearly caps
@lru_cache(maxsize=64)
def persons_sql(size: int, after: str | None = None) -> str:
    """Count ``:n<i>`` for each person ``:p<i>`` of aid type ``:aid_type_id`` in ``:year`` within ``:person_cap``:
    create each counter (from the live items already there) or add to it; a returned row per granted person
    (SQLite ≥ 3.35 and PostgreSQL share the syntax)."""
    def amount(column: str) -> str:
        return f"CASE {column} " + " ".join(f"WHEN :p{i} THEN :n{i}" for i in range(size)) + " END"

    live = (f"COALESCE((SELECT SUM(amount_fen) FROM payment_items WHERE person_id = persons.id "
            f"AND aid_type_id = :aid_type_id AND year = :year AND {LIVE_SQL}), 0)")
    ids = ", ".join(f":p{i}" for i in range(size))
    new = f"{amount('persons.id')} + {live}"
    add = amount("person_aid_counters.person_id")
    return ("INSERT INTO person_aid_counters (person_id, aid_type_id, year, used_fen, cap_fen) "
            f"SELECT persons.id, :aid_type_id, :year, {new}, :person_cap FROM persons WHERE persons.id IN ({ids}) "
            f"AND {new} <= :person_cap{_gate(after)} ON CONFLICT (person_id, aid_type_id, year) DO UPDATE SET "
            f"used_fen = person_aid_counters.used_fen + {add}, cap_fen = excluded.cap_fen "
            f"WHERE person_aid_counters.used_fen + {add} <= excluded.cap_fen RETURNING person_id")


#: undoes :func:`persons_sql` for one person (``:p0``/``:n0``)
GIVE_BACK_PERSON = ("UPDATE person_aid_counters SET used_fen = used_fen - :n0 "
                    "WHERE person_id = :p0 AND aid_type_id = :aid_type_id AND year = :year")


def person_params(amounts: dict[int, int]) -> dict:
    """The ``:p<i>``/``:n<i>`` parameters of :func:`persons_sql` for {person id: amount}."""
    params = {}
    for i, (person_id, n) in enumerate(sorted(amounts.items())):
        params[f"p{i}"], params[f"n{i}"] = person_id, n
    return params


def reserve_persons(aid_type_id: int, aid_name: str, cap_fen: int, year: int, amounts: dict[int, int]) -> None:
    """Count each person's amount against their yearly cap for the aid type, or refuse."""
    if not amounts:
        return
    params = {"aid_type_id": aid_type_id, "year": year, "person_cap": cap_fen, **person_params(amounts)}
    granted = set(db.session.connection().execute(text(persons_sql(len(amounts))), params).scalars())
    if granted != set(amounts):
        raise persons_refusal(aid_type_id, aid_name, cap_fen, year, set(amounts) - granted)


def persons_refusal(aid_type_id: int, aid_name: str, cap_fen: int, year: int, refused: set[int]) -> CapRefused:
    """超出个人年度限额 for the first refused person, with what their counter holds."""
    refused = sorted(refused)
    used = dict(db.session.execute(select(PersonAidCounter.person_id, PersonAidCounter.used_fen).where(
        PersonAidCounter.person_id.in_(refused), PersonAidCounter.aid_type_id == aid_type_id,
        PersonAidCounter.year == year)).all())
    now = used.get(refused[0], 0)
    return CapRefused(f"超出个人年度限额：{aid_name} 已用 {format_yuan(now)} / {format_yuan(cap_fen)}", "person_cap",
                      keys=refused, used=now, cap=cap_fen)


def _granted(sql: str, params: dict) -> bool:
    """Run one cap statement on the session's connection (Core: no ORM overhead); True when it granted."""
    return db.session.connection().execute(text(sql), params).first() is not None


def _missing(model, key) -> bool:
    return db.session.get(model, key, populate_existing=True) is None


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


def set_budget(project_id: int, budget_fen: int, reason: str = "") -> None:
    """Admin: change a project's 预算数 (预算调整, kept in its history); refused below what is reserved and paid."""
    from caseapp.budgets.budget_history import record_change
    from caseapp.core import audit
    from caseapp.core.scoping import get_scoped, require_role

    require_role("admin")
    project = get_scoped(Project, project_id)
    start = budget_start(project_id)
    db.session.execute(insert_ignoring_conflicts(BudgetCounter, project_id=project_id,
                                                 cap_fen=start["reserved_fen"] + start["paid_fen"], **start))
    done = db.session.execute(
        update(BudgetCounter).where(BudgetCounter.project_id == project_id)
        .where(BudgetCounter.reserved_fen + BudgetCounter.paid_fen <= budget_fen)
        .values(cap_fen=budget_fen).execution_options(synchronize_session=False)).rowcount
    if done != 1:
        raise budget_refusal(project_id)
    before, project.budget_fen = project.budget_fen, budget_fen
    if before != budget_fen:
        record_change(project, before, budget_fen, reason)
    db.session.flush()
    audit.record("payment.budget_cap", project, before={"budget_fen": before},
                 after={"budget_fen": budget_fen, "reason": reason})
