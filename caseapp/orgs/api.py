"""Organisations over the API."""
from __future__ import annotations

from flask import jsonify

from caseapp.api import endpoint
from caseapp.orgs.services import list_orgs

ORG = {"type": "object", "properties": {"id": {"type": "integer"}, "code": {"type": "string"},
                                        "name": {"type": "string"}, "level": {"type": "string"},
                                        "parent_code": {"type": "string", "nullable": True}}}


@endpoint("/orgs", summary="组织列表（限本人所属组织及下级）", tag="orgs",
          response={"type": "object", "properties": {"orgs": {"type": "array", "items": ORG}}})
def list_orgs_api():
    """Organisations visible to the token's owner."""
    return jsonify({"orgs": [{"id": o.id, "code": o.code, "name": o.name, "level": o.level,
                              "parent_code": o.parent.code if o.parent else None} for o in list_orgs()]})
