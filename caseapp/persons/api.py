"""Persons over the API: list, register, read; personal data always masked."""
from __future__ import annotations

from flask import jsonify, request

from caseapp.api import PAGE, endpoint, json_body
from caseapp.core import limits
from caseapp.orgs.models import Organisation
from caseapp.persons import services
from caseapp.persons.models import Person

_STR = {"type": "string", "maxLength": 200}
_OPT = {"type": "string", "maxLength": 200, "nullable": True}
PERSON = {"type": "object", "properties": {
    "id": {"type": "integer"}, "name": _STR, "id_number": {"type": "string", "description": "脱敏"},
    "sex": _STR, "birth_date": {"type": "string", "format": "date"}, "ethnicity": _STR,
    "phone": {"type": "string", "nullable": True, "description": "脱敏"},
    "org": {"type": "object", "properties": {"id": {"type": "integer"}, "code": _STR, "name": _STR}},
    "work_unit": _STR, "bank_name": _OPT, "bank_account": {"type": "string", "nullable": True, "description": "脱敏"},
    "account_holder": _OPT}}
#: the explicit choice to correct a registered person's name (otherwise another name is refused, 409)
CORRECT_NAME = {"type": "boolean", "description": "该身份证号已登记为其他姓名时，以本次姓名为准（记入人员历史）"}
PERSON_IN = {"type": "object", "required": ["name", "id_number"], "properties": {
    "name": limits.schema(Person.name), "id_number": {"type": "string", "maxLength": 30},
    "sex": {"type": "string", "enum": ["男", "女"], "nullable": True}, "phone": {**_OPT, "maxLength": 30},
    "org_code": limits.schema(Organisation.code, nullable=True, description="默认为本人所属组织"),
    "work_unit": limits.schema(Person.work_unit, nullable=True), "ethnicity": limits.schema(Person.ethnicity, nullable=True),
    "bank_name": limits.schema(Person.bank_name, nullable=True), "bank_account": {**_OPT, "maxLength": 40},
    "account_holder": limits.schema(Person.account_holder, nullable=True), "correct_name": CORRECT_NAME}}


def person_json(p: Person) -> dict:
    """A person as the API shows it: masked."""
    return {"id": p.id, "name": p.name, "id_number": p.id_masked, "sex": p.sex, "birth_date": p.birth_date.isoformat(),
            "ethnicity": p.ethnicity, "phone": p.phone_masked, "org": {"id": p.org.id, "code": p.org.code,
                                                                       "name": p.org.name},
            "work_unit": p.work_unit, "bank_name": p.bank_name, "bank_account": p.bank_account_masked,
            "account_holder": p.account_holder}


@endpoint("/persons", summary="人员列表（按姓名前缀查找，分页）", tag="persons",
          query={"name": limits.schema(Person.name), "page": PAGE},
          response={"type": "object", "properties": {"persons": {"type": "array", "items": PERSON},
                                                     "total": {"type": "integer"}, "page": {"type": "integer"}}})
def list_persons():
    """Persons in scope; ``name`` filters by prefix, ``page`` pages by 50."""
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = services.search_persons(request.args.get("name", ""), page=page)
    return jsonify({"persons": [person_json(p) for p in rows], "total": total, "page": page})


@endpoint("/persons", methods=("POST",), summary="登记人员（同一身份证号只登记一次）", tag="persons",
          body=PERSON_IN, response=PERSON, status=201)
def create_person():
    """Register a person; an existing one in scope is updated (200); one outside scope is a 409."""
    data = json_body(PERSON_IN)
    known = services.find_by_id_number(data["id_number"]) is not None
    person = services.register_person(**{k: data.get(k) for k in PERSON_IN["properties"]})
    return jsonify(person_json(person)), 200 if known else 201


@endpoint("/persons/<int:person_id>", summary="人员详情（脱敏）", tag="persons", response=PERSON)
def get_person(person_id: int):
    """One person in scope."""
    return jsonify(person_json(services.get_person(person_id)))
