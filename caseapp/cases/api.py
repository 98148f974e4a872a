"""困难职工档案 over the API: list with filters, open, read, change status; personal data masked."""
from __future__ import annotations

from datetime import date

from flask import jsonify, request

from caseapp.api import PAGE, endpoint, json_body
from caseapp.cases import queries, services, vocab
from caseapp.cases.models import FamilyMember, FileStatusChange, HardshipFile
from caseapp.core import limits
from caseapp.core.errors import ValidationFailed
from caseapp.persons.api import PERSON, PERSON_IN, person_json
from caseapp.persons.services import get_person

_TEXT = {"type": "string", "maxLength": 500, "nullable": True}
_DATE = {"type": "string", "format": "date", "nullable": True, "maxLength": 10}


def _text(attribute) -> dict:
    return limits.schema(attribute, nullable=True)


MEMBER = {"type": "object", "required": ["name", "relation"], "properties": {
    "name": limits.schema(FamilyMember.name), "relation": {"type": "string", "enum": list(vocab.RELATIONS)},
    "id_number": {"type": "string", "maxLength": 30, "nullable": True, "description": "请求时完整填写，响应中脱敏"},
    "income_fen": limits.schema(FamilyMember.income_fen), "health": _text(FamilyMember.health),
    "school_or_work": _text(FamilyMember.school_or_work)}}
FILE_FIELDS = {
    **{name: _text(getattr(HardshipFile, name)) for name in ("unit_type", "hukou_type", "marital_status",
                                                              "health_status", "disability", "housing",
                                                              "medical_insurance", "category_reason")},
    "own_income_fen": limits.schema(HardshipFile.own_income_fen), "family_size": limits.schema(HardshipFile.family_size),
    "family_income_fen": limits.schema(HardshipFile.family_income_fen), "is_zero_employment": {"type": "boolean"},
    "is_single_parent": {"type": "boolean"}, "is_dibao": {"type": "boolean"},
    "main_cause": {"type": "string", "enum": list(vocab.CAUSES)},
    "secondary_causes": {"type": "array", "items": {"type": "string", "enum": list(vocab.CAUSES)}},
    "needs": {"type": "array", "items": {"type": "string", "enum": list(vocab.NEEDS)}},
    "category": {"type": "string", "enum": list(vocab.CATEGORIES), "nullable": True}}
FILE_IN = {"type": "object", "required": ["main_cause", "family_size", "family_income_fen"], "properties": {
    "person_id": {"type": "integer", "description": "已登记的人员；或用 person 同时登记"},
    "person": PERSON_IN, "applied_on": _DATE, **FILE_FIELDS, "members": {"type": "array", "items": MEMBER}}}
FILE = {"type": "object", "properties": {
    "id": {"type": "integer"}, "person": PERSON, "org_id": {"type": "integer"}, "status": {"type": "string"},
    **FILE_FIELDS, "per_capita_income_fen": limits.schema(HardshipFile.per_capita_income_fen), "suggested_category": _TEXT,
    "applied_on": _DATE, "filed_on": _DATE, "closed_on": _DATE, "close_reason": _TEXT, "review_due": _DATE,
    "members": {"type": "array", "items": MEMBER}}}
STATUS_IN = {"type": "object", "required": ["status"], "properties": {
    "status": {"type": "string", "enum": list(vocab.STATUSES)},
    "reason": {"type": "string", "enum": list(vocab.CLOSE_REASONS), "nullable": True},
    "note": _text(FileStatusChange.note), "on": _DATE}}


def parse_date(value, field: str) -> date | None:
    """An ISO date from the request, or ValidationFailed naming ``field``."""
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationFailed(f"{field} 应为日期，格式如 2025-06-30", field=field) from None


def file_json(f: HardshipFile, *, full: bool = False) -> dict:
    """A file as the API shows it: masked; ``full`` adds members and history."""
    data = {"id": f.id, "person": person_json(f.person), "org_id": f.org_id, "status": f.status,
            **{k: getattr(f, k) for k in FILE_FIELDS}, "per_capita_income_fen": f.per_capita_income_fen,
            "suggested_category": f.suggested_category}
    for key in ("applied_on", "filed_on", "closed_on", "review_due"):
        data[key] = getattr(f, key).isoformat() if getattr(f, key) else None
    data["close_reason"] = f.close_reason
    if full:
        data["members"] = [{"name": m.name, "relation": m.relation, "id_number": m.id_masked,
                            "income_fen": m.income_fen, "health": m.health, "school_or_work": m.school_or_work}
                           for m in f.members]
        data["history"] = [{"from": c.from_status, "to": c.to_status, "reason": c.reason, "note": c.note,
                            "on": c.effective_on.isoformat(), "actor": c.actor_name} for c in f.changes]
    return data


@endpoint("/hardship-files", summary="困难职工档案列表（按组织、困难类别、状态、复核到期筛选）", tag="cases",
          query={"org_id": {"type": "integer", "minimum": 1}, "category": {"type": "string", "enum": list(vocab.CATEGORIES)},
                 "status": {"type": "string", "enum": list(vocab.STATUSES)}, "review_due_by": _DATE, "page": PAGE},
          response={"type": "object", "properties": {"files": {"type": "array", "items": FILE},
                                                     "total": {"type": "integer"}, "page": {"type": "integer"}}})
def list_files():
    """Files in scope; query parameters ``org_id``, ``category``, ``status``, ``review_due_by``, ``page``."""
    filters = queries.FileFilters(org_id=request.args.get("org_id", type=int),
                                  category=request.args.get("category", ""), status=request.args.get("status", ""),
                                  review_due_by=parse_date(request.args.get("review_due_by"), "review_due_by"))
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = queries.list_files(filters, page=page)
    return jsonify({"files": [file_json(f) for f in rows], "total": total, "page": page})


@endpoint("/hardship-files", methods=("POST",), summary="新建困难职工档案（申请）", tag="cases",
          body=FILE_IN, response=FILE, status=201)
def create_file():
    """Open an application for ``person_id``, or register ``person`` and open it in one step."""
    data = json_body(FILE_IN)
    fields = {k: data[k] for k in FILE_FIELDS if k in data}
    fields["applied_on"] = parse_date(data.get("applied_on"), "applied_on")
    members = data.get("members", [])
    if data.get("person_id"):
        f = services.open_file(get_person(data["person_id"]), fields, members)
    elif data.get("person"):
        f = services.register_and_open({k: data["person"].get(k) for k in PERSON_IN["properties"]}, fields, members)
    else:
        raise ValidationFailed("请提供 person_id 或 person", field="person_id")
    return jsonify(file_json(f, full=True)), 201


@endpoint("/hardship-files/<int:file_id>", summary="困难职工档案详情（含家庭成员与状态历史，脱敏）", tag="cases",
          response=FILE)
def get_file(file_id: int):
    """One file in scope."""
    return jsonify(file_json(services.get_file(file_id), full=True))


@endpoint("/hardship-files/<int:file_id>/status", methods=("POST",), summary="变更档案状态（建档、解困脱困、退档）",
          tag="cases", body=STATUS_IN, response=FILE)
def change_status(file_id: int):
    """Move the file to ``status`` with ``reason``, ``note`` and the date ``on``."""
    f = services.get_file(file_id)  # scope first: another organisation's file is a 404
    data = json_body(STATUS_IN)
    f = services.change_status(f, data["status"], reason=data.get("reason"),
                               note=data.get("note") or "", on=parse_date(data.get("on"), "on"))
    return jsonify(file_json(f, full=True))
