"""The daily scan: who is told what, at which offsets, at most once; catching up missed runs."""
import datetime as dt
import json

import time_machine
from sqlalchemy import func, select

from caseapp.core.db import db
from caseapp.deadlines.jobs import scan as scan_job
from caseapp.deadlines.scan import scan
from caseapp.reminders.models import Reminder
from tests.deadlines.seeding import AID, AWARD, load_seed
from tests.factories import OrgFactory, UserFactory


def setup_people():
    county = OrgFactory()
    town = OrgFactory(parent=county)
    people = {
        "worker": UserFactory(org=town, roles=["caseworker"], email="worker@example.test"),
        "admin": UserFactory(org=county, roles=["admin"], email="admin@example.test"),
        "no_mail": UserFactory(org=town, roles=["caseworker"]),
        "reviewer": UserFactory(org=county, roles=["reviewer"], email="reviewer@example.test"),
        "elsewhere": UserFactory(roles=["caseworker"], email="other@example.test"),
    }
    load_seed(county.id)
    return people


def reminders_of(user):
    return list(db.session.scalars(select(Reminder).where(Reminder.user_id == user.id).order_by(Reminder.id)))


def test_week_before_june_30_reaches_caseworkers_and_admins_once(app, operator):
    people = setup_people()
    first = scan(dt.date(2025, 6, 23))
    june = [f for f in first["findings"] if f["due_on"] == "2025-06-30" and f["kind"] == "deadline_approaching"]
    assert {f["offset"] for f in june} == {7}
    assert {f["project_code"] for f in june} >= {AID, AWARD}
    assert all("还有7天" in f["message"] for f in june)
    worker, admin = reminders_of(people["worker"]), reminders_of(people["admin"])
    assert len(worker) == len(admin) == first["queued"] // 2 > 0
    assert not reminders_of(people["no_mail"]) and not reminders_of(people["reviewer"])
    assert not reminders_of(people["elsewhere"])
    assert scan(dt.date(2025, 6, 23))["queued"] == 0
    assert scan(dt.date(2025, 6, 26))["queued"] == 0  # still the 7-day tier
    assert scan(dt.date(2025, 6, 29))["queued"] > 0  # the 1-day tier


def test_missed_runs_catch_up_with_the_most_urgent_tier(app, operator):
    people = setup_people()
    scan(dt.date(2025, 6, 26))  # nothing ran during the week before: the 7-day tier still goes out
    tiers = {(r.source_key, r.offset_days) for r in reminders_of(people["worker"]) if r.due_on == dt.date(2025, 6, 30)}
    assert tiers and {offset for _, offset in tiers} == {7}


def _ledger_payment(project, fen: int, day: dt.date) -> None:
    """Money out of ``project`` on ``day``, as the ledger records it."""
    from caseapp.payments.models import LedgerEntry
    from caseapp.payments.models import AidType, PaymentItem
    from caseapp.persons.models import Person

    aid = AidType(name=f"慰问{project.id}", kind="general")
    person = Person(org_id=project.org_id, name="受助人", sex="男", birth_date=dt.date(1980, 1, 1))
    person.set_id_number("11010519491231002X")
    db.session.add_all([aid, person])
    db.session.flush()
    item = PaymentItem(org_id=project.org_id, project_id=project.id, aid_type_id=aid.id, person_id=person.id,
                       recipient_key=f"p{person.id}", recipient_name="受助人", amount_fen=fen, year=2025, period="2025",
                       status="已发放", registered_by_name="测试", registered_on=day, paid_on=day)
    db.session.add(item)
    db.session.flush()
    db.session.add(LedgerEntry(item_id=item.id, project_id=project.id, person_id=person.id, aid_type_id=aid.id,
                               year=2025, amount_fen=fen, kind="发放", entry_date=day, created_by_name="测试"))
    db.session.flush()


def test_spending_behind_plan_reads_the_ledger(app, operator):
    from caseapp.budgets.models import Project

    setup_people()
    behind = [f for f in scan(dt.date(2025, 4, 2))["findings"] if f["kind"] == "spending_behind"]
    assert len(behind) == 2 and "¥0.00" in behind[0]["message"]  # two projects plan 25% by 3月31日
    aid = db.session.scalar(select(Project).where(Project.code == AID))
    _ledger_payment(aid, aid.budget_fen // 4 + 1, dt.date(2025, 3, 31))  # on plan by the month end
    later = [f for f in scan(dt.date(2025, 4, 2))["findings"] if f["kind"] == "spending_behind"]
    assert [f["project_code"] for f in later] != [AID] and len(later) == 1


def test_spring_festival_eve_and_passed(app, operator):
    people = setup_people()
    result = scan(dt.date(2025, 1, 28))
    spring = [f for f in result["findings"] if f["due_on"] == "2025-01-28"]
    assert spring and "今天截止" in spring[0]["message"] and spring[0]["offset"] == 1
    later = scan(dt.date(2025, 2, 3))
    assert any(f["kind"] == "deadline_passed" and f["due_on"] == "2025-01-28" for f in later["findings"])
    assert later["queued"] > 0 and reminders_of(people["worker"])


def test_unconfirmed_rules_are_listed_not_scanned(app, operator):
    county = OrgFactory()
    UserFactory(org=county, roles=["caseworker"], email="w@example.test")
    load_seed(county.id, rule_status="proposed")
    keys = {f["deadline_id"] for f in scan(dt.date(2025, 6, 23))["findings"]}
    assert keys and not any(k.startswith("rule-") for k in keys)


def test_midnight_in_shanghai_is_already_the_next_day(app, operator):
    setup_people()
    with time_machine.travel(dt.datetime(2025, 6, 29, 16, 0, 5, tzinfo=dt.timezone.utc), tick=False):
        result = scan_job()
    assert result["today"] == "2025-06-30"
    offsets = db.session.scalars(select(Reminder.offset_days).where(Reminder.due_on == dt.date(2025, 6, 30)))
    assert set(offsets) == {1}


def test_cli_scan_json(app):
    setup_people()
    out = app.test_cli_runner().invoke(args=["deadlines", "scan", "--today", "2025-06-23", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["queued"] == db.session.scalar(select(func.count(Reminder.id))) > 0
    assert set(data["findings"][0]) >= {"kind", "deadline_id", "project_code", "count", "message"}
    bad = app.test_cli_runner().invoke(args=["deadlines", "scan", "--today", "6/23"])
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.stderr
