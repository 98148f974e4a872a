"""统计图表 pages: the year's charts, each with its numbers in a table; a project's execution chart."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from caseapp.budgets.services import default_year, years
from caseapp.charts import services
from caseapp.core.calendar import local_today
from caseapp.core.templating import NAV

bp = Blueprint("charts", __name__, url_prefix="/charts")
NAV.append(("charts.index", "统计图表", None))


@bp.route("/")
@login_required
def index():
    """The year's budget execution against the plan, indicator progress, payments by month and aid type and the
    deadline timeline, each chart with the same numbers as a table."""
    today = local_today()
    year = request.args.get("year", type=int) or default_year(today)
    ledger = services.ledger_by_month(year)  # one pass over the ledger for both charts
    total, projects = services.execution(year, today, ledger=ledger)
    types, by_month = services.payments_by_month(year, ledger=ledger)
    progress = services.indicator_progress(year)
    deadlines = services.deadline_timeline(year)
    return render_template("charts/index.html", year=year, years=years() or [year], today=today, total=total,
                           projects=projects, types=types, by_month=by_month, progress=progress,
                           month_totals=[sum(by_month[t][i] for t in types) for i in range(12)],
                           deadlines=deadlines, each_project=len(projects) <= services.PROJECT_CHARTS_MAX,
                           bars=sum(p.percent is not None for p in progress) <= services.PROGRESS_BARS_MAX,
                           month_index=(today.month - 1 if today.year == year else (11 if today.year > year else None)),
                           charts=_charts(total, projects, types, by_month, progress,
                                                              deadlines))


def _charts(total, projects, types, by_month, progress, deadlines) -> dict:
    """Every chart's JSON (the numbers of the tables beside them)."""
    months = [f"{m}月" for m in services.MONTHS]
    return {
        "execution": total.chart(),
        "projects": [p.chart() for p in projects] if len(projects) <= services.PROJECT_CHARTS_MAX else [],
        "by_month": {"kind": "stacked", "months": months,
                     "series": [{"name": t, "data": [round(v / 100, 2) for v in by_month[t]]} for t in types]},
        "by_type": {"kind": "pie", "data": [{"name": t, "value": round(sum(by_month[t]) / 100, 2)} for t in types]},
        "progress": {"kind": "progress", "names": [f"{p.name}（{p.project[:8]}）" for p in progress
                                                   if p.percent is not None],
                     "values": [p.percent for p in progress if p.percent is not None]},
        "timeline": {"kind": "timeline", "events": [
            {"date": d.resolved.last_day.isoformat(), "name": d.subject, "project": d.project_name or "全部项目"}
            for d in deadlines]},
    }
