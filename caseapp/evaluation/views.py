"""绩效自评 pages: the year's list, a project's evaluation, editing an indicator, review, exports."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from caseapp.budgets.checks import run_checks
from caseapp.budgets.services import years
from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.core.forms import submit
from caseapp.core.scoping import in_scope
from caseapp.core.templating import NAV
from caseapp.evaluation import exports, services, views_department
from caseapp.evaluation.compute import kind_of
from caseapp.evaluation.forms import ActionForm, IndicatorForm, OverallForm, ReturnForm
from caseapp.evaluation.settings import GROUP_LABELS, settings_for
from caseapp.evaluation.view_helpers import download, year_arg
from caseapp.evaluation.workflow import EDIT_ROLES, REVIEW_ROLES

bp = Blueprint("evaluation", __name__, url_prefix="/evaluation")
NAV.append(("evaluation.index", "绩效自评", None))


@bp.route("/")
@login_required
def index():
    """Every project of the year with its score, grade and state; links to the tables and exports."""
    year = year_arg()
    return render_template("evaluation/index.html", year=year, years=years(), results=services.year_results(year),
                           can_edit=current_user.has_role(*EDIT_ROLES))


@bp.route("/projects/<int:project_id>")
@login_required
def project(project_id: int):
    """A project's 绩效自评: budget execution, goals, indicators with scores and reasons, review."""
    proj = services.project_by_id(project_id)
    result = services.project_result(proj)
    ev = services.evaluations_of([proj.id]).get(proj.id)
    problems = [p for p in run_checks(proj.year, include_data=False) if p.project_code == proj.code]
    history = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "project_evaluations", AuditEvent.object_id == str(ev.id))
        .order_by(AuditEvent.id.desc()).limit(30)).all() if ev else []
    overall = OverallForm(data={"overall_actual": result.overall_actual, "as_of": result.as_of})
    return render_template("evaluation/project.html", project=proj, result=result, evaluation=ev, history=history,
                           document_problems=problems, overall_form=overall, return_form=ReturnForm(),
                           action_form=ActionForm(), GROUP_LABELS=GROUP_LABELS, **_permissions(proj, result))


def _permissions(proj, result) -> dict:
    own = in_scope(proj.org_id)
    return {"can_edit": own and not result.frozen and current_user.has_role(*EDIT_ROLES),
            "can_review": own and result.status in ("submitted", "approved") and current_user.has_role(*REVIEW_ROLES)}


@bp.route("/projects/<int:project_id>/overall", methods=["POST"])
@login_required
def overall(project_id: int):
    """Save 年度总体目标的实际完成情况 and the counting day."""
    proj = services.project_by_id(project_id)
    form = OverallForm()
    _done, status = submit(form, lambda: services.set_overall(proj, form.overall_actual.data, form.as_of.data))
    flash("已保存" if status == 200 else (form.error_text() or "未能保存"), "success" if status == 200 else "warning")
    return redirect(url_for("evaluation.project", project_id=proj.id))


@bp.route("/projects/<int:project_id>/indicators/<int:indicator_id>", methods=["GET", "POST"])
@login_required
def indicator(project_id: int, indicator_id: int):
    """Edit one indicator: not applicable, band and score, override with reason, 偏差原因 and 改进措施."""
    proj = services.project_by_id(project_id)
    ind = next((i for i in proj.indicators if i.id == indicator_id), None)
    if ind is None:
        raise NotFound("该项目没有这个指标")
    result = services.project_result(proj)
    row = next(r for r in result.indicators if r.indicator_id == ind.id)
    form = IndicatorForm(data=_indicator_data(row, result))
    settings = settings_for(proj.org_id, proj.year)
    form.band.choices = [("", "（请选择）")] + [(b[0], f"{b[0]}（{b[1]}%–{b[2]}%）") for b in settings.qualitative_bands]
    done, status = submit(form, lambda: services.update_indicator(proj, ind.id, _change(form, ind)) or True)
    if done:
        flash(f"已保存“{ind.level3}”", "success")
        return redirect(url_for("evaluation.project", project_id=proj.id))
    return render_template("evaluation/indicator.html", project=proj, indicator=ind, row=row, form=form,
                           qualitative=kind_of(ind) == "qualitative", frozen=result.frozen), status


def _indicator_data(row, result) -> dict:
    data = {"not_applicable": row.not_applicable, "na_reason": row.na_reason, "band": row.band or "",
            "score": row.score if row.qualitative else None, "deviation_reason": row.deviation_reason,
            "improvement": row.improvement}
    if row.source == "override":
        data.update(override_text=row.actual_text, override_reason=row.override_reason)
    return data


def _change(form: IndicatorForm, ind) -> services.IndicatorChange:
    qualitative = kind_of(ind) == "qualitative"
    return services.IndicatorChange(
        not_applicable=form.not_applicable.data, na_reason=form.na_reason.data or "",
        band=(form.band.data or None) if qualitative and form.score.data is not None else None,
        score=form.score.data if qualitative and form.band.data else None,
        override_text=form.override_text.data or "", override_value=form.override_value.data,
        override_reason=form.override_reason.data or "", deviation_reason=form.deviation_reason.data or "",
        improvement=form.improvement.data or "")


@bp.route("/projects/<int:project_id>/weights", methods=["GET", "POST"])
@login_required
def weights(project_id: int):
    """Edit each indicator's weight (when the settings allow), group by group."""
    proj = services.project_by_id(project_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            services.set_weights(proj, _posted_weights(proj))
        except ValidationFailed as exc:
            flash(exc.message, "warning")
        else:
            flash("已保存指标分值", "success")
            return redirect(url_for("evaluation.project", project_id=proj.id))
    result = services.project_result(proj)
    settings = settings_for(proj.org_id, proj.year)
    return render_template("evaluation/weights.html", project=proj, result=result, form=form, settings=settings,
                           GROUP_LABELS=GROUP_LABELS)


def _posted_weights(proj) -> dict[int, Decimal]:
    found = {}
    for ind in proj.indicators:
        raw = (request.form.get(f"w{ind.id}") or "").strip()
        if raw:
            try:
                found[ind.id] = Decimal(raw)
            except InvalidOperation:
                raise ValidationFailed(f"“{ind.level3}”的分值应为数字", field="weights") from None
    return found


@bp.route("/projects/<int:project_id>/submit", methods=["POST"])
@login_required
def submit_project(project_id: int):
    """Submit: freeze the evaluation (refused with the list of what is missing)."""
    proj = services.project_by_id(project_id)
    if ActionForm().validate_on_submit():
        try:
            result = services.submit(proj)
            flash(f"已提交：总分 {result.total}，等级 {result.grade}；内容已冻结", "success")
        except ValidationFailed as exc:
            flash(exc.message, "warning")
    return redirect(url_for("evaluation.project", project_id=proj.id))


@bp.route("/projects/<int:project_id>/return", methods=["POST"])
@login_required
def return_project(project_id: int):
    """A reviewer returns the submitted evaluation with a reason."""
    proj = services.project_by_id(project_id)
    form = ReturnForm()
    _done, status = submit(form, lambda: services.return_evaluation(proj, form.reason.data))
    flash("已退回，填报人可以修改后重新提交" if status == 200 else form.error_text() or "未能退回",
          "success" if status == 200 else "warning")
    return redirect(url_for("evaluation.project", project_id=proj.id))


@bp.route("/projects/<int:project_id>/approve", methods=["POST"])
@login_required
def approve_project(project_id: int):
    """A reviewer approves the submitted evaluation."""
    proj = services.project_by_id(project_id)
    if ActionForm().validate_on_submit():
        services.approve(proj)
        flash("已审核通过", "success")
    return redirect(url_for("evaluation.project", project_id=proj.id))


@bp.route("/projects/<int:project_id>/export.<ext>")
@login_required
def export_project(project_id: int, ext: str):
    """项目支出绩效自评表 of one project (.xlsx or .docx)."""
    proj = services.project_by_id(project_id)
    data = exports.projects_file([services.project_result(proj)], ext)
    return download(data, f"{proj.year}年度项目支出绩效自评表-{proj.code}.{ext}", ext)


@bp.route("/export")
@login_required
def export_year():
    """Every project's 项目支出绩效自评表 in one file (a worksheet or a section each)."""
    year, fmt = year_arg(), request.args.get("format", "xlsx")
    data = exports.projects_file(services.year_results(year), fmt)
    return download(data, exports.filename(year, "项目支出绩效自评表", fmt), fmt)


# the department and settings pages: handlers in views_department.py, routes here
for _rule, _endpoint, _handler, _methods in (
        ("/department", "department_page", views_department.department_page, ("GET", "POST")),
        ("/department/submit", "department_submit", views_department.department_submit, ("POST",)),
        ("/department/return", "department_return", views_department.department_return, ("POST",)),
        ("/department/approve", "department_approve", views_department.department_approve, ("POST",)),
        ("/department/export", "department_export", views_department.department_export, ("GET",)),
        ("/settings", "settings_page", views_department.settings_page, ("GET", "POST"))):
    bp.add_url_rule(_rule, _endpoint, _handler, methods=_methods)
