"""The audit log page, in words, and its .xlsx export for auditors."""
from __future__ import annotations

import io

from flask import Blueprint, current_app, render_template, request, send_file
from flask_login import login_required

from caseapp.audit import services
from caseapp.core import printtable
from caseapp.core.calendar import format_date_zh, local_today
from caseapp.core.web import date_arg

bp = Blueprint("audit", __name__, url_prefix="/audit")
PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_COLUMNS = [printtable.Col("时间", 18), printtable.Col("操作人", 12), printtable.Col("操作", 18),
                  printtable.Col("对象", 16), printtable.Col("说明", 30), printtable.Col("变更内容", 44),
                  printtable.Col("来源", 8), printtable.Col("请求编号", 14, text=True)]


def _filters() -> services.Filters:
    args = {k: request.args.get(k, "").strip() for k in ("actor", "action", "object_type", "object_id")}
    return services.Filters(**args, day_from=date_arg("from"), day_to=date_arg("to"))


@bp.route("/")
@login_required
def index():
    """Filterable, paginated audit log in words."""
    page = max(request.args.get("page", 1, type=int), 1)
    filters, tz = _filters(), current_app.config["TIMEZONE"]
    rows, total = services.search_events(actor=filters.actor, action=filters.action,
                                         object_type=filters.object_type, object_id=filters.object_id,
                                         day_from=filters.day_from, day_to=filters.day_to, page=page,
                                         per_page=PER_PAGE, tz=tz)
    return render_template("audit/index.html", entries=services.in_words(rows, tz), total=total, page=page,
                           filters=filters, per_page=PER_PAGE, people=services.people_in_scope(),
                           actions=services.action_choices(), objects=services.object_choices(),
                           export_max=services.EXPORT_MAX)


@bp.route("/export.xlsx")
@login_required
def export():
    """The filtered log as a print-ready workbook for auditors (newest first, at most EXPORT_MAX rows)."""
    filters, tz = _filters(), current_app.config["TIMEZONE"]
    people = services.people_in_scope()
    doc = printtable.TableDoc("审计日志", above=[f"筛选条件：{filters.describe(people)}",
                                                f"导出日期：{format_date_zh(local_today())}"], landscape=True)
    content, _count = printtable.table_workbook(doc, EXPORT_COLUMNS, services.export_rows(filters, tz))
    response = send_file(io.BytesIO(content), mimetype=XLSX, as_attachment=True,
                         download_name=f"审计日志_{local_today():%Y%m%d}.xlsx")
    response.headers["Cache-Control"] = "no-store"
    return response
