"""The department's self-evaluation page and the scoring settings.

Handlers only: their routes are declared with the area's other routes in ``views.py``.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from caseapp.core.errors import ValidationFailed
from caseapp.core.forms import submit
from caseapp.core.scoping import in_scope
from caseapp.evaluation import department, exports
from caseapp.evaluation.forms import ActionForm, ReturnForm, SettingsForm
from caseapp.evaluation.settings import DEFAULTS, GROUP_LABELS, acting_org_id, save_settings, settings_for
from caseapp.evaluation.view_helpers import download, year_arg
from caseapp.evaluation.workflow import EDIT_ROLES, REVIEW_ROLES


@login_required
def department_page():
    """部门整体支出绩效自评 of the user's organisation: budget, goals with 实际完成情况, projects' scores."""
    year, org_id = year_arg(), acting_org_id()
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            department.save_goals(org_id, year, _posted_goals(), (request.form.get("new_title", ""),
                                                                 request.form.get("new_target", "")))
            flash("已保存", "success")
            return redirect(url_for("evaluation.department_page", year=year))
        except ValidationFailed as exc:
            flash(exc.message, "warning")
    result = department.department_result(org_id, year)
    own = in_scope(org_id)
    return render_template("evaluation/department.html", year=year, result=result, form=form,
                           return_form=ReturnForm(), can_edit=own and not result.frozen and
                           current_user.has_role(*EDIT_ROLES),
                           can_review=own and result.status in ("submitted", "approved")
                           and current_user.has_role(*REVIEW_ROLES))


def _posted_goals() -> dict[int, str]:
    found = {}
    for key, value in request.form.items():
        if key.startswith("goal") and key[4:].isdigit():
            found[int(key[4:])] = value
    return found


@login_required
def department_submit():
    """Submit (freeze) the department evaluation."""
    year, org_id = year_arg(), acting_org_id()
    if _valid(ActionForm()):
        _try(lambda: department.submit(org_id, year), "已提交部门整体自评，内容已冻结")
    return redirect(url_for("evaluation.department_page", year=year))


@login_required
def department_return():
    """A reviewer returns the department evaluation with a reason."""
    year, org_id = year_arg(), acting_org_id()
    form = ReturnForm()
    if _valid(form):
        _try(lambda: department.return_department(org_id, year, form.reason.data), "已退回")
    return redirect(url_for("evaluation.department_page", year=year))


@login_required
def department_approve():
    """A reviewer approves the department evaluation."""
    year, org_id = year_arg(), acting_org_id()
    if _valid(ActionForm()):
        _try(lambda: department.approve_department(org_id, year), "已审核通过")
    return redirect(url_for("evaluation.department_page", year=year))


def _valid(form) -> bool:
    if form.validate_on_submit():
        return True
    flash(form.error_text() or "页面已过期，请刷新后重试", "warning")
    return False


def _try(work, message: str) -> None:
    try:
        work()
        flash(message, "success")
    except ValidationFailed as exc:
        flash(exc.message, "warning")


@login_required
def department_export():
    """部门整体支出绩效自评表 (.xlsx or .docx)."""
    year, fmt = year_arg(), request.args.get("format", "xlsx")
    data = exports.department_file(department.department_result(acting_org_id(), year), fmt)
    return download(data, exports.filename(year, "部门整体支出绩效自评表", fmt), fmt)


@login_required
def settings_page():
    """评分设置 of the user's organisation for a year (admins change them; everyone may read)."""
    year, org_id = year_arg(), acting_org_id()
    current = settings_for(org_id, year)
    form = SettingsForm()
    if request.method == "GET":
        form.fill(current)
    done, status = submit(form, lambda: save_settings(org_id, year, form.settings()))
    if done is not None:
        flash(f"已保存{year}年度评分设置", "success")
        return redirect(url_for("evaluation.settings_page", year=year))
    return render_template("evaluation/settings.html", year=year, form=form, current=current, defaults=DEFAULTS,
                           GROUP_LABELS=GROUP_LABELS, can_edit=current_user.has_role("admin")), status
