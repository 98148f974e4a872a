"""What the daily scan reports about monitoring: red lights after a month end, the report due before its deadline."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp.budgets.models import Project
from caseapp.core.calendar import WorkCalendar, format_date_zh, month_end
from caseapp.core.db import db
from caseapp.core.scoping import scoped
from caseapp.deadlines.findings import Finding, finder
from caseapp.evaluation.settings import settings_for_many
from caseapp.monitoring.models import MonitoringReport
from caseapp.monitoring.services import monitor_projects

#: red lights of a month are reported during this many days after its end (a missed run catches up)
RED_WINDOW_DAYS = 10


def _projects(year: int) -> list[Project]:
    stmt = (scoped(select(Project), Project.org_id).where(Project.year == year).order_by(Project.code)
            .options(selectinload(Project.indicators), selectinload(Project.plan_points),
                     selectinload(Project.org)))
    return list(db.session.scalars(stmt))


@finder
def red_lights(today: dt.date, cal: WorkCalendar) -> list[Finding]:
    """Shortly after a month end (January to November), each project with red lights warns its caseworkers."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    if last.month == 12 or (today - last).days > RED_WINDOW_DAYS:
        return []
    projects = _projects(last.year)
    org_of = {p.id: p.org_id for p in projects}
    found = []
    for m in monitor_projects(projects, last.month):
        red = [i for i in m.indicators if i.light == "red"] + ([m] if m.light == "red" else [])
        if red:
            found.append(_red_finding(m, red, last, org_of[m.project_id]))
    return found


def _red_finding(m, red: list, last: dt.date, org_id: int) -> Finding:
    names = "、".join(getattr(r, "level3", "预算执行") for r in red[:5]) + ("等" if len(red) > 5 else "")
    message = (f"【{m.name}】绩效运行监控（1–{last.month}月）亮红灯{len(red)}项：{names}，"
               "完成进度明显落后于时间进度，请分析原因并采取纠偏措施")
    return Finding("monitoring_red", f"monitor-{m.project_id}-{last.month:02d}", org_id, last, 0, message,
                   m.project_id, m.code, count=len(red), subject_key="red")


@finder
def report_due(today: dt.date, cal: WorkCalendar) -> list[Finding]:
    """From the month end before the monitoring deadline until the deadline, remind admins of missing reports."""
    org_ids = sorted(db.session.scalars(scoped(select(Project.org_id), Project.org_id)
                                        .where(Project.year == today.year).distinct()))
    settings, open_orgs = settings_for_many(org_ids, today.year), {}
    for org_id in org_ids:
        s = settings[org_id]
        due = dt.date(today.year, s.monitoring_due_month, s.monitoring_due_day)
        if month_end(today.year, s.monitoring_due_month - 1) <= today <= due:
            open_orgs[org_id] = (s.monitoring_month, due)
    missing = _missing(open_orgs, today.year)
    return [_due_finding(org_id, today.year, month, due, missing[org_id])
            for org_id, (month, due) in open_orgs.items() if missing.get(org_id)]


def _missing(open_orgs: dict[int, tuple[int, dt.date]], year: int) -> dict[int, list[str]]:
    """Per organisation: names of its projects without a filled report for 1–N月 (N its own monitoring month),
    in two statements for all organisations."""
    if not open_orgs:
        return {}
    ours = select(Project.id).where(Project.org_id.in_(sorted(open_orgs)), Project.year == year)
    projects = db.session.execute(select(Project.id, Project.org_id, Project.name)
                                  .where(Project.id.in_(ours)).order_by(Project.code)).all()
    reports = select(MonitoringReport.project_id, MonitoringReport.month).where(
        MonitoringReport.project_id.in_(ours), MonitoringReport.expected_spend_fen.is_not(None))
    filled = {(pid, month) for pid, month in db.session.execute(reports)}
    missing: dict[int, list[str]] = {}
    for pid, org_id, name in projects:
        if (pid, open_orgs[org_id][0]) not in filled:
            missing.setdefault(org_id, []).append(name)
    return missing


def _due_finding(org_id: int, year: int, month: int, due: dt.date, missing: list[str]) -> Finding:
    message = (f"{year}年1–{month}月绩效运行监控表应于{format_date_zh(due)}前报送，尚有{len(missing)}个项目未填写："
               f"{'、'.join(missing[:5])}{'等' if len(missing) > 5 else ''}")
    return Finding("monitoring_due", f"monitoring-due-{org_id}-{year}", org_id, due, 0, message, count=len(missing),
                   subject_key="fill", recipient_roles=("admin",), subtree=False)
