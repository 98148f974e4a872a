"""The JSON API under /api/v1: bearer-token auth, JSON errors, OpenAPI generated from the routes.

Areas add endpoints in their own ``api.py`` with :func:`endpoint`; the schema given there both
validates the request body and documents it in ``/api/v1/openapi.json``.
"""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from caseapp.api.schema import PAGE, SPEC, YEAR, endpoint, json_body, openapi_document
from caseapp.core import context, uow
from caseapp.core.web import error_response
from caseapp.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookies are accepted here, so there is nothing to forge

__all__ = ["bp", "endpoint", "json_body", "SPEC", "PAGE", "YEAR"]


@bp.before_request
def _authenticate():
    """Only a bearer token authenticates API calls; a browser session cookie does not."""
    if request.endpoint == "api.openapi":
        return None
    from caseapp.auth.services import user_for_token

    header = request.headers.get("Authorization", "")
    user = user_for_token(header[7:].strip()) if header.startswith("Bearer ") else None
    if user is None:
        return error_response(401, "需要有效的 API 令牌（Authorization: Bearer …）", "unauthorized")
    g.api_user = user
    uow.act_as(context.Principal(
        user_id=user.id, username=user.username, org_id=user.org_id, org_path=user.org.path,
        roles=user.roles, source="api"))
    return None


@bp.route("/openapi.json")
def openapi():
    """The OpenAPI 3 document, generated from the registered endpoints."""
    return jsonify(openapi_document())


endpoint.bind(bp)
