"""The daily scan: red lights warn the project's caseworkers after a month end; admins are reminded to report."""
from datetime import date

from sqlalchemy import select

from caseapp.core.db import db
from caseapp.deadlines.scan import find_all, scan
from caseapp.monitoring import services
from caseapp.reminders.models import Reminder
from tests.conftest import acting_as
from tests.evaluation.conftest import AID, aid_paid_to


def _with_email(union):
    for name, user in union.users.items():
        user.email = f"{name}@union.example"
    db.session.flush()


def _kinds(today: date, kind: str):
    return [f for f in find_all(today) if f.kind == kind]


def test_red_lights_warn_the_caseworkers_once(union):
    _with_email(union)
    aid_paid_to(union, paid=10, day=date(2025, 1, 20))
    found = _kinds(date(2025, 8, 3), "monitoring_red")
    aid = next(f for f in found if f.project_code == AID)
    assert "亮红灯" in aid.message and "救助人数" in aid.message and aid.due_on == date(2025, 7, 31)
    assert scan(date(2025, 8, 3))["queued"] > 0
    told = set(db.session.scalars(select(Reminder.user_id).where(Reminder.kind == "monitoring_red",
                                                                 Reminder.project_code == AID)))
    # the county project's caseworkers: the county's and its townships' (they register aid from it)
    assert {union.users["caseworker"].id, union.users["town_caseworker"].id} <= told
    assert union.users["auditor"].id not in told and union.users["reviewer"].id not in told
    assert scan(date(2025, 8, 4))["queued"] == 0  # the same month's lights are told once
    assert _kinds(date(2025, 8, 20), "monitoring_red") == []  # outside the window after the month end


def test_the_month_end_before_the_deadline_reminds_the_admin(union):
    _with_email(union)
    assert _kinds(date(2025, 7, 30), "monitoring_due") == []
    due = _kinds(date(2025, 7, 31), "monitoring_due")
    assert len(due) == 1 and due[0].due_on == date(2025, 8, 10) and "尚有3个项目未填写" in due[0].message
    scan(date(2025, 7, 31))
    told = set(db.session.scalars(select(Reminder.user_id).where(Reminder.kind == "monitoring_due")))
    assert told == {union.users["admin"].id}
    assert _kinds(date(2025, 8, 11), "monitoring_due") == []
    with acting_as(union.users["finance"]):
        for code in ("13043425P000001100273", AID, "13043425P004300100025"):
            services.save_report(union.project(code), 7, 0, [], "", {})
    assert _kinds(date(2025, 8, 5), "monitoring_due") == []
