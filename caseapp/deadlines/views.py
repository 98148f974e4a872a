"""Deadline pages: a year's deadlines with their dates and reasons; the admin's holiday overrides."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from caseapp.core.scoping import require_role
from caseapp.core.templating import NAV
from caseapp.deadlines import services
from caseapp.deadlines.forms import HolidayOverrideForm
from caseapp.deadlines.models import BEFORE_LABELS, FESTIVAL_LABELS, KINDS
from caseapp.deadlines.sources import deadlines_for_year
from caseapp.core.calendar import local_today

bp = Blueprint("deadlines", __name__, url_prefix="/deadlines")
NAV.append(("deadlines.index", "截止日期", None))
NAV.append(("deadlines.holidays", "节假日调整", ("admin",)))


@bp.route("/")
@login_required
def index():
    """The year's deadlines in scope, earliest first, with how each date was worked out."""
    today = local_today()
    year = request.args.get("year", type=int) or today.year
    cal = services.load_calendar()
    return render_template("deadlines/index.html", year=year, today=today, deadlines=deadlines_for_year(year, cal),
                           note=services.provisional_note(year, cal), KINDS=KINDS,
                           FESTIVAL_LABELS=FESTIVAL_LABELS, BEFORE_LABELS=BEFORE_LABELS)


@bp.route("/holidays", methods=["GET", "POST"])
@login_required
def holidays():
    """List and add overrides of the workday calendar (admins)."""
    require_role("admin")
    form = HolidayOverrideForm()
    if form.validate_on_submit():
        row = services.add_override(form.day.data, form.is_workday.data == "1", form.note.data or "")
        flash(f"已将{row.day.year}年{row.day.month}月{row.day.day}日设为{'工作日' if row.is_workday else '休息日'}",
              "success")
        return redirect(url_for("deadlines.holidays"))
    year = request.args.get("year", type=int) or local_today().year
    cal = services.load_calendar()
    return render_template("deadlines/holidays.html", form=form, year=year, rows=services.list_overrides(year),
                           note=services.provisional_note(year, cal)), (422 if form.errors else 200)


@bp.route("/holidays/<int:override_id>/delete", methods=["POST"])
@login_required
def delete_holiday(override_id: int):
    """Remove an override (admins)."""
    services.delete_override(override_id)
    flash("已删除调整记录", "success")
    return redirect(url_for("deadlines.holidays"))
