"""Roster pages: choose a kind, download its template, upload, see every error, export."""
from __future__ import annotations

import io

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, session, url_for
from flask_login import current_user, login_required

from caseapp.auth.roles import FULL_VIEW_ROLES
from caseapp.core.errors import ValidationFailed
from caseapp.core.templating import NAV
from caseapp.core.calendar import local_today
from caseapp.rosters import errorfiles, services
from caseapp.rosters.base import all_kinds, get_kind

bp = Blueprint("rosters", __name__, url_prefix="/rosters")
NAV.append(("rosters.index", "花名册导入导出", None))

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SESSION_KEY = "roster_error_file"


def _xlsx(content: bytes, name: str):
    return send_file(io.BytesIO(content), mimetype=XLSX, as_attachment=True, download_name=name)


@bp.route("/")
@login_required
def index():
    """Every roster kind with its template, upload form and export buttons."""
    kinds = [(k, k.events() if k.events else None) for k in all_kinds()]
    return render_template("rosters/index.html", kinds=kinds,
                           can_import=current_user.has_role(*services.IMPORT_ROLES),
                           can_full=current_user.has_role(*FULL_VIEW_ROLES),
                           max_rows=services.max_rows())


@bp.route("/<kind>/template")
@login_required
def template(kind: str):
    """Download the kind's empty template."""
    roster = get_kind(kind)
    return _xlsx(services.template(kind), f"{roster.title}_导入模板.xlsx")


@bp.route("/<kind>/import", methods=["POST"])
@login_required
def upload(kind: str):
    """Import an uploaded roster; with errors nothing is written and every error is listed."""
    roster = get_kind(kind)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("请选择要上传的 .xlsx 文件", "error")
        return redirect(url_for("rosters.index"))
    data = upload.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
    try:
        result = services.import_roster(kind, data, filename=upload.filename, event_id=_event_id(request.form),
                                        dry_run=bool(request.form.get("dry_run")), today=local_today(),
                                        correct_names=bool(request.form.get("correct_names")))
    except ValidationFailed as exc:
        flash(exc.message, "error")
        return redirect(url_for("rosters.index"))
    if not result.ok:
        session[_SESSION_KEY] = errorfiles.save(services.error_workbook(kind, data, result.errors))
    return render_template("rosters/result.html", roster=roster, result=result, filename=upload.filename)


@bp.route("/errors.xlsx")
@login_required
def error_file():
    """The error workbook of this session's last failed upload."""
    return _xlsx(errorfiles.load(session.get(_SESSION_KEY)), "花名册错误清单.xlsx")


@bp.route("/<kind>/export")
@login_required
def export(kind: str):
    """Masked export of the kind's rows in scope."""
    roster = get_kind(kind)
    content = services.export_roster(kind, event_id=_event_id(request.args))
    return _xlsx(content, f"{roster.title}_{local_today():%Y%m%d}.xlsx")


@bp.route("/<kind>/export-full", methods=["POST"])
@login_required
def export_full(kind: str):
    """Full (unmasked) export for permitted roles; audited."""
    roster = get_kind(kind)
    content = services.export_roster(kind, full=True, event_id=_event_id(request.form))
    return _xlsx(content, f"{roster.title}_完整信息_{local_today():%Y%m%d}.xlsx")


def _event_id(values) -> int | None:
    """The optional 评选表彰 event id from a form or query string."""
    return values.get("event_id", type=int)  # not a number, or one beyond 32 bits: a Chinese 422
