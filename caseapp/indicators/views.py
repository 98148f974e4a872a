"""Indicator pages: run the roll-up for a year, enter a qualitative value by hand."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from caseapp.core.calendar import local_today
from caseapp.core.limits import check_year
from caseapp.core.redirects import safe_next
from caseapp.indicators import services
from caseapp.indicators.forms import ManualValueForm
from caseapp.indicators.rollup import run_rollup

bp = Blueprint("indicators", __name__, url_prefix="/indicators")


@bp.route("/rollup", methods=["POST"])
@login_required
def rollup():
    """Recompute the year's 完成值 now (otherwise the nightly job does it)."""
    year = check_year(request.form.get("year", type=int) or local_today().year)
    _run, rows = run_rollup(year, min(local_today(), date(year, 12, 31)))
    flash(f"已重新计算 {year} 年度 {len(rows)} 项指标的完成值", "success")
    return redirect(safe_next(request.form.get("next"), url_for("budgets.dashboard", year=year)))


@bp.route("/<int:indicator_id>/manual", methods=["GET", "POST"])
@login_required
def manual(indicator_id: int):
    """Enter a qualitative indicator's 完成值 with evidence."""
    indicator = services.indicator_in_scope(indicator_id)
    form = ManualValueForm()
    if form.validate_on_submit():
        services.enter_manual_value(indicator.id, form.value_text.data, form.achieved.data, form.evidence.data,
                                    form.actual_value.data)
        flash("已保存完成值", "success")
        return redirect(url_for("budgets.project_detail", project_id=indicator.project_id))
    return render_template("indicators/manual.html", indicator=indicator, form=form)
