"""JSON API for award events, their categories and recipients; persons masked."""
from __future__ import annotations

from datetime import date

from flask import jsonify, request

from caseapp.api import endpoint, json_body
from caseapp.awards import recipients, services
from caseapp.awards.models import KINDS, AwardCategory, AwardEvent, AwardRecipient
from caseapp.budgets.models import Project
from caseapp.budgets.services import get_project_by_code
from caseapp.core import limits
from caseapp.core.errors import ValidationFailed
from caseapp.orgs.models import Organisation
from caseapp.persons.api import CORRECT_NAME
from caseapp.persons.models import Person

CATEGORY = {"type": "object", "required": ["name", "kind", "max_count"], "properties": {
    "name": limits.schema(AwardCategory.name), "kind": {"type": "string", "enum": list(KINDS)},
    "max_count": limits.schema(AwardCategory.max_count), "amount_fen": limits.schema(AwardCategory.amount_fen)}}
CREATE_EVENT = {"type": "object", "required": ["project_code", "name", "date"], "properties": {
    "project_code": limits.schema(Project.code), "name": limits.schema(AwardEvent.name),
    "date": {"type": "string", "maxLength": 10, "description": "YYYY-MM-DD"},
    "categories": {"type": "array", "items": CATEGORY,
                   "description": "省略时按项目的绩效指标和规则预填"}}}
NOMINATE = {"type": "object", "required": ["category"], "properties": {
    "category": {"type": "string", "maxLength": 100, "description": "类别名称"},
    "person": {"type": "object", "required": ["name", "id_number", "org_code"], "properties": {
        "name": limits.schema(Person.name), "id_number": {"type": "string", "maxLength": 30},
        "org_code": limits.schema(Organisation.code), "correct_name": CORRECT_NAME}},
    "collective": {"type": "object", "required": ["org_code"], "properties": {
        "name": limits.schema(AwardRecipient.collective_name), "org_code": limits.schema(Organisation.code),
        "contact_name": limits.schema(AwardRecipient.contact_name), "contact_phone": {"type": "string", "maxLength": 30}}}}}
WITHDRAW = {"type": "object", "properties": {"reason": {"type": "string", "maxLength": 500}}}
RECIPIENT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "category": {"type": "string"}, "kind": {"type": "string"},
    "status": {"type": "string", "enum": ["提名", "确定", "撤销"]}, "org_code": {"type": "string"},
    "person": {"type": "object", "nullable": True}, "collective": {"type": "object", "nullable": True}}}
EVENT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "project_code": {"type": "string"}, "name": {"type": "string"},
    "date": {"type": "string"}, "categories": {"type": "array", "items": CATEGORY},
    "recipients": {"type": "array", "items": RECIPIENT}, "warnings": {"type": "array"}}}


def recipient_json(r: AwardRecipient) -> dict:
    person = r.person and {"id": r.person.id, "name": r.person.name, "id_number_masked": r.person.id_masked}
    collective = r.kind == "collective" and {
        "name": r.collective_name, "org_code": r.collective_org.code if r.collective_org else None,
        "contact_name": r.contact_name, "contact_phone_masked": r.contact_phone_masked}
    return {"id": r.id, "category": r.category.name, "category_id": r.category_id, "kind": r.kind,
            "status": r.status, "org_code": r.org.code, "person": person or None, "collective": collective or None}


def event_json(event: AwardEvent, *, with_recipients: bool = False) -> dict:
    data = {"id": event.id, "project_code": event.project.code, "project_id": event.project_id, "name": event.name,
            "date": event.held_on.isoformat(), "warnings": services.date_warnings(event),
            "categories": [{"id": c.id, "name": c.name, "kind": c.kind, "max_count": c.max_count,
                            "amount_fen": c.amount_fen, "confirmed": services.confirmed_count(c)}
                           for c in event.categories]}
    if with_recipients:
        data["recipients"] = [recipient_json(r) for r in recipients.list_recipients(event)]
    return data


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed("日期格式应为 YYYY-MM-DD，如 2025-04-20", field="date") from None


@endpoint("/award-events", methods=("GET",), tag="awards", summary="评选活动列表",
          response={"type": "object", "properties": {"items": {"type": "array", "items": EVENT}}})
def list_award_events():
    """Events of the caller's subtree and of its ancestors."""
    return jsonify({"items": [event_json(e) for e in services.list_events()]})


@endpoint("/award-events", methods=("POST",), tag="awards", summary="新建评选活动", body=CREATE_EVENT,
          response=EVENT, status=201)
def create_award_event():
    """Without categories they are prefilled from the project's indicators and rules; date warnings returned."""
    data = json_body(CREATE_EVENT)
    held_on = _date(data["date"])
    project = get_project_by_code(data["project_code"], held_on.year, or_latest=True)
    event = services.create_event(project_id=project.id, name=data["name"], held_on=held_on,
                                  categories=data.get("categories"))
    return jsonify(event_json(event, with_recipients=True)), 201


@endpoint("/award-events/<int:event_id>", methods=("GET",), tag="awards", summary="评选活动详情（类别、人选）",
          response=EVENT)
def get_award_event(event_id: int):
    """Categories with confirmed counts; recipients within the caller's scope."""
    return jsonify(event_json(services.get_event(event_id), with_recipients=True))


@endpoint("/award-events/<int:event_id>/recipients", methods=("POST",), tag="awards", summary="提名个人或集体",
          body=NOMINATE, response=RECIPIENT, status=201)
def nominate(event_id: int):
    """Give exactly one of ``person`` (individual category) or ``collective`` (collective category)."""
    event = services.get_event(event_id)  # scope first: another organisation's event is a 404
    data = json_body(NOMINATE)
    category = services.get_category(event, data["category"])
    if bool(data.get("person")) == bool(data.get("collective")):
        raise ValidationFailed("请在 person 和 collective 中填写且只填写一项", field="person")
    if data.get("person"):
        p = data["person"]
        r = recipients.nominate_person(event, category, name=p["name"], id_number=p["id_number"],
                                       org_code=p["org_code"], correct_name=p.get("correct_name", False))
    else:
        c = data["collective"]
        r = recipients.nominate_collective(event, category, name=c.get("name"), org_code=c["org_code"],
                                           contact_name=c.get("contact_name"), contact_phone=c.get("contact_phone"))
    return jsonify(recipient_json(r)), 201


@endpoint("/award-events/<int:event_id>/recipients/<int:recipient_id>/confirm", methods=("POST",), tag="awards",
          summary="确定人选（不超过类别名额）", response=RECIPIENT)
def confirm(event_id: int, recipient_id: int):
    """409 名额已满 when the category is full; the nominator may not confirm their own nominee."""
    r = recipients.get_recipient(services.get_event(event_id), recipient_id)
    return jsonify(recipient_json(recipients.confirm_recipient(r)))


@endpoint("/award-events/<int:event_id>/recipients/<int:recipient_id>/withdraw", methods=("POST",), tag="awards",
          summary="撤销人选", response=RECIPIENT, body=WITHDRAW)
def withdraw(event_id: int, recipient_id: int):
    """Optional body {"reason": "..."}."""
    data = json_body(WITHDRAW) if request.get_data() else {}  # the body is optional, but never malformed
    reason = data.get("reason") or ""
    r = recipients.get_recipient(services.get_event(event_id), recipient_id)
    return jsonify(recipient_json(recipients.withdraw_recipient(r, reason)))
