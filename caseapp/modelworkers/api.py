"""JSON API for 劳模 records: list (filters), create, read; personal data masked."""
from __future__ import annotations

from flask import jsonify, request

from caseapp.api import PAGE, endpoint, json_body
from caseapp.core import limits
from caseapp.modelworkers import services
from caseapp.modelworkers.models import LEVELS, STATUSES, ModelWorker
from caseapp.orgs.models import Organisation
from caseapp.orgs.services import get_by_code
from caseapp.persons.api import CORRECT_NAME
from caseapp.persons.models import Person

MAX_PER_PAGE = 200
PERSON = {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                           "id_number_masked": {"type": "string"},
                                           "phone_masked": {"type": "string", "nullable": True}}}
MODEL_WORKER = {"type": "object", "properties": {
    "id": {"type": "integer"}, "person": PERSON, "org_code": {"type": "string"},
    "level": {"type": "string", "enum": list(LEVELS)}, "title": {"type": "string"},
    "year_awarded": {"type": "integer"}, "awarded_by": {"type": "string"},
    "status": {"type": "string", "enum": list(STATUSES)}, "is_hardship": {"type": "boolean"},
    "hardship_reason": {"type": "string"}, "is_allowance_paid": {"type": "boolean"},
    "allowance_monthly_fen": {"type": "integer"}}}
CREATE = {"type": "object", "required": ["name", "id_number", "org_code", "level", "title", "year_awarded"],
          "properties": {
              "name": limits.schema(Person.name), "id_number": {"type": "string", "maxLength": 30},
              "phone": {"type": "string", "maxLength": 30, "nullable": True}, "correct_name": CORRECT_NAME,
              "org_code": limits.schema(Organisation.code), "level": {"type": "string", "enum": list(LEVELS)},
              "title": limits.schema(ModelWorker.title), "year_awarded": limits.schema(ModelWorker.year_awarded),
              "awarded_by": limits.schema(ModelWorker.awarded_by),
              "status": {"type": "string", "enum": list(STATUSES)}, "is_hardship": {"type": "boolean"},
              "hardship_reason": limits.schema(ModelWorker.hardship_reason), "is_allowance_paid": {"type": "boolean"},
              "allowance_monthly_fen": limits.schema(ModelWorker.allowance_monthly_fen)}}


def person_json(person) -> dict:
    """A person as the API shows it: masked."""
    return {"id": person.id, "name": person.name, "id_number_masked": person.id_masked,
            "phone_masked": person.phone_masked}


def model_worker_json(mw: ModelWorker) -> dict:
    return {"id": mw.id, "person": person_json(mw.person), "org_code": mw.org.code,
            **{name: getattr(mw, name) for name in services.EDITABLE}}


@endpoint("/model-workers", methods=("GET",), tag="modelworkers", summary="劳模列表（可按级别、状态、困难劳模、工会、姓名筛选）",
          query={"level": {"type": "string", "enum": list(LEVELS)}, "status": {"type": "string", "enum": list(STATUSES)},
                 "hardship": {"type": "boolean"}, "org_code": limits.schema(Organisation.code),
                 "q": limits.schema(Person.name), "page": PAGE,
                 "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}},
          response={"type": "object", "properties": {"items": {"type": "array", "items": MODEL_WORKER},
                                                     "total": {"type": "integer"}, "page": {"type": "integer"}}})
def list_model_workers():
    """Query: level, status, hardship (true/false), org_code, q (姓名), page, per_page (≤200)."""
    args = request.args
    hardship = {"true": True, "1": True, "false": False, "0": False}.get(args.get("hardship", "").lower())
    org_id = get_by_code(args["org_code"]).id if args.get("org_code") else None
    page = max(args.get("page", 1, type=int), 1)
    per_page = min(max(args.get("per_page", 50, type=int), 1), MAX_PER_PAGE)
    rows, total = services.list_model_workers(level=args.get("level"), status=args.get("status"),
                                              hardship=hardship, org_id=org_id, q=args.get("q"), page=page,
                                              per_page=per_page)
    return jsonify({"items": [model_worker_json(mw) for mw in rows], "total": total, "page": page})


@endpoint("/model-workers", methods=("POST",), tag="modelworkers", summary="登记劳模", body=CREATE,
          response=MODEL_WORKER, status=201)
def create_model_worker():
    """The person is found by 身份证号 or registered; one record per person, level, title and year."""
    data = json_body(CREATE)
    fields = {k: v for k, v in data.items() if k in services.EDITABLE}
    mw = services.create_model_worker(name=data["name"], id_number=data["id_number"], org_code=data["org_code"],
                                      phone=data.get("phone"), correct_name=data.get("correct_name", False), **fields)
    return jsonify(model_worker_json(mw)), 201


@endpoint("/model-workers/<int:mw_id>", methods=("GET",), tag="modelworkers", summary="劳模记录详情",
          response=MODEL_WORKER)
def get_model_worker(mw_id: int):
    """One record in scope (404 outside it)."""
    return jsonify(model_worker_json(services.get_model_worker(mw_id)))
