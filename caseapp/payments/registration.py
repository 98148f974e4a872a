"""Set-based registration: one item or a whole batch in a fixed number of statements, all or nothing.

Whatever the number of lines: one query for the aid types (caps and the period setting included), one for
the persons, one for the award recipients; one conditional UPDATE for the budget, one for the head counts,
one upsert per aid type for the per-person caps; one INSERT … RETURNING for the items, one for their history
and one for their audit rows. Any refused line refuses the batch, and the refusal names every line at fault.

A single registration is a batch of one line that reads everything in one query; on PostgreSQL, once its
counters exist, it takes its caps and writes its rows in one more statement (``fastpath.py``).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, inspect, or_, select
from sqlalchemy.exc import IntegrityError

from caseapp.core.audit import AuditEvent
from caseapp.core.context import Principal, current_request_id
from caseapp.core.db import db, utcnow
from caseapp.core.errors import Conflict, DomainError, ValidationFailed
from caseapp.core.masking import mask_name
from caseapp.core.money import format_yuan
from caseapp.core.scoping import require_role, require_visible_org
from caseapp.payments import caps, eligibility, fastpath
from caseapp.payments.eligibility import Aid, Recipient
from caseapp.payments.models import LIVE_STATES, REGISTERED, PaymentEvent, PaymentItem

REGISTER_ROLES = ("caseworker", "admin")
#: problems quoted in one refusal message; the rest are counted
MAX_QUOTED = 20
#: SQLSTATE of a unique violation (PostgreSQL)
UNIQUE_VIOLATION = "23505"

#: what resolving lines gives: the project's facts, the good lines, the refusals, the period setting, and
#: whether a single line's counters exist (the PostgreSQL fast path may run)
Resolution = tuple["ProjectRef", list["Resolved"], list, str, bool]


@dataclass(frozen=True)
class Line:
    """One item to register: aid type, amount, and exactly one of person id, 身份证号 or award recipient id."""

    aid_type: str
    amount_fen: int | None  #: None only for an award recipient: the category's amount
    person_id: int | None = None
    id_number: str | None = None
    recipient_id: int | None = None
    reason: str = ""
    evidence: str = ""
    label: str = ""  #: how messages name the line, e.g. "第3行"


@dataclass(frozen=True)
class Resolved:
    """A line that passed every eligibility rule."""

    line: Line
    label: str
    aid: Aid
    recipient: Recipient
    amount_fen: int


class LinesRefused(ValidationFailed):
    """Lines of a batch cannot be registered; ``problems`` lists (label, reason); nothing was written."""

    def __init__(self, problems: list[tuple[str, str]]):
        quoted = "；".join(f"{label}：{reason}" for label, reason in problems[:MAX_QUOTED])
        more = f"；等，共 {len(problems)} 处" if len(problems) > MAX_QUOTED else ""
        super().__init__(f"整批未登记。{quoted}{more}", code=self.code)
        self.problems = problems


class LinesConflict(LinesRefused, Conflict):
    """Lines of a batch were refused by a cap or a duplicate (HTTP 409)."""

    status = 409
    code = "conflict"


def lines_refused(problems: list[tuple[str, str]], *, conflict: bool) -> LinesRefused:
    """The refusal of a batch, a Conflict when a cap or a duplicate is among the reasons."""
    return (LinesConflict if conflict else LinesRefused)(problems)


@dataclass(frozen=True)
class ProjectRef:
    """What registration reads of a project: its id, 所属工会 and fiscal year."""

    id: int
    org_id: int
    year: int

    @classmethod
    def of(cls, project) -> ProjectRef:
        return cls(project.id, project.org_id, project.year)


def register_lines(project, lines: list[Line], *, on: date | None = None) -> list[dict]:
    """Register every line against ``project`` (all or nothing); the new items' columns (with ``id``), in order."""
    principal = require_role(*REGISTER_ROLES)
    if not lines:
        raise ValidationFailed("请至少选择一人", field="ids")
    on = on or date.today()
    db.session.flush()  # what follows runs on the connection, past the ORM
    project, resolved, problems, period_kind, counters_ready = _resolve(project, lines, on)
    require_visible_org(project.org_id)  # the project may be the county's; each item is the recipient's union's
    period = f"{project.year}-Q{(on.month - 1) // 3 + 1}" if period_kind == "quarter" else str(project.year)
    if len(lines) > 1:
        problems += _already_registered(project, resolved, period)
    _refuse(lines, problems)
    if fastpath.applies(len(lines), counters_ready):
        return [_write_in_one(project, resolved[0], on, period, principal)]
    _reserve(project, resolved)
    return _write(project, resolved, on, period, principal)


# --------------------------------------------------------------------------- eligibility, set-based
def _resolve(project, lines: list[Line], on: date) -> Resolution:
    """The project's facts, the lines that pass every rule, (label, error) for those that do not, the period
    setting, and whether a single line's counters exist already."""
    if len(lines) == 1:
        return _resolve_one(project, lines[0], on)
    project = ProjectRef.of(project)
    aids, period_kind = eligibility.aid_types(line.aid_type for line in lines)
    hashes = {line.id_number: eligibility.id_hash_of(line.id_number) for line in lines if line.id_number}
    by_id, by_hash = eligibility.persons([line.person_id for line in lines if line.person_id],
                                         [h for h in hashes.values() if h], on)
    awards = eligibility.award_recipients([line.recipient_id for line in lines if line.recipient_id])
    resolved, problems = [], []
    for number, line in enumerate(lines, start=1):
        label = line.label or f"第{number}条"
        person = by_id.get(line.person_id) if line.person_id else by_hash.get(hashes.get(line.id_number))
        try:
            resolved.append(_resolve_line(project, line, label, aids.get((line.aid_type or "").strip()), person,
                                          awards.get(line.recipient_id), on))
        except DomainError as exc:
            problems.append((label, exc))
    return project, resolved, problems + _repeats(resolved), period_kind, False


def _resolve_one(project, line: Line, on: date) -> Resolution:
    """A single line: everything it needs, the project's year and union included, in one query."""
    project_id = inspect(project).identity[0]  # no refresh of a project held across a commit
    found = eligibility.one_line(line.aid_type, on, project_id, person_id=line.person_id,
                                 id_hash=None if line.person_id else eligibility.id_hash_of(line.id_number),
                                 recipient_id=line.recipient_id)
    ref = ProjectRef(project_id, found.project_org_id, found.project_year) \
        if found.project_org_id is not None else ProjectRef.of(project)
    label = line.label or "第1条"
    try:
        resolved = _resolve_line(ref, line, label, found.aid, found.person, found.award, on)
    except DomainError as exc:
        return ref, [], [(label, exc)], found.period_kind, False
    return ref, [resolved], [], found.period_kind, found.counters_ready


def _resolve_line(project, line: Line, label: str, aid: Aid | None, person, award, on: date) -> Resolved:
    """Check one line against its aid type's rule, its recipient and its amount; raise the first refusal."""
    aid = aid or _raise(eligibility.unknown_aid(line.aid_type))
    if line.recipient_id is not None:
        recipient = eligibility.for_award(aid, award or _raise(eligibility.award_recipient_missing()),
                                          line.amount_fen, project.id)
        amount = award.amount_fen
    else:
        recipient = eligibility.for_person(aid, person or _raise(
            eligibility.recipient_missing(line.person_id is None)), on)
        amount = check_amount(line.amount_fen)
    return Resolved(line, f"{label}（{recipient.name}）", aid, recipient, amount)


def _raise(exc: DomainError):
    raise exc


def check_amount(amount_fen) -> int:
    """The amount in 分, if a positive integer; else a Chinese validation error."""
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise ValidationFailed("金额必须是大于 0 的整数（分）", field="amount_fen")
    return amount_fen


def _repeats(resolved: list[Resolved]) -> list[tuple[str, DomainError]]:
    """The same recipient twice in one batch (per aid type, or per award event)."""
    first: dict[tuple, str] = {}
    problems = []
    for r in resolved:
        key = (("award", r.recipient.award_event_id) if r.recipient.award_event_id else ("aid", r.aid.id),
               r.recipient.key)
        if key in first:
            problems.append((r.label, Conflict(f"与{first[key]}重复，同一批中每人只能登记一次", code="duplicate")))
        first.setdefault(key, r.label)
    return problems


def _refuse(lines: list[Line], problems: list[tuple[str, DomainError]]) -> None:
    """Raise the single line's own error, or one LinesRefused naming every line at fault."""
    if not problems:
        return
    if len(lines) == 1:
        raise problems[0][1]
    raise lines_refused([(label, exc.message) for label, exc in problems],
                       conflict=any(isinstance(exc, Conflict) for _, exc in problems))


def _already_registered(project, resolved: list[Resolved], period: str) -> list[tuple[str, DomainError]]:
    """Lines whose recipient already holds a live item, in one query for the batch (the partial unique
    indexes stay the guarantee against a concurrent registration)."""
    people = [r for r in resolved if not r.recipient.award_event_id]
    awards = [r for r in resolved if r.recipient.award_event_id]
    same_period = (PaymentItem.project_id == project.id) & (PaymentItem.period == period) & \
        PaymentItem.person_id.in_({r.recipient.person_id for r in people} or [0]) & \
        PaymentItem.aid_type_id.in_({r.aid.id for r in people} or [0])
    same_award = PaymentItem.award_event_id.in_({r.recipient.award_event_id for r in awards} or [0]) & \
        PaymentItem.recipient_key.in_({r.recipient.key for r in awards} or [""])
    found = db.session.execute(select(PaymentItem.person_id, PaymentItem.aid_type_id, PaymentItem.award_event_id,
                                      PaymentItem.recipient_key)
                               .where(PaymentItem.status.in_(LIVE_STATES), or_(same_period, same_award))).all()
    taken = {("p", f.person_id, f.aid_type_id) for f in found if f.award_event_id is None} | \
        {("a", f.award_event_id, f.recipient_key) for f in found if f.award_event_id is not None}
    return [(r.label, _duplicate(r)) for r in resolved if _key(r) in taken]


def _key(r: Resolved) -> tuple:
    if r.recipient.award_event_id:
        return "a", r.recipient.award_event_id, r.recipient.key
    return "p", r.recipient.person_id, r.aid.id


def _duplicate(r: Resolved) -> Conflict:
    what = "本次表彰" if r.recipient.award_event_id else f"本项目本期的{r.aid.name}"
    return Conflict(f"重复登记：{r.recipient.name} 已有{what}款项", code="duplicate")


# --------------------------------------------------------------------------- caps, set-based
def _reserve(project, resolved: list[Resolved]) -> None:
    """Budget, head counts, per-person caps in turn; a refusal gives back what was taken and names the lines."""
    total = sum(r.amount_fen for r in resolved)
    try:
        caps.reserve_budget(project.id, total)
    except caps.CapRefused as exc:
        _refuse_budget(resolved, exc, total)
    heads: dict[int, caps.Heads] = {}
    for r in resolved:
        c = r.recipient.category_id
        if c is not None:
            heads[c] = caps.Heads(r.recipient.category_label, r.recipient.category_cap,
                                  heads[c].n + 1 if c in heads else 1)
    taken: list[tuple[Aid, dict[int, int]]] = []
    try:
        if heads:
            caps.reserve_heads(heads)
        for aid, amounts in _per_person(resolved):
            caps.reserve_persons(aid.id, aid.name, aid.cap_fen, project.year, amounts)
            taken.append((aid, amounts))
    except caps.CapRefused as exc:
        for aid, amounts in taken:
            caps.unreserve_persons(aid.id, project.year, amounts)
        if heads and exc.code != "headcount_cap":
            caps.unreserve_heads({c: h.n for c, h in heads.items()})
        caps.unreserve_budget(project.id, total)
        _refuse_cap(resolved, exc)


def _per_person(resolved: list[Resolved]):
    """(aid type, {person id: amount}) for each capped aid type of the batch."""
    groups: dict[int, tuple[Aid, dict[int, int]]] = {}
    for r in resolved:
        if r.aid.cap_fen is not None and r.recipient.person_id is not None:
            amounts = groups.setdefault(r.aid.id, (r.aid, {}))[1]
            amounts[r.recipient.person_id] = amounts.get(r.recipient.person_id, 0) + r.amount_fen
    return list(groups.values())


def _refuse_budget(resolved: list[Resolved], exc: caps.CapRefused, total: int) -> None:
    if len(resolved) == 1:
        raise exc
    room, running = exc.cap - exc.used, 0
    over = [r.label for r in resolved if (running := running + r.amount_fen) > room]
    raise lines_refused([("预算", f"{exc.message}，本批合计 {format_yuan(total)}，"
                                f"超出部分自{over[0]}起（共 {len(over)} 条）")], conflict=True)


def _refuse_cap(resolved: list[Resolved], exc: caps.CapRefused) -> None:
    if len(resolved) == 1:
        raise exc
    if exc.code == "headcount_cap":
        room = exc.cap - exc.used
        lines = [r for r in resolved if r.recipient.category_id in exc.keys][max(room, 0):]
        raise lines_refused([(r.label, f"超出名额（{r.recipient.category_label} 已用 {exc.used}/{exc.cap}）")
                            for r in lines], conflict=True)
    raise lines_refused([(r.label, f"超出个人年度限额（{r.aid.name} 每人每年 {format_yuan(r.aid.cap_fen or 0)}）")
                        for r in resolved if r.recipient.person_id in exc.keys and r.aid.cap_fen is not None],
                       conflict=True)


# --------------------------------------------------------------------------- the rows: items, history, audit
def _write(project, resolved: list[Resolved], on: date, period: str, principal: Principal) -> list[dict]:
    now, batch = utcnow(), uuid.uuid4().hex
    rows = [_row(project, r, on, period, principal, now) for r in resolved]
    ids = _insert_items(rows, resolved)
    conn = db.session.connection()
    conn.execute(insert(PaymentEvent.__table__), [
        dict(item_id=i, action="register", from_status=None, to_status=REGISTERED, note=None,
             actor_name=principal.username, batch=batch, at=now) for i in ids])
    request_id = current_request_id()
    conn.execute(insert(AuditEvent.__table__), [
        dict(at=now, actor_id=principal.user_id, actor_name=principal.username, org_id=row["org_id"],
             action="payment.register", object_type="payment_items", object_id=str(i),
             summary=_summary(r), before=None, after=snapshot(row | {"id": i}),
             request_id=request_id, source=principal.source) for i, r, row in zip(ids, resolved, rows)])
    return [row | {"id": i} for i, row in zip(ids, rows)]


def _write_in_one(project, r: Resolved, on: date, period: str, principal: Principal) -> dict:
    """PostgreSQL, one line with its counters in place: caps, item, history and audit in one statement."""
    row = _row(project, r, on, period, principal, utcnow())
    try:
        item_id = fastpath.register(row, r.aid, r.recipient, summary=_summary(r), after=snapshot(row),
                                    principal=principal)
    except IntegrityError as exc:
        if getattr(exc.orig, "sqlstate", None) == UNIQUE_VIOLATION:  # a concurrent or earlier live item
            raise _duplicate(r) from exc
        raise
    return row | {"id": item_id}


def _row(project, r: Resolved, on: date, period: str, principal: Principal, now) -> dict:
    """The payment_items columns of a resolved line."""
    return dict(org_id=r.recipient.org_id or project.org_id, project_id=project.id, aid_type_id=r.aid.id,
                person_id=r.recipient.person_id, award_recipient_id=r.recipient.award_recipient_id,
                award_event_id=r.recipient.award_event_id, award_category_id=r.recipient.category_id,
                recipient_key=r.recipient.key, recipient_name=r.recipient.name, amount_fen=r.amount_fen,
                year=project.year, period=period, reason=r.line.reason.strip(), evidence=r.line.evidence.strip(),
                status=REGISTERED, registered_by_id=principal.user_id, registered_by_name=principal.username,
                registered_on=on, created_at=now)


def _summary(r: Resolved) -> str:
    return f"{r.aid.name} {mask_name(r.recipient.name)}"


def _insert_items(rows: list[dict], resolved: list[Resolved]) -> list[int]:
    """One INSERT … RETURNING for all rows; ids are matched back by recipient, unique within a batch."""
    table = PaymentItem.__table__
    stmt = insert(table).returning(table.c.id, table.c.aid_type_id, table.c.award_event_id, table.c.recipient_key)
    try:
        if len(rows) == 1:
            return [db.session.connection().execute(stmt, rows[0]).first().id]
        got = {(r.aid_type_id, r.award_event_id, r.recipient_key): r.id
               for r in db.session.connection().execute(stmt, rows)}
    except IntegrityError as exc:  # the partial unique indexes: a concurrent or earlier live item
        if len(resolved) == 1:
            raise _duplicate(resolved[0]) from exc
        raise Conflict("重复登记：本批中有人刚被他人同时登记，请刷新后重试", code="duplicate") from exc
    return [got[(row["aid_type_id"], row["award_event_id"], row["recipient_key"])] for row in rows]


def snapshot(item) -> dict:
    """A masked view of an item (a PaymentItem or its column dict) for the audit log."""
    get = item.get if isinstance(item, dict) else lambda name: getattr(item, name)
    return {"recipient": mask_name(get("recipient_name")), "person_id": get("person_id"),
            "award_recipient_id": get("award_recipient_id"), "project_id": get("project_id"),
            "aid_type_id": get("aid_type_id"), "amount_fen": get("amount_fen"), "period": get("period"),
            "status": get("status")}
