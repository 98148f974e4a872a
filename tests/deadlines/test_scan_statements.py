"""The daily scan is set-based: its number of SQL statements does not grow with users, projects or findings.

Issue 14 measured 13.5–20.5 s with 1,102 users: a recipient look-up pair and an INSERT per finding and
recipient, a project load and a ledger sum per project behind its spending plan, settings and a query per
organisation for the monitoring report.
"""
import datetime as dt
from contextlib import contextmanager

from sqlalchemy import event, func, select

from caseapp.budgets.models import Indicator, SpendingPlanPoint
from caseapp.core.db import db
from caseapp.deadlines.models import DeadlineRule
from caseapp.deadlines.scan import scan
from caseapp.reminders.models import Reminder
from caseapp.reminders.services import recipient_ids
from tests.factories import HardshipFileFactory, OrgFactory, PersonFactory, ProjectFactory, UserFactory

#: one day per kind of finding: deadlines approaching, passed and spending behind, red lights and the report due
DAYS = (dt.date(2025, 6, 23), dt.date(2025, 7, 3), dt.date(2025, 8, 3))


def county(n: int, projects: int = 2) -> None:
    """A county with a township, four users (one without mail, one reviewer), projects with deadlines and plans,
    and files due for review."""
    root = OrgFactory()
    town = OrgFactory(parent=root)
    UserFactory(org=root, roles=["admin"], email=f"admin{n}@example.test")
    UserFactory(org=town, roles=["caseworker"], email=f"worker{n}@example.test")
    UserFactory(org=town, roles=["caseworker"])
    UserFactory(org=root, roles=["reviewer"], email=f"reviewer{n}@example.test")
    for k in range(projects):
        project = ProjectFactory(org_id=root.id, budget_fen=10_000_000)
        project.plan_points = [SpendingPlanPoint(month=6, percent=50), SpendingPlanPoint(month=7, percent=60)]
        project.indicators = [Indicator(position=0, level1="产出指标", level2="时效指标", level3="救助时效",
                                        description="", target_text="6月30日前完成", direction="date", basis="",
                                        metric="on_time_share"),
                              Indicator(position=1, level1="产出指标", level2="数量指标", level3="救助人数",
                                        description="", target_text="100人", direction="=", target_value=100,
                                        unit="人", basis="", metric="people_paid")]
        db.session.add(DeadlineRule(year=2025, org_id=root.id, project_id=project.id, kind="fixed", month=6,
                                    day=30, festival_before="day", subject=f"发放到位{k}", source_text="6月30日前"))
    for org in (root, town):
        HardshipFileFactory(person=PersonFactory(org_id=org.id), review_due=dt.date(2025, 7, 10))
    db.session.flush()


@contextmanager
def counting():
    """Counts the SQL statements sent while inside the block."""
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    engine = db.session.get_bind().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def scans() -> tuple[int, int, int]:
    """Statements, findings and new reminders of the scans on DAYS, as a fresh job's session sees them."""
    statements = findings = queued = 0
    for day in DAYS:
        db.session.flush()
        db.session.expunge_all()  # a job starts with an empty session: nothing is loaded yet
        with counting() as seen:
            result = scan(day)
            db.session.flush()
        statements, findings, queued = statements + len(seen), findings + len(result["findings"]), \
            queued + result["queued"]
    return statements, findings, queued


def test_statements_do_not_grow_with_users_projects_or_findings(app, operator):
    county(0)
    small = scans()
    for n in range(1, 4):
        county(n, projects=3)
    large = scans()
    assert large[1] > 3 * small[1] and large[2] > 3 * small[2]  # more of everything found and queued …
    assert large[0] == small[0], (small, large)  # … by the same statements


def test_each_finding_reaches_exactly_its_recipients(app, operator):
    for n in range(3):
        county(n)
    for day in DAYS:
        findings = scan(day)["findings"]
        assert findings
    wanted = set()
    from caseapp.deadlines.scan import find_all

    for day in DAYS:
        for f in find_all(day):
            wanted |= {(f.deadline_id, f.subject_key, f.due_on, f.offset, u)
                       for u in recipient_ids(f.org_id, f.recipient_roles or None, f.subtree)}
    got = {tuple(row) for row in db.session.execute(select(Reminder.source_key, Reminder.subject_key,
                                                           Reminder.due_on, Reminder.offset_days, Reminder.user_id))}
    assert got == wanted and db.session.scalar(select(func.count(Reminder.id))) == len(wanted)
