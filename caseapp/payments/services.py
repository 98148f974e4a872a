"""Payment services: registration under every cap, the workflow steps, meetings and objections.

Services flush, never commit: the request, the API call or the CLI command commits once.
"""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from caseapp.core import audit
from caseapp.core.calendar import format_date_zh
from caseapp.core.db import db
from caseapp.core.errors import Conflict, NotFound, ValidationFailed
from caseapp.core.masking import mask_name
from caseapp.core.scoping import get_scoped, require_org_in_scope, require_role, scoped
from caseapp.payments import caps, eligibility, settings, workflow
from caseapp.payments.eligibility import Recipient
from caseapp.payments.models import REGISTERED, Meeting, Objection, PaymentEvent, PaymentItem

REGISTER_ROLES = ("caseworker", "admin")


def find_project(code: str, year: int | None = None):
    """The budget project with ``code`` (of ``year``, else the latest year), within scope."""
    from caseapp.budgets.models import Project

    stmt = scoped(select(Project).where(Project.code == (code or "").strip()), Project.org_id)
    if year is not None:
        stmt = stmt.where(Project.year == year)
    project = db.session.scalar(stmt.order_by(Project.year.desc()).limit(1))
    if project is None:
        raise NotFound(f"预算项目“{code}”不存在或无权访问", field="project_code")
    return project


def register_payment(project, aid_type_name: str, amount_fen: int, *, person_id: int | None = None,
                     id_number: str | None = None, recipient_id: int | None = None, reason: str = "",
                     evidence: str = "", on: date | None = None) -> PaymentItem:
    """Register one item: check eligibility, reserve budget, head count and the person's yearly cap."""
    principal = require_role(*REGISTER_ROLES)
    require_org_in_scope(project.org_id)
    on = on or date.today()
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise ValidationFailed("金额必须是大于 0 的整数（分）", field="amount_fen")
    aid = settings.aid_type_named(aid_type_name)
    if recipient_id is not None:
        recipient = eligibility.for_award(aid, recipient_id, amount_fen, project.id)
    else:
        person = eligibility.resolve_person(person_id=person_id, id_number=id_number)
        recipient = eligibility.for_person(aid, person, on)
    _reserve(project, aid, recipient, amount_fen)
    item = PaymentItem(org_id=project.org_id, project_id=project.id, aid_type_id=aid.id,
                       person_id=recipient.person_id, award_recipient_id=recipient.award_recipient_id,
                       award_event_id=recipient.award_event_id, award_category_id=recipient.category_id,
                       recipient_key=recipient.key, recipient_name=recipient.name, amount_fen=amount_fen,
                       year=project.year, period=settings.period_of(project.year, on), reason=reason.strip(),
                       evidence=evidence.strip(), status=REGISTERED, registered_by_id=principal.user_id,
                       registered_by_name=principal.username, registered_on=on)
    _insert(item, recipient, aid.name)
    return item


def _reserve(project, aid, recipient: Recipient, amount_fen: int) -> None:
    """Take every cap in turn; a refusal gives back what was already taken (the caller may carry on)."""
    caps.reserve_budget(project.id, amount_fen)
    try:
        if recipient.category_id is not None:
            caps.reserve_head(recipient.category_id, recipient.category_label, recipient.category_cap)
        try:
            if recipient.person_id is not None:
                caps.reserve_person(recipient.person_id, aid.id, project.year, amount_fen, aid.name)
        except Conflict:
            if recipient.category_id is not None:
                caps.unreserve_head(recipient.category_id)
            raise
    except Conflict:
        caps.unreserve_budget(project.id, amount_fen)
        raise


def _insert(item: PaymentItem, recipient: Recipient, aid_name: str) -> None:
    db.session.add(item)
    try:
        db.session.flush()
    except IntegrityError as exc:  # the partial unique indexes: a concurrent or earlier live item
        what = "本次表彰" if recipient.award_event_id else f"本项目本期的{aid_name}"
        raise Conflict(f"重复登记：{recipient.name} 已有{what}款项", code="duplicate") from exc
    db.session.add(PaymentEvent(item_id=item.id, action="register", from_status=None, to_status=REGISTERED,
                                actor_name=item.registered_by_name, batch=uuid.uuid4().hex))
    audit.record("payment.register", item, after=snapshot(item),
                 summary=f"{aid_name} {mask_name(item.recipient_name)}")


def snapshot(item: PaymentItem) -> dict:
    """A masked view of an item for the audit log."""
    return {"recipient": mask_name(item.recipient_name), "person_id": item.person_id,
            "award_recipient_id": item.award_recipient_id, "project_id": item.project_id,
            "aid_type_id": item.aid_type_id, "amount_fen": item.amount_fen, "period": item.period,
            "status": item.status}


def register_many(project, aid_type_name: str, amount_fen: int, *, person_ids=(), recipient_ids=(),
                  reason: str = "", on: date | None = None) -> list[PaymentItem]:
    """Register a batch (award recipients or file holders): all or nothing, each under every cap."""
    if not person_ids and not recipient_ids:
        raise ValidationFailed("请至少选择一人", field="ids")
    items = [register_payment(project, aid_type_name, amount_fen, person_id=pid, reason=reason, on=on)
             for pid in person_ids]
    items += [register_payment(project, aid_type_name, amount_fen, recipient_id=rid, reason=reason, on=on)
              for rid in recipient_ids]
    return items


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


def publicize(ids: list[int], start: date | None = None) -> date:
    """公示: start on ``start`` (default today); returns the last day (N working days)."""
    start = start or date.today()
    end = settings.publicity_end(start)
    workflow.apply("publicize", ids, values={"publicity_start": start, "publicity_end": end})
    return end


def pay(ids: list[int], *, on: date, bank_batch: str) -> None:
    """发放 (finance): only after the 公示 ended, with no open objection; writes the ledger."""
    if not (bank_batch or "").strip():
        raise ValidationFailed("请填写银行批次号", field="batch")
    workflow.apply("pay", ids, values={"paid_on": on, "bank_batch": bank_batch.strip()}, on=on)


def confirm(ids: list[int], *, on: date | None = None) -> None:
    """到账: the bank confirmed the transfer."""
    workflow.apply("confirm", ids, values={"settled_on": on or date.today()}, on=on)


def return_(ids: list[int], *, reason: str, on: date | None = None) -> None:
    """退回: the bank returned the money; a 退回 entry reverses the payment and the budget is freed."""
    workflow.apply("return", ids, reason=reason, values={"settled_on": on or date.today()}, on=on)


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
        "publicize": lambda: publicize([item.id], params.get("start_date")),
        "pay": lambda: pay([item.id], on=params.get("date") or date.today(), bank_batch=params.get("batch", "")),
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
    objection = Objection(item_id=item.id, org_id=item.org_id, raised_on=raised_on or date.today(),
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
    objection.resolution, objection.resolved_on = resolution.strip(), on or date.today()
    db.session.flush()
    if upheld:
        workflow.apply("reject", [objection.item_id], reason=f"异议成立：{resolution.strip()}")
    audit.record("payment.objection_resolve", objection, after={"status": objection.status})
    return objection


def open_objections(item_id: int | None = None) -> list[Objection]:
    """Open objections in scope (of one item, or all)."""
    stmt = scoped(select(Objection).where(Objection.status == "open"), Objection.org_id)
    if item_id is not None:
        stmt = stmt.where(Objection.item_id == item_id)
    return list(db.session.scalars(stmt.order_by(Objection.id)))
