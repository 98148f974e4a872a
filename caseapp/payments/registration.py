"""Set-based registration: one item or a whole batch in a fixed number of statements, all or nothing.

Whatever the number of lines: one query for the aid types (caps and the period setting included), one for
the persons, one for the award recipients; one conditional UPDATE for the budget, one per award category
for the head counts, one upsert per aid type for the per-person caps (``caps.py``); one INSERT … RETURNING for
the items, one for their history and one for their audit rows (``rows.py``). Any refused line refuses the
batch, and the refusal names every line at fault. It all runs in a savepoint: a refusal leaves nothing taken.

A single registration is a batch of one line that reads everything in one query; on PostgreSQL, once its
counters exist, it takes its caps and writes its rows in one more statement built from the same pieces
(``fastpath.py``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import inspect, or_, select
from sqlalchemy.exc import IntegrityError

from caseapp.core import limits
from caseapp.core.calendar import local_today
from caseapp.core.db import db, utcnow
from caseapp.core.errors import Conflict, DomainError, ValidationFailed
from caseapp.core.money import format_yuan
from caseapp.core.scoping import require_role, require_visible_org
from caseapp.core.uow import savepoint
from caseapp.payments import caps, eligibility, fastpath, rows
from caseapp.payments.eligibility import Aid, Recipient
from caseapp.payments.models import LIVE_STATES, PaymentItem

REGISTER_ROLES = ("caseworker", "admin")
#: problems quoted in one refusal message; the rest are counted
MAX_QUOTED = 20

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
    on = on or local_today()
    db.session.flush()  # what follows runs on the connection, past the ORM
    project, resolved, problems, period_kind, counters_ready = _resolve(project, lines, on)
    require_visible_org(project.org_id)  # the project may be the county's; each item is the recipient's union's
    period = f"{project.year}-Q{(on.month - 1) // 3 + 1}" if period_kind == "quarter" else str(project.year)
    if len(lines) > 1:
        problems += _already_registered(project, resolved, period)
    _refuse(lines, problems)
    now = utcnow()
    items = [rows.item(project, r, on, period, principal, now) for r in resolved]
    try:
        if fastpath.applies(len(lines), counters_ready):  # one statement; a refusal gives back what it took
            ids = [fastpath.register(items[0], resolved[0], principal)]
        else:
            with savepoint():  # a refused cap or a duplicate undoes every cap taken before it
                _reserve(project, resolved)
                ids = rows.write(items, resolved, principal)
    except fastpath.Duplicate:
        raise _duplicate(resolved[0]) from None
    except IntegrityError as exc:
        if not rows.is_duplicate(exc):
            raise
        raise _duplicate(resolved[0]) if len(resolved) == 1 else \
            Conflict("重复登记：本批中有人刚被他人同时登记，请刷新后重试", code="duplicate") from exc
    return [item | {"id": i} for item, i in zip(items, ids)]


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
    if aid is None:
        raise eligibility.unknown_aid(line.aid_type)
    if line.recipient_id is not None:
        if award is None:
            raise eligibility.award_recipient_missing()
        recipient, amount = eligibility.for_award(aid, award, line.amount_fen, project.id), award.amount_fen
    else:
        if person is None:
            raise eligibility.recipient_missing(line.person_id is None)
        recipient, amount = eligibility.for_person(aid, person, on), check_amount(line.amount_fen)
    return Resolved(line, f"{label}（{recipient.name}）", aid, recipient, amount)


def check_amount(amount_fen) -> int:
    """The amount in 分, if a positive integer within the column's bound; else a Chinese validation error."""
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise ValidationFailed("金额必须是大于 0 的整数（分）", field="amount_fen")
    return limits.check(PaymentItem.amount_fen, amount_fen, field="amount_fen")


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
    """Budget, head counts, per-person caps in turn; a batch's refusal names its lines (the savepoint undoes)."""
    total = sum(r.amount_fen for r in resolved)
    try:
        caps.reserve_budget(project.id, total)
        caps.reserve_heads(_heads(resolved))
        for aid, amounts in _per_person(resolved):
            caps.reserve_persons(aid.id, aid.name, aid.cap_fen, project.year, amounts)
    except caps.CapRefused as exc:
        if len(resolved) == 1:
            raise
        raise _lines_over(resolved, exc, total) from exc


def _heads(resolved: list[Resolved]) -> dict[int, caps.Heads]:
    """{category id: places wanted} of the award lines."""
    heads: dict[int, caps.Heads] = {}
    for r in resolved:
        c = r.recipient.category_id
        if c is not None:
            heads[c] = caps.Heads(r.recipient.category_label, r.recipient.category_cap,
                                  heads[c].n + 1 if c in heads else 1)
    return heads


def _per_person(resolved: list[Resolved]):
    """(aid type, {person id: amount}) for each capped aid type of the batch."""
    groups: dict[int, tuple[Aid, dict[int, int]]] = {}
    for r in resolved:
        if r.aid.cap_fen is not None and r.recipient.person_id is not None:
            amounts = groups.setdefault(r.aid.id, (r.aid, {}))[1]
            amounts[r.recipient.person_id] = amounts.get(r.recipient.person_id, 0) + r.amount_fen
    return list(groups.values())


def _lines_over(resolved: list[Resolved], exc: caps.CapRefused, total: int) -> LinesRefused:
    """The batch's refusal for a cap: from which line the budget runs out, or the lines beyond a cap."""
    if exc.code == "budget_cap":
        room, running = exc.cap - exc.used, 0
        over = [r.label for r in resolved if (running := running + r.amount_fen) > room]
        return lines_refused([("预算", f"{exc.message}，本批合计 {format_yuan(total)}，"
                                     f"超出部分自{over[0]}起（共 {len(over)} 条）")], conflict=True)
    if exc.code == "headcount_cap":
        lines = [r for r in resolved if r.recipient.category_id in exc.keys][max(exc.cap - exc.used, 0):]
        return lines_refused([(r.label, f"超出名额（{r.recipient.category_label} 已用 {exc.used}/{exc.cap}）")
                              for r in lines], conflict=True)
    return lines_refused([(r.label, f"超出个人年度限额（{r.aid.name} 每人每年 {format_yuan(r.aid.cap_fen or 0)}）")
                          for r in resolved if r.recipient.person_id in exc.keys and r.aid.cap_fen is not None],
                         conflict=True)
