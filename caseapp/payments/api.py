"""Payments over the API: registration with Idempotency-Key, transitions, lists and budget execution."""
from __future__ import annotations

from datetime import date

from flask import g, jsonify, request

from caseapp.api import PAGE, YEAR, endpoint, json_body
from caseapp.budgets.models import Project
from caseapp.core import limits
from caseapp.core.errors import ValidationFailed
from caseapp.payments import idempotency, reports, services
from caseapp.payments.models import STATUSES, AidType, Meeting, PaymentItem
from caseapp.payments.workflow import TRANSITIONS

REGISTER = {"type": "object", "required": ["project_code", "aid_type", "amount_fen"], "properties": {
    "project_code": limits.schema(Project.code), "aid_type": limits.schema(AidType.name),
    "amount_fen": limits.schema(PaymentItem.amount_fen, minimum=1), "recipient_id": {"type": "integer"},
    "person_id_number": {"type": "string", "maxLength": 24}, "year": {"type": "integer", "minimum": limits.YEARS[0],
                                                                     "maximum": limits.YEARS[1]},
    "reason": limits.schema(PaymentItem.reason), "evidence": limits.schema(PaymentItem.evidence)}}
CREATED = {"type": "object", "properties": {"id": {"type": "integer"}, "status": {"type": "string"}}}
TRANSITION = {"type": "object", "required": ["action"], "properties": {
    "action": {"type": "string", "enum": list(TRANSITIONS)}, "reason": limits.schema(PaymentItem.status_reason),
    "meeting_date": {"type": "string", "maxLength": 10}, "minutes_no": limits.schema(Meeting.minutes_no),
    "attendees": limits.schema(Meeting.attendees), "start_date": {"type": "string", "maxLength": 10},
    "date": {"type": "string", "maxLength": 10}, "batch": limits.schema(PaymentItem.bank_batch)}}
ITEM = {"type": "object", "properties": {
    "id": {"type": "integer"}, "status": {"type": "string"}, "project_id": {"type": "integer"},
    "aid_type": {"type": "string"}, "amount_fen": {"type": "integer"}, "recipient_name": {"type": "string"},
    "period": {"type": "string"}, "publicity_end": {"type": "string", "nullable": True},
    "paid_on": {"type": "string", "nullable": True}}}


@endpoint("/payments", methods=("POST",), status=201, tag="payments", body=REGISTER, response=CREATED,
          summary="登记一笔款项（须带 Idempotency-Key 请求头；重放返回首次结果）")
def create_payment():
    """Register one item to an award recipient (recipient_id) or a person (person_id_number)."""
    data = json_body(REGISTER)
    if ("recipient_id" in data) == ("person_id_number" in data):
        raise ValidationFailed("recipient_id 与 person_id_number 须且只能填写一个", field="recipient_id")
    key = f"{g.api_user.id}:{request.headers.get('Idempotency-Key', '').strip()}"
    stored = idempotency.claim(key if not key.endswith(":") else "", data)
    if stored is not None:
        return jsonify(stored["body"]), stored["status"]
    project = services.find_project(data["project_code"], data.get("year"))
    item = services.register_payment(project, data["aid_type"], data["amount_fen"],
                                     recipient_id=data.get("recipient_id"), id_number=data.get("person_id_number"),
                                     reason=data.get("reason", ""), evidence=data.get("evidence", ""))
    body = {"id": item.id, "status": item.status}
    idempotency.store(key, 201, body)
    return jsonify(body), 201


@endpoint("/payments/<int:item_id>/transitions", methods=("POST",), tag="payments", body=TRANSITION,
          response=CREATED, summary="款项流转：审核、集体研究、公示、发放、到账、退回、驳回、撤销、冲正")
def transition_payment(item_id: int):
    """Apply one workflow action; dates (YYYY-MM-DD) may be in the past."""
    services.get_item(item_id)  # scope first: another organisation's item is a 404
    data = json_body(TRANSITION)
    params = {k: v for k, v in data.items() if k != "action"}
    for name in ("meeting_date", "start_date", "date"):
        if params.get(name):
            params[name] = _date(params[name], name)
    item = services.transition(item_id, data["action"], params)
    return jsonify({"id": item.id, "status": item.status})


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{field} 应为日期，格式 YYYY-MM-DD", field=field) from None


@endpoint("/payments", tag="payments", summary="款项列表（可按 project_code、status 筛选）",
          query={"status": {"type": "string", "enum": list(STATUSES)}, "project_code": limits.schema(Project.code),
                 "year": YEAR, "page": PAGE, "per_page": {"type": "integer", "minimum": 1, "maximum": 500}},
          response={"type": "object", "properties": {"items": {"type": "array", "items": ITEM},
                                                     "total": {"type": "integer"}}})
def list_payments():
    """Items in the caller's scope, newest first (page, per_page ≤ 500)."""
    status = request.args.get("status") or None
    if status and status not in STATUSES:
        raise ValidationFailed(f"status 只能是：{'、'.join(STATUSES)}", field="status")
    project_id = None
    if request.args.get("project_code"):
        project_id = services.find_project(request.args["project_code"], request.args.get("year", type=int)).id
    page = max(request.args.get("page", 1, type=int), 1)
    per_page = min(max(request.args.get("per_page", 100, type=int), 1), 500)
    rows, total = reports.list_items(project_id=project_id, status=status, page=page, per_page=per_page)
    return jsonify({"items": [_item(i) for i in rows], "total": total})


def _item(i) -> dict:
    return {"id": i.id, "status": i.status, "project_id": i.project_id, "aid_type": i.aid_type.name,
            "amount_fen": i.amount_fen, "recipient_name": i.recipient_name, "period": i.period,
            "publicity_end": i.publicity_end.isoformat() if i.publicity_end else None,
            "paid_on": i.paid_on.isoformat() if i.paid_on else None}


@endpoint("/projects/<code>/execution", tag="payments", query={"year": YEAR}, summary="项目预算执行：预算数、已占用、已支付、各月末计划进度",
          response={"type": "object"})
def project_execution(code: str):
    """Budget, reserved and paid of a project, with the plan's share at each month end."""
    project = services.find_project(code, request.args.get("year", type=int))
    return jsonify(reports.execution(project))
