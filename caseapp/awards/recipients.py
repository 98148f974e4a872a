"""Award recipients: nominate a person or a collective, confirm within the category's cap, withdraw."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from caseapp.awards.models import AwardCategory, AwardEvent, AwardRecipient, AwardRecipientStatus
from caseapp.awards.services import confirmed_count
from caseapp.core.audit import record
from caseapp.core.db import db
from caseapp.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from caseapp.core.masking import mask_phone
from caseapp.core.scoping import principal_or_deny, require_org_in_scope, require_role, scoped
from caseapp.persons.services import parse_phone, register_person
from caseapp.orgs.services import get_by_code

NOMINATE_ROLES = ("caseworker", "admin")
CONFIRM_ROLES = ("reviewer", "leader", "admin")
WITHDRAW_ROLES = ("caseworker", "reviewer", "leader", "admin")


def recipient_snapshot(r: AwardRecipient) -> dict:
    """Masked picture of a recipient (audit log, API)."""
    return {"category": r.category.name, "kind": r.kind, "status": r.status, "org": r.org.code,
            "person": r.person.name if r.person else None, "id_number": r.person.id_masked if r.person else None,
            "collective": r.collective_name, "contact": r.contact_name, "contact_phone": r.contact_phone_masked}


def nominate_person(event: AwardEvent, category: AwardCategory, *, name: str, id_number: str, org_code: str,
                    phone: str | None = None, correct_name: bool = False) -> AwardRecipient:
    """Nominate a person (registered if new) in an individual category; one recipient per person per event.

    A registered 身份证号 with another name is refused unless ``correct_name`` (the correction is audited)."""
    require_role(*NOMINATE_ROLES)
    _require_kind(category, "individual")
    org = get_by_code(org_code)
    person = register_person(name, id_number, org=org, phone=phone, correct_name=correct_name)
    existing = db.session.scalar(select(AwardRecipient).where(
        AwardRecipient.event_id == event.id, AwardRecipient.person_id == person.id))
    if existing is not None:
        return _renominate(existing, category, f"{person.name}（{person.id_masked}）")
    recipient = AwardRecipient(event_id=event.id, category_id=category.id, kind="individual", org_id=org.id,
                               person=person)
    return _add(recipient)


def nominate_collective(event: AwardEvent, category: AwardCategory, *, name: str | None, org_code: str,
                        contact_name: str | None = None, contact_phone: str | None = None) -> AwardRecipient:
    """Nominate a 先进集体: the organisation ``org_code`` itself, or a named collective belonging to it."""
    require_role(*NOMINATE_ROLES)
    _require_kind(category, "collective")
    org = get_by_code(org_code)
    name = (name or "").strip() or org.name
    existing = db.session.scalar(select(AwardRecipient).where(
        AwardRecipient.event_id == event.id, AwardRecipient.collective_name == name))
    if existing is not None:
        return _renominate(existing, category, name)
    phone = parse_phone(contact_phone, field="contact_phone")
    recipient = AwardRecipient(
        event_id=event.id, category_id=category.id, kind="collective", org_id=org.id, collective_name=name,
        collective_org_id=org.id if name == org.name else None, contact_name=(contact_name or "").strip() or None,
        contact_phone=phone, contact_phone_masked=mask_phone(phone) if phone else None)
    return _add(recipient)


def _require_kind(category: AwardCategory, kind: str) -> None:
    if category.kind != kind:
        message = "“{}”是集体类别，只能提名集体，不能提名个人" if kind == "individual" else \
            "“{}”是个人类别，只能提名个人，不能提名集体"
        raise ValidationFailed(message.format(category.name), field="category")


def _add(recipient: AwardRecipient) -> AwardRecipient:
    require_org_in_scope(recipient.org_id)
    principal = principal_or_deny()
    recipient.nominated_by_id = principal.user_id
    db.session.add(recipient)
    db.session.flush()
    _history(recipient, None, "提名")
    record("award_recipient.nominate", recipient, after=recipient_snapshot(recipient),
           summary=f"提名 {recipient.display_name}（{recipient.category.name}）")
    return recipient


def _renominate(recipient: AwardRecipient, category: AwardCategory, label: str) -> AwardRecipient:
    """A withdrawn recipient may be nominated again (same row: the DB allows one per event)."""
    if recipient.status != "撤销":
        raise Conflict(f"{label} 已在本次评选中被提名（{recipient.category.name}，{recipient.status}）",
                       field="person" if recipient.person_id else "collective")
    require_org_in_scope(recipient.org_id)
    recipient.category_id = category.id
    recipient.nominated_by_id = principal_or_deny().user_id
    return _move(recipient, "提名", "award_recipient.renominate", "重新提名")


def confirm_recipient(recipient: AwardRecipient) -> AwardRecipient:
    """确定 a nominee, refusing beyond the category's 名额 (counted in this transaction, category row locked)."""
    require_role(*CONFIRM_ROLES)
    if recipient.status != "提名":
        raise Conflict(f"只有“提名”状态可以确定，当前为“{recipient.status}”", field="status")
    principal = principal_or_deny()
    if recipient.nominated_by_id is not None and recipient.nominated_by_id == principal.user_id:
        raise Forbidden("提名人不能确定自己提名的人选，请由其他审核人确定")
    # PostgreSQL: serialise confirmations per category; SQLite writes already run under BEGIN IMMEDIATE.
    category = db.session.scalars(select(AwardCategory).where(AwardCategory.id == recipient.category_id)
                                  .with_for_update()).one()
    used = confirmed_count(category)
    if used >= category.max_count:
        raise Conflict(f"名额已满：{category.name} {used}/{category.max_count}", field="category")
    return _move(recipient, "确定", "award_recipient.confirm", "确定")


def confirm_many(event: AwardEvent, recipient_ids: list[int]) -> int:
    """确定 several nominees of ``event``, all or nothing: each refusal (名额, own nomination, status) is named by
    its recipient in ``rows`` before anything stays."""
    from caseapp.core.uow import savepoint

    if not recipient_ids:
        raise ValidationFailed("请先勾选要确定的人选", field="ids")
    problems: dict[int, str] = {}
    for recipient_id in recipient_ids:
        try:
            with savepoint():
                confirm_recipient(get_recipient(event, recipient_id))
        except (ValidationFailed, Conflict, Forbidden) as exc:
            problems[recipient_id] = exc.message
    if problems:
        raise ValidationFailed(f"有 {len(problems)} 名（个）人选不能确定，整批未办理，原因见各行", field="ids",
                               rows=problems)
    return len(recipient_ids)


def withdraw_recipient(recipient: AwardRecipient, reason: str = "") -> AwardRecipient:
    """撤销 a nomination or a confirmed award (frees the place in the category)."""
    require_role(*WITHDRAW_ROLES)
    if recipient.status == "撤销":
        raise Conflict("该人选已撤销", field="status")
    return _move(recipient, "撤销", "award_recipient.withdraw", reason.strip() or "撤销")


def _move(recipient: AwardRecipient, status: str, action: str, note: str) -> AwardRecipient:
    before = recipient_snapshot(recipient)
    old = recipient.status
    recipient.status = status
    db.session.flush()
    db.session.refresh(recipient, ["category"])
    _history(recipient, old, status, note)
    record(action, recipient, before=before, after=recipient_snapshot(recipient),
           summary=f"{recipient.display_name}：{old} → {status}")
    return recipient


def _history(recipient: AwardRecipient, old: str | None, new: str, note: str = "") -> None:
    db.session.add(AwardRecipientStatus(recipient_id=recipient.id, from_status=old, to_status=new, note=note,
                                        actor_name=principal_or_deny().username))


def list_recipients(event: AwardEvent, *, status: str | None = None) -> list[AwardRecipient]:
    """The event's recipients in scope, by category then name."""
    stmt = scoped(select(AwardRecipient), AwardRecipient.org_id).where(AwardRecipient.event_id == event.id)
    if status:
        stmt = stmt.where(AwardRecipient.status == status)
    stmt = stmt.options(joinedload(AwardRecipient.person), joinedload(AwardRecipient.org),
                        joinedload(AwardRecipient.category))
    return sorted(db.session.scalars(stmt), key=lambda r: (r.category_id, r.display_name, r.id))


def get_recipient(event: AwardEvent, recipient_id: int) -> AwardRecipient:
    """A recipient of ``event`` in scope, else NotFound."""
    stmt = scoped(select(AwardRecipient), AwardRecipient.org_id).where(
        AwardRecipient.id == recipient_id, AwardRecipient.event_id == event.id)
    recipient = db.session.scalar(stmt)
    if recipient is None:
        raise NotFound("获奖人选不存在或无权访问")
    return recipient
