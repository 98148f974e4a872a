"""Budget pages: the year's dashboard and a project's detail."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caseapp.budgets import import_views, services
from caseapp.core.calendar import local_today
from caseapp.payments.reports import spent_by_project
from caseapp.budgets.checks import run_checks
from caseapp.budgets.rules import RULE_STATUS_LABELS, list_rules

bp = Blueprint("budgets", __name__)


@bp.route("/")
def home():
    """Send visitors to the dashboard or the login page."""
    return redirect(url_for("desk.home" if current_user.is_authenticated else "auth.login"))


@bp.route("/dashboard")
@login_required
def dashboard():
    """The year's projects with budget and the plan's share for the current month end."""
    today = local_today()
    year = request.args.get("year", type=int) or services.default_year(today)
    projects = services.project_rows(year)
    spent = spent_by_project(projects)
    rows = [{"project": p, "planned_percent": services.planned_percent(p, today), "spent_fen": spent.get(p.id, 0),
             "next_point": services.next_plan_point(p, today)} for p in projects]
    total = sum(p.budget_fen for p in projects)
    problems = run_checks(year, include_data=False, projects=projects)
    return render_template("budgets/dashboard.html", year=year, years=services.years(), rows=rows,
                           total_budget=total, today=today, problems=problems,
                           error_count=sum(p.severity == "error" for p in problems))


@bp.route("/projects/<int:project_id>")
@login_required
def project_detail(project_id: int):
    """A project: budget, spending plan and indicator table."""
    project = services.get_project(project_id)
    project_rules = [r for r in list_rules(project.year) if r.project_id == project.id]
    from caseapp.budgets.budget_history import changes_of
    from caseapp.indicators.services import history

    from caseapp.charts.services import execution, progress_percent

    today = local_today()
    snaps = history([i.id for i in project.indicators], limit=4)
    progress = {i.id: progress_percent(i.direction, i.target_value, snaps[i.id][0][1].actual_value)
                for i in project.indicators if snaps.get(i.id)}
    return render_template("budgets/project.html", project=project, rules=project_rules,
                           execution=next(iter(execution(project.year, today, [project.id])[1]), None),
                           progress=progress,
                           budget_changes=changes_of([project.id])[project.id],
                           RULE_STATUS=RULE_STATUS_LABELS, planned_percent=services.planned_percent(project, today),
                           trend=snaps)


@bp.app_context_processor
def _metric_labels() -> dict:
    from caseapp.budgets.metrics import METRIC_LABELS

    return {"METRIC_LABELS": METRIC_LABELS}



# document import, rules and checks: handlers in import_views.py, routes here
for _rule, _endpoint, _handler, _methods in (
        ("/budgets/import", "import_upload", import_views.import_upload, ("GET", "POST")),
        ("/budgets/import/preview", "import_preview", import_views.import_preview, ("GET",)),
        ("/budgets/import/answers", "import_answers", import_views.import_answers, ("POST",)),
        ("/budgets/import/confirm", "import_confirm", import_views.import_confirm, ("POST",)),
        ("/budgets/import/cancel", "import_cancel", import_views.import_cancel, ("POST",)),
        ("/budgets/rules", "rules", import_views.rules_page, ("GET",)),
        ("/budgets/rules/<int:rule_id>", "rule_update", import_views.rule_update, ("POST",)),
        ("/budgets/check", "check", import_views.check, ("GET",))):
    bp.add_url_rule(_rule, _endpoint, _handler, methods=_methods)
bp.add_app_template_filter(import_views.number_filter, "number")
bp.add_app_template_filter(import_views.direction_filter, "direction")
