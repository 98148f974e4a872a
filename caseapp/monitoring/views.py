"""绩效运行监控 pages: the year's projects at a month end with their lights, a project's table, the export."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caseapp.budgets.services import default_year, years
from caseapp.core.calendar import local_today
from caseapp.core.errors import ValidationFailed
from caseapp.core.money import MoneyError, to_fen
from caseapp.core.scoping import in_scope
from caseapp.core.templating import NAV
from caseapp.evaluation import services as evaluation
from caseapp.evaluation.settings import acting_org_id, settings_for
from caseapp.evaluation.view_helpers import download
from caseapp.evaluation.workflow import EDIT_ROLES
from caseapp.monitoring import exports, services
from caseapp.monitoring.forms import ReportForm
from caseapp.monitoring.models import CAUSES, LIKELIHOODS

bp = Blueprint("monitoring", __name__, url_prefix="/monitoring")
NAV.append(("monitoring.index", "绩效运行监控", None))


def _year_month(project_year: int | None = None) -> tuple[int, int]:
    year = project_year or request.values.get("year", type=int) or default_year(local_today())
    month = request.values.get("month", type=int) or settings_for(acting_org_id(), year).monitoring_month
    return year, services.check_month(month)


@bp.route("/")
@login_required
def index():
    """The year's projects at the end of 1–N月 (default the monitoring month of the settings, 7月)."""
    year, month = _year_month()
    return render_template("monitoring/index.html", year=year, month=month, years=years(),
                           monitors=services.year_monitoring(year, month))


@bp.route("/projects/<int:project_id>", methods=["GET", "POST"])
@login_required
def project(project_id: int):
    """A project's monitoring table: computed columns, and the forecasts, causes and measures to enter."""
    proj = evaluation.project_by_id(project_id)
    _year, month = _year_month(proj.year)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            services.save_report(proj, month, _fen(form.expected_spend.data), form.spend_causes.data,
                                 form.spend_measures.data, _posted_items(proj))
            flash(f"已保存1–{month}月绩效运行监控", "success")
            return redirect(url_for("monitoring.project", project_id=proj.id, month=month))
        except ValidationFailed as exc:
            flash(exc.message, "warning")
    monitor = services.monitor_projects([proj], month)[0]
    if request.method == "GET":
        form.expected_spend.data = f"{monitor.expected_spend_fen / 100:.2f}" if monitor.expected_spend_fen is not None \
            else ""
        form.spend_causes.data, form.spend_measures.data = monitor.spend_causes, monitor.spend_measures
    can_edit = in_scope(proj.org_id) and current_user.has_role(*EDIT_ROLES)
    return render_template("monitoring/project.html", project=proj, m=monitor, form=form, can_edit=can_edit,
                           CAUSES=CAUSES, LIKELIHOODS=LIKELIHOODS)


def _fen(text: str | None) -> int | None:
    if not (text or "").strip():
        return None
    try:
        return to_fen(text, "元")
    except MoneyError as exc:
        raise ValidationFailed(str(exc), field="expected_spend") from None


def _posted_items(proj) -> dict[int, services.ItemEntry]:
    form = request.form
    return {i.id: services.ItemEntry(form.get(f"expected{i.id}", ""), form.get(f"likelihood{i.id}") or None,
                                     form.getlist(f"causes{i.id}"), form.get(f"note{i.id}", ""),
                                     form.get(f"measures{i.id}", "")) for i in proj.indicators}


@bp.route("/export")
@login_required
def export():
    """Every project's 绩效运行监控表 for 1–N月 in one workbook."""
    year, month = _year_month()
    data = exports.workbook(services.year_monitoring(year, month))
    return download(data, f"{year}年1-{month}月项目支出绩效运行监控表.xlsx", "xlsx")
