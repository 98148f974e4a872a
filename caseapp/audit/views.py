"""The audit log page."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import login_required

from caseapp.audit.services import search_events
from caseapp.core.web import date_arg

bp = Blueprint("audit", __name__, url_prefix="/audit")



@bp.route("/")
@login_required
def index():
    """Filterable, paginated audit log."""
    page = max(request.args.get("page", 1, type=int), 1)
    filters = {k: request.args.get(k, "").strip() for k in ("actor", "action", "object_type")}
    rows, total = search_events(**filters, day_from=date_arg("from"), day_to=date_arg("to"), page=page,
                                tz=current_app.config["TIMEZONE"])
    return render_template("audit/index.html", rows=rows, total=total, page=page, filters=filters,
                           per_page=50)
