"""The payment workflow: an explicit transition table, applied set-based to one item or thousands.

Each transition writes one history row per item with INSERT … SELECT, then moves exactly those items with
one conditional UPDATE (the status in the WHERE clause is the guard against a concurrent transition), then
adjusts counters and the ledger with a fixed number of statements. Any shortfall raises and the whole batch
rolls back: a batch is all or nothing.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Callable

from sqlalchemy import Integer, String, func, insert, literal, select, update

from caseapp.core import audit
from caseapp.core.calendar import local_today
from caseapp.core.context import Principal
from caseapp.core.db import UTCDateTime, db, utcnow
from caseapp.core.errors import Conflict, Forbidden, ValidationFailed
from caseapp.core.scoping import require_role, scoped
from caseapp.payments import caps, dates, ledger
from caseapp.rosters.bulkwrite import among
from caseapp.payments.models import (APPROVED, CANCELLED, PAID, PAID_STATES, PUBLICIZED, REGISTERED, REJECTED,
                                     RESERVED_STATES, RETURNED, REVERSED, REVIEWED, SETTLED, Objection, PaymentEvent,
                                     PaymentItem)


@dataclass(frozen=True)
class Transition:
    """One arrow of the workflow: from which states, to which, by whom, not by whom, and on which dates."""

    label: str  #: Chinese name of the action
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    #: earlier steps whose actors may not take this one: "register" (the registrant), "approve" (the approver)
    not_by: tuple[str, ...] = ()
    needs_reason: bool = False
    #: date rules against the official calendar (``dates.py``), checked before anything moves
    checks: tuple[Callable, ...] = ()


#: the registrant takes no later step of their own item; nobody both approves and pays an item
LATER_STEP = ("register",)
TRANSITIONS: dict[str, Transition] = {
    "review": Transition("审核通过", (REGISTERED,), REVIEWED, ("reviewer",), not_by=LATER_STEP),
    "approve": Transition("集体研究通过", (REVIEWED,), APPROVED, ("leader",), not_by=LATER_STEP,
                          checks=(dates.meeting_held,)),
    "publicize": Transition("开始公示", (APPROVED,), PUBLICIZED, ("caseworker", "reviewer", "leader", "admin"),
                            not_by=LATER_STEP, checks=(dates.publicity_starts_after_approval,)),
    "pay": Transition("发放", (PUBLICIZED,), PAID, ("finance",), not_by=("register", "approve"),
                      checks=(dates.publicity_over,)),
    "confirm": Transition("确认到账", (PAID,), SETTLED, ("finance",), not_by=LATER_STEP),
    "return": Transition("银行退回", (PAID,), RETURNED, ("finance",), not_by=LATER_STEP, needs_reason=True),
    "reject": Transition("驳回", RESERVED_STATES, REJECTED, ("reviewer", "leader"), needs_reason=True),
    "cancel": Transition("撤销", RESERVED_STATES, CANCELLED, ("caseworker", "reviewer", "admin"), needs_reason=True),
    "reverse": Transition("冲正", PAID_STATES, REVERSED, ("finance",), not_by=LATER_STEP, needs_reason=True),
}
ACTION_LABELS = {name: t.label for name, t in TRANSITIONS.items()}
#: who did what earlier, as the refusal names them
_EARLIER = {"register": "登记", "approve": "批准"}
#: ids per statement: far below SQLite's and PostgreSQL's bound-parameter limits
CHUNK = 5000


def allowed_actions(item: PaymentItem, principal: Principal | None) -> list[str]:
    """The actions ``principal`` may apply to ``item`` now (for the buttons on the page)."""
    if principal is None:
        return []
    done = _steps_taken_by(item.id, principal)
    return [name for name, t in TRANSITIONS.items() if item.status in t.sources and principal.has_role(*t.roles)
            and not done & set(t.not_by)]


def _steps_taken_by(item_id: int, principal: Principal) -> set[str]:
    """The earlier steps of ``item_id`` ``principal`` took ("register", "approve")."""
    if principal.user_id is None:
        return set()
    return {step for step in _EARLIER if _taken_by(step, principal.user_id, [item_id])}


def apply(action: str, item_ids: list[int], *, reason: str = "", values: dict | None = None,
          on: date | None = None) -> str:
    """Apply ``action`` to every item in ``item_ids`` (all or nothing); returns the batch token."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationFailed(f"未知操作：{action}", field="action")
    principal = require_role(*transition.roles)
    ids = sorted(set(item_ids))
    if not ids:
        raise ValidationFailed("请至少选择一条记录", field="ids")
    if transition.needs_reason and not reason.strip():
        raise ValidationFailed(f"{transition.label}必须填写原因", field="reason")
    _check_scope(ids, transition)
    _check_not_by(ids, principal, transition)
    for check in transition.checks:
        check(dates.Step(ids, principal, on, values or {}, reason.strip()))
    if action == "pay":
        _check_no_objection(ids)
    batch = uuid.uuid4().hex
    _write_history(ids, batch, action, transition, reason.strip() or None, principal)
    _move(ids, batch, transition, {**(values or {}), **({"status_reason": reason.strip()} if reason else {})})
    _side_effects(action, batch, len(ids), on, reason.strip(), principal, values or {})
    audit.record(f"payment.{action}", ("payment_batch", batch), org_id=principal.org_id,
                 after={"item_ids": ids, "status": transition.target, "reason": reason.strip() or None,
                        **{k: str(v) for k, v in (values or {}).items()}},
                 summary=f"{transition.label} {len(ids)} 笔")
    return batch


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _check_scope(ids: list[int], transition: Transition) -> None:
    visible = sum(db.session.scalar(scoped(select(func.count()).select_from(PaymentItem)
                                           .where(PaymentItem.id.in_(chunk)), PaymentItem.org_id))
                  for chunk in _chunks(ids))
    if visible != len(ids):
        from caseapp.core.errors import NotFound

        raise NotFound("部分记录不存在或无权访问")
    movable = sum(db.session.scalar(select(func.count()).where(PaymentItem.id.in_(chunk),
                                                               PaymentItem.status.in_(transition.sources)))
                  for chunk in _chunks(ids))
    if movable != len(ids):
        found = _named(select(PaymentItem.id, PaymentItem.recipient_name, PaymentItem.status)
                       .where(PaymentItem.id.in_(ids[:CHUNK]), PaymentItem.status.not_in(transition.sources)),
                       lambda status: f"状态为“{status}”，不能{transition.label}")
        raise Conflict(f"有 {len(ids) - movable} 条记录的状态不允许“{transition.label}”"
                       f"（须为：{'、'.join(transition.sources)}）：{found.names}", code="state", rows=found.rows)


def _check_not_by(ids: list[int], principal: Principal, transition: Transition) -> None:
    """Maker-checker: nobody takes a step of an item they registered (or, for 发放, approved)."""
    if principal.user_id is None:  # the command-line operator
        return
    for step in transition.not_by:
        own = sum(_taken_by(step, principal.user_id, chunk) for chunk in _chunks(ids))
        if own:
            found = _named(_own_items(step, principal.user_id, ids[:CHUNK]),
                           lambda _: f"您{_EARLIER[step]}了这笔款项，不能{transition.label}")
            raise Forbidden(f"{_EARLIER[step]}人不能{transition.label}自己{_EARLIER[step]}的款项（{own} 条）："
                            f"{found.names}", code="maker_checker", rows=found.rows)


def _taken_by(step: str, user_id: int, chunk: list[int]) -> int:
    """How many items of ``chunk`` ``user_id`` registered (step "register") or moved with ``step``."""
    if step == "register":
        return db.session.scalar(select(func.count()).where(PaymentItem.id.in_(chunk),
                                                            PaymentItem.registered_by_id == user_id))
    return db.session.scalar(select(func.count(func.distinct(PaymentEvent.item_id))).where(
        PaymentEvent.item_id.in_(chunk), PaymentEvent.action == step, PaymentEvent.actor_id == user_id))


def _check_no_objection(ids: list[int]) -> None:
    held = sum(db.session.scalar(select(func.count(func.distinct(Objection.item_id))).where(
        Objection.item_id.in_(chunk), Objection.status == "open")) for chunk in _chunks(ids))
    if held:
        found = _named(select(PaymentItem.id, PaymentItem.recipient_name, Objection.content)
                       .join(Objection, Objection.item_id == PaymentItem.id)
                       .where(PaymentItem.id.in_(ids[:CHUNK]), Objection.status == "open"),
                       lambda content: f"存在未处理的异议：{content}")
        raise Conflict(f"有 {held} 条记录存在未处理的异议，暂停发放：{found.names}", code="objection",
                       rows=found.rows)


@dataclass
class Named:
    """The items a refusal is about: their names for the message, their id → reason for the rows of the page."""

    names: str
    rows: dict[int, str]


#: items a refusal names in its message (the page marks every row it is given)
NAMED_IN_MESSAGE = 5


def _named(stmt, reason: Callable[[object], str], limit: int = 500) -> Named:
    """Run ``stmt`` (id, name, detail) on the refusal's path only: 编号12 张三、… and each row's reason."""
    found = db.session.execute(stmt.order_by(PaymentItem.id).limit(limit)).all()
    names = "、".join(f"编号{r[0]} {r[1]}" for r in found[:NAMED_IN_MESSAGE])
    if len(found) > NAMED_IN_MESSAGE:
        names += " 等"
    return Named(names, {r[0]: reason(r[2]) for r in found})


def _own_items(step: str, user_id: int, ids: list[int]):
    """(id, name, None) of the items of ``ids`` ``user_id`` registered or moved with ``step``."""
    stmt = select(PaymentItem.id, PaymentItem.recipient_name, literal(None)).where(PaymentItem.id.in_(ids))
    if step == "register":
        return stmt.where(PaymentItem.registered_by_id == user_id)
    return stmt.where(PaymentItem.id.in_(select(PaymentEvent.item_id).where(
        PaymentEvent.item_id.in_(ids), PaymentEvent.action == step, PaymentEvent.actor_id == user_id)))


def _write_history(ids, batch, action, transition, note, principal) -> None:
    cols = ["item_id", "action", "from_status", "to_status", "note", "actor_name", "actor_id", "batch", "at"]
    for chunk in _chunks(ids):
        source = select(PaymentItem.id, literal(action, String), PaymentItem.status,
                        literal(transition.target, String), literal(note, String), literal(principal.username, String),
                        literal(principal.user_id, Integer), literal(batch, String), literal(utcnow(), UTCDateTime)
                        ).where(PaymentItem.id.in_(chunk), PaymentItem.status.in_(transition.sources))
        db.session.execute(insert(PaymentEvent).from_select(cols, source))


def _move(ids, batch, transition, values) -> None:
    # by the ids themselves (one array parameter on PostgreSQL): the planner knows how many there are. Selected
    # through the batch's history rows, written in this very transaction, the statistics knew neither the batch
    # nor the new status, and a nested loop probed the whole batch once per item: 9.7 s for 10,000 items among
    # 200,000 (bench/payments.py)
    moved = sum(db.session.execute(
        update(PaymentItem).where(among(PaymentItem.id, chunk), PaymentItem.status.in_(transition.sources))
        .values(status=transition.target, **values).execution_options(synchronize_session=False)).rowcount
        for chunk in _chunks(ids))
    if moved != len(ids):
        raise Conflict("部分记录已被他人处理，请刷新后重试", code="state")
    wanted = set(ids)
    for obj in list(db.session.identity_map.values()):  # loaded copies of the moved items are now stale
        if isinstance(obj, PaymentItem) and obj.id in wanted:
            db.session.expire(obj)


def _side_effects(action, batch, count, on, reason, principal, values) -> None:
    if action in ("reject", "cancel"):
        caps.release_items(batch, paid=False)
    elif action == "pay":
        if ledger.record_payments(batch, on, values.get("bank_batch", ""), principal.username) != count:
            raise Conflict("部分记录已发放，不能重复发放", code="already_paid")
        caps.move_reserved_to_paid(batch)
    elif action in ("return", "reverse"):
        kind = ledger.RETURN if action == "return" else ledger.REVERSAL
        if ledger.record_reversals(batch, kind, on or local_today(), reason, principal.username) != count:
            raise Conflict("部分记录没有可冲正的发放记录", code="not_paid")
        caps.release_items(batch, paid=True)
