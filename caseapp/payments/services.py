"""Payment services: registration under every cap, the workflow steps, meetings and objections.

Services flush, never commit: the request, the API call or the CLI command commits once.
"""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import make_transient_to_detached

from caseapp.core import audit
from caseapp.core.calendar import format_date_zh, local_today
from caseapp.core.db import db
from caseapp.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from caseapp.core.scoping import get_scoped, require_role, scoped, scoped_with_ancestors
from caseapp.payments import eligibility, registration, settings, workflow
from caseapp.payments.models import Meeting, Objection, PaymentItem
from caseapp.payments.registration import REGISTER_ROLES, Line


def find_project(code: str, year: int | None = None):
    """The budget project with ``code`` (of ``year``, else the latest year), within scope."""
    from caseapp.budgets.models import Project

    stmt = scoped_with_ancestors(select(Project).where(Project.code == (code or "").strip()), Project.org_id)
    if year is not None:
        stmt = stmt.where(Project.year == year)
    project = db.session.scalar(stmt.order_by(Project.year.desc()).limit(1))
    if project is None:
        raise NotFound(f"预算项目“{code}”不存在或无权访问", field="project_code")
    return project


def register_payment(project, aid_type_name: str, amount_fen: int, *, person_id: int | None = None,
                     id_number: str | None = None, recipient_id: int | None = None, reason: str = "",
                     evidence: str = "", on: date | None = None) -> PaymentItem:
    """Register one item: a batch of one line (eligibility, budget, head count, the person's yearly cap)."""
    require_role(*REGISTER_ROLES)
    registration.check_amount(amount_fen)
    line = Line(aid_type_name, amount_fen, person_id=person_id, id_number=None if person_id else id_number,
                recipient_id=recipient_id, reason=reason or "", evidence=evidence or "")
    return _as_item(registration.register_lines(project, [line], on=on)[0])


def _as_item(values: dict) -> PaymentItem:
    """The just-written row as a persistent PaymentItem, without reading it back."""
    item = PaymentItem(**values)
    make_transient_to_detached(item)
    db.session.add(item)
    return item


def register_many(project, aid_type_name: str, amount_fen: int | None, *, person_ids=(), recipient_ids=(),
                  reason: str = "", on: date | None = None) -> int:
    """Register a batch (award recipients or file holders), set-based and all or nothing; returns the count.

    For award recipients ``amount_fen`` may be None: each is paid its category's amount.
    """
    lines = [Line(aid_type_name, amount_fen, person_id=pid, reason=reason or "") for pid in person_ids]
    lines += [Line(aid_type_name, amount_fen, recipient_id=rid, reason=reason or "") for rid in recipient_ids]
    try:
        return len(registration.register_lines(project, lines, on=on))
    except DomainError as exc:
        exc.rows = exc.rows or _rows_at_fault(exc, [*person_ids, *recipient_ids])
        raise


def _rows_at_fault(exc: DomainError, ids: list[int]) -> dict[int, str]:
    """{person or recipient id: reason} of a refused batch (its lines are labelled 第N条 in the given order)."""
    if not isinstance(exc, registration.LinesRefused):
        return {ids[0]: exc.message} if len(ids) == 1 else {}
    rows = {}
    for label, reason in exc.problems:
        found = re.match(r"第(\d+)条", label)
        if found and 0 < int(found.group(1)) <= len(ids):
            rows[ids[int(found.group(1)) - 1]] = reason
    return rows


def project_choices() -> list[tuple[int, str]]:
    """(id, label) of the projects the actor may register against: in scope or owned above it."""
    from caseapp.budgets.models import Project

    projects = db.session.scalars(scoped_with_ancestors(select(Project), Project.org_id)
                                  .order_by(Project.year.desc(), Project.code))
    return [(p.id, f"{p.year} {p.code} {p.name}") for p in projects]


def batch_candidates(source: str, event_id: int | None, on: date) -> list[tuple[int, str]]:
    """Who a batch may be registered for: an event's confirmed recipients, or the 在档 file holders on ``on``
    (at most 1,000, masked)."""
    from caseapp.awards.models import AwardRecipient
    from caseapp.persons.models import Person

    if source == "award" and event_id:
        ids = eligibility.confirmed_recipient_ids(event_id)
        rows = db.session.scalars(select(AwardRecipient).where(AwardRecipient.id.in_(ids)).order_by(AwardRecipient.id))
        return [(r.id, r.display_name) for r in rows]
    if source == "files":
        ids = eligibility.file_holder_ids(on)[:1000]
        return [(p.id, f"{p.name}（{p.id_masked}）")
                for p in db.session.scalars(select(Person).where(Person.id.in_(ids)).order_by(Person.id))]
    return []


def hardship_defaults() -> tuple[int | None, str | None]:
    """(project id, aid type) of the newest 依档帮扶 item in scope: the batch of 在档 file holders starts there, not
    at the first project of the list (工会经费)."""
    from caseapp.payments.models import AidType

    row = db.session.execute(scoped(select(PaymentItem.project_id, AidType.name)
                                    .join(AidType, AidType.id == PaymentItem.aid_type_id)
                                    .where(AidType.kind == "hardship"), PaymentItem.org_id)
                             .order_by(PaymentItem.id.desc()).limit(1)).first()
    return (row[0], row[1]) if row else (None, None)


def award_event(event_id: int | None):
    """The award event in scope with this id, or None."""
    from caseapp.awards.models import AwardEvent

    if not event_id:
        return None
    return db.session.scalar(scoped_with_ancestors(select(AwardEvent), AwardEvent.org_id)
                             .where(AwardEvent.id == event_id))


def award_candidates(event_id: int) -> list[tuple[int, str]]:
    """An event's confirmed recipients in scope, each labelled with its category and the category's amount."""
    from caseapp.awards.models import AwardRecipient
    from caseapp.core.money import format_yuan
    from sqlalchemy.orm import joinedload

    ids = eligibility.confirmed_recipient_ids(event_id)
    rows = db.session.scalars(select(AwardRecipient).where(AwardRecipient.id.in_(ids))
                              .options(joinedload(AwardRecipient.category)).order_by(AwardRecipient.id))
    return [(r.id, f"{r.display_name} · {r.category.name} {format_yuan(r.category.amount_fen)}") for r in rows]


def award_hint(event) -> str:
    """Why an event offers nobody to pay: nominations not yet 确定, or none in the user's organisations."""
    from caseapp.awards.models import AwardRecipient
    from sqlalchemy import func

    waiting = db.session.scalar(scoped(select(func.count()).select_from(AwardRecipient).where(
        AwardRecipient.event_id == event.id, AwardRecipient.status != "确定"), AwardRecipient.org_id))
    if waiting:
        return (f"“{event.name}”在您的组织范围内有 {waiting} 名获奖对象尚未确定：请审核人在评选表彰页面确认后再登记奖励。")
    return (f"“{event.name}”在您的组织范围内没有获奖对象：获奖对象按所属工会划分，"
            "请由获奖对象所属工会（或上级工会）的经办人登记。")


def items_in_scope(ids: list[int]) -> list[PaymentItem]:
    """The items of ``ids`` the actor may see, in id order (for a confirmation page)."""
    if not ids:
        return []
    return list(db.session.scalars(scoped(select(PaymentItem).where(PaymentItem.id.in_(ids[:5000])),
                                          PaymentItem.org_id).order_by(PaymentItem.id)))


def award_events() -> list:
    """The award events in scope or held above it (a township registers its own awardees of the county's
    event), newest first (for batch registration)."""
    from caseapp.awards.models import AwardEvent

    return list(db.session.scalars(scoped_with_ancestors(select(AwardEvent), AwardEvent.org_id)
                                   .order_by(AwardEvent.id.desc())))


def get_item(item_id: int) -> PaymentItem:
    """An item within scope, else NotFound."""
    return get_scoped(PaymentItem, item_id)


# --------------------------------------------------------------------------- workflow steps

def review(ids: list[int]) -> str:
    """内部审核: the reviewer passes the items (not their own)."""
    return workflow.apply("review", ids)


def approve(ids: list[int], *, meeting_date: date, minutes_no: str, attendees: str) -> Meeting:
    """集体研究: record the meeting and approve the batch with it."""
    principal = require_role(*workflow.TRANSITIONS["approve"].roles)
    if not (minutes_no or "").strip() or not (attendees or "").strip():
        raise ValidationFailed("请填写纪要编号和参会人员", field="minutes_no")
    if meeting_date is None:
        raise ValidationFailed("请填写会议日期", field="meeting_date")
    meeting = Meeting(org_id=principal.org_id or _first_org(ids), meeting_date=meeting_date,
                      minutes_no=minutes_no.strip(), attendees=attendees.strip(), recorded_by=principal.username)
    db.session.add(meeting)
    db.session.flush()
    workflow.apply("approve", ids, values={"meeting_id": meeting.id})
    audit.record("payment.meeting", meeting, after={"meeting_date": meeting_date.isoformat(),
                                                    "minutes_no": meeting.minutes_no, "items": len(set(ids))})
    return meeting


def _first_org(ids: list[int]) -> int:
    org = db.session.scalar(select(PaymentItem.org_id).where(PaymentItem.id.in_(ids[:1])))
    if org is None:
        raise NotFound("记录不存在或无权访问")
    return org


def publicize(ids: list[int], start: date | None = None, *, reason: str = "") -> date:
    """公示: start on ``start`` (default today; earlier only by an admin with ``reason``); returns the last day."""
    start = start or local_today()
    end = settings.publicity_end(start)
    workflow.apply("publicize", ids, reason=reason, values={"publicity_start": start, "publicity_end": end})
    return end


def pay(ids: list[int], *, on: date, bank_batch: str) -> None:
    """发放 (finance): only after the 公示 ended by the calendar, with no open objection; writes the ledger."""
    if not (bank_batch or "").strip():
        raise ValidationFailed("请填写银行批次号", field="batch")
    workflow.apply("pay", ids, values={"paid_on": on, "bank_batch": bank_batch.strip()}, on=on)


def confirm(ids: list[int], *, on: date | None = None) -> None:
    """到账: the bank confirmed the transfer."""
    workflow.apply("confirm", ids, values={"settled_on": on or local_today()}, on=on)


def return_(ids: list[int], *, reason: str, on: date | None = None) -> None:
    """退回: the bank returned the money; a 退回 entry reverses the payment and the budget is freed."""
    workflow.apply("return", ids, reason=reason, values={"settled_on": on or local_today()}, on=on)


def reject(ids: list[int], *, reason: str) -> None:
    """驳回 with a reason; the reservation is released."""
    workflow.apply("reject", ids, reason=reason)


def cancel(ids: list[int], *, reason: str) -> None:
    """撤销 with a reason; the reservation is released."""
    workflow.apply("cancel", ids, reason=reason)


def reverse(ids: list[int], *, reason: str, on: date | None = None) -> None:
    """冲正 a paid item: a negative ledger entry pointing at the payment (at most once)."""
    workflow.apply("reverse", ids, reason=reason, on=on)


def transition(item_id: int, action: str, params: dict) -> PaymentItem:
    """Apply one API/page action with its parameters to one item."""
    item = get_item(item_id)
    steps = {
        "review": lambda: review([item.id]),
        "approve": lambda: approve([item.id], meeting_date=params.get("meeting_date"),
                                   minutes_no=params.get("minutes_no", ""), attendees=params.get("attendees", "")),
        "publicize": lambda: publicize([item.id], params.get("start_date"), reason=params.get("reason", "")),
        "pay": lambda: pay([item.id], on=params.get("date") or local_today(), bank_batch=params.get("batch", "")),
        "confirm": lambda: confirm([item.id], on=params.get("date")),
        "return": lambda: return_([item.id], reason=params.get("reason", ""), on=params.get("date")),
        "reject": lambda: reject([item.id], reason=params.get("reason", "")),
        "cancel": lambda: cancel([item.id], reason=params.get("reason", "")),
        "reverse": lambda: reverse([item.id], reason=params.get("reason", ""), on=params.get("date")),
    }
    if action not in steps:
        raise ValidationFailed(f"未知操作：{action}", field="action")
    steps[action]()
    db.session.refresh(item)
    return item


# --------------------------------------------------------------------------- objections

def raise_objection(item_id: int, content: str, raised_on: date | None = None) -> Objection:
    """Record an objection to an item under 公示; it holds the item until resolved."""
    principal = require_role("caseworker", "reviewer", "leader")
    item = get_item(item_id)
    if item.status != "公示中":
        raise Conflict("只有公示中的款项可以登记异议", code="state")
    if not (content or "").strip():
        raise ValidationFailed("请填写异议内容", field="content")
    objection = Objection(item_id=item.id, org_id=item.org_id, raised_on=raised_on or local_today(),
                          content=content.strip(), recorded_by=principal.username)
    db.session.add(objection)
    db.session.flush()
    audit.record("payment.objection", objection, after={"item_id": item.id,
                                                        "raised_on": format_date_zh(objection.raised_on)})
    return objection


def get_objection(objection_id: int) -> Objection:
    """An objection within scope, else NotFound."""
    return get_scoped(Objection, objection_id)


def resolve_objection(objection_id: int, *, upheld: bool, resolution: str, on: date | None = None) -> Objection:
    """Close an objection: upheld rejects the item, dismissed lets it proceed."""
    require_role("reviewer", "leader")
    objection = get_objection(objection_id)
    if objection.status != "open":
        raise Conflict("该异议已处理", code="state")
    if not (resolution or "").strip():
        raise ValidationFailed("请填写处理结果", field="resolution")
    objection.status = "upheld" if upheld else "dismissed"
    objection.resolution, objection.resolved_on = resolution.strip(), on or local_today()
    db.session.flush()
    if upheld:
        workflow.apply("reject", [objection.item_id], reason=f"异议成立：{resolution.strip()}")
    audit.record("payment.objection_resolve", objection, after={"status": objection.status})
    return objection


def objections_of(item_id: int) -> list[Objection]:
    """Every objection to one item (already in scope), oldest first."""
    return list(db.session.scalars(select(Objection).where(Objection.item_id == item_id).order_by(Objection.id)))


def open_objections(item_id: int | None = None) -> list[Objection]:
    """Open objections in scope (of one item, or all)."""
    stmt = scoped(select(Objection).where(Objection.status == "open"), Objection.org_id)
    if item_id is not None:
        stmt = stmt.where(Objection.item_id == item_id)
    return list(db.session.scalars(stmt.order_by(Objection.id)))
