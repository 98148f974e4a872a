"""The roll-up computes 完成值 from payments and files, judges them by direction, and keeps history."""
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseapp.budgets import importer
from caseapp.budgets.models import Indicator, Project
from caseapp.budgets.rules import confirm_all_proposed
from caseapp.cases.models import HardshipFile
from caseapp.core.db import db
from caseapp.core.idnumber import make_id_number
from caseapp.indicators.models import IndicatorSnapshot, Rollup
from caseapp.indicators.rollup import run_rollup
from caseapp.indicators.services import enter_manual_value
from caseapp.orgs.services import create_org
from caseapp.payments.models import AidType, LedgerEntry, PaymentItem
from caseapp.persons.models import Person

SEED = Path(__file__).parents[2] / "caseapp" / "budgets" / "demo" / "weixian-2025-budget-performance.docx"
AID = "13043425P00430010001H"


@pytest.fixture
def seeded(app, operator):
    root = create_org("711001", "魏县总工会")
    importer.confirm(SEED.read_bytes(), SEED.name, 2025, root.code)
    confirm_all_proposed(2025)
    db.session.flush()
    return root


def _person(org, n: int) -> Person:
    p = Person(org_id=org.id, name=f"受助人{n}", sex="男", birth_date=date(1980, 1, 1))
    p.set_id_number(make_id_number(birth=date(1980, 1, 1), seq=n * 2 + 1, sex="男"))
    db.session.add(p)
    db.session.flush()
    return p


def _on_file(person: Person, org) -> None:
    db.session.add(HardshipFile(person_id=person.id, org_id=org.id, main_cause="因病", status="在档",
                                applied_on=date(2024, 10, 1), filed_on=date(2024, 11, 1)))


def _pay(project: Project, person: Person, fen: int, day: date) -> LedgerEntry:
    aid = db.session.scalar(select(AidType).where(AidType.name == "生活救助")) or AidType(name="生活救助", kind="hardship")
    db.session.add(aid)
    db.session.flush()
    item = PaymentItem(org_id=project.org_id, project_id=project.id, aid_type_id=aid.id, person_id=person.id,
                       recipient_key=f"p{person.id}", recipient_name=person.name, amount_fen=fen, year=2025,
                       period="2025", status="已发放", registered_by_name="测试", registered_on=day, paid_on=day)
    db.session.add(item)
    db.session.flush()
    entry = LedgerEntry(item_id=item.id, project_id=project.id, person_id=person.id, aid_type_id=aid.id, year=2025,
                        amount_fen=fen, kind="发放", entry_date=day, created_by_name="测试")
    db.session.add(entry)
    db.session.flush()
    return entry


def _by_level3(rows) -> dict:
    return {(r.project_code, r.indicator.level3): r for r in rows if r.project_code == AID}


def test_39_people_paid_before_spring_festival(seeded):
    project = db.session.scalar(select(Project).where(Project.code == AID))
    people = [_person(seeded, n) for n in range(40)]
    for p in people:
        _on_file(p, seeded)
    for p in people[:39]:
        _pay(project, p, 1_200_000, date(2025, 1, 20))
    _run, rows = run_rollup(2025, date(2025, 12, 31))
    got = _by_level3(rows)
    assert got[(AID, "救助人数")].value.text == "39人" and got[(AID, "救助人数")].achieved is True
    assert got[(AID, "救助率")].value.actual == 97.5 and got[(AID, "救助率")].achieved is False  # 39 of 40 on file
    assert got[(AID, "救助时效")].achieved is True  # all paid by 2025-01-28
    assert got[(AID, "救助时效")].value.detail["deadline"] == "2025-01-28"
    cost = got[(AID, "救助总成本")]
    assert cost.value.text == "46.8万元" and cost.achieved is False  # 46.8 of 47.66万元
    assert got[(AID, "满意率")].achieved is None


def test_reversal_and_late_payment_count(seeded):
    project = db.session.scalar(select(Project).where(Project.code == AID))
    a, b = _person(seeded, 1), _person(seeded, 2)
    _on_file(a, seeded)
    _on_file(b, seeded)
    first = _pay(project, a, 50_000, date(2025, 1, 10))
    _pay(project, b, 50_000, date(2025, 3, 1))  # after 春节
    db.session.add(LedgerEntry(item_id=first.item_id, project_id=project.id, person_id=a.id,
                               aid_type_id=first.aid_type_id, year=2025, amount_fen=-50_000, kind="冲正",
                               entry_date=date(2025, 2, 1), reverses_id=first.id, reason="错发", created_by_name="测试"))
    db.session.flush()
    got = _by_level3(run_rollup(2025, date(2025, 12, 31))[1])
    assert got[(AID, "救助人数")].value.actual == 1
    assert got[(AID, "救助时效")].value.actual == 0 and got[(AID, "救助时效")].achieved is False
    before = _by_level3(run_rollup(2025, date(2025, 1, 31))[1])  # as of January: the reversal had not happened
    assert before[(AID, "救助人数")].value.actual == 1 and before[(AID, "救助时效")].value.actual == 100


def test_rerun_is_stable_and_history_kept(seeded):
    first = [r.as_json() for r in run_rollup(2025, date(2025, 6, 30))[1]]
    second = [r.as_json() for r in run_rollup(2025, date(2025, 6, 30))[1]]
    assert first == second and len(first) == 21
    assert db.session.scalar(select(func.count(Rollup.id))) == 2
    assert db.session.scalar(select(func.count(IndicatorSnapshot.id))) == 42


def test_qualitative_value_entered_by_hand(seeded):
    ind = db.session.scalar(select(Indicator).join(Project).where(Project.code == AID, Indicator.level3 == "社会稳定"))
    assert ind.metric == "manual"
    enter_manual_value(ind.id, "缓解了39户困难职工的生活压力", True, "走访记录、受助职工签字表")
    got = _by_level3(run_rollup(2025, date(2025, 12, 31))[1])
    row = got[(AID, "社会稳定")]
    assert row.achieved is True and row.value.detail["evidence"].startswith("走访记录")


def test_award_parts_and_events(seeded):
    from caseapp.awards.models import AwardCategory, AwardEvent, AwardRecipient

    project = db.session.scalar(select(Project).where(Project.code == "13043425P004300100025"))
    event = AwardEvent(project_id=project.id, org_id=seeded.id, name="2025年县级劳模评选", held_on=date(2025, 4, 28))
    db.session.add(event)
    db.session.flush()
    cat = AwardCategory(event_id=event.id, name="先进集体", kind="collective", max_count=20, amount_fen=100_000)
    db.session.add(cat)
    db.session.flush()
    for n in range(3):
        db.session.add(AwardRecipient(event_id=event.id, category_id=cat.id, kind="collective", org_id=seeded.id,
                                      collective_name=f"集体{n}", status="确定"))
    db.session.flush()
    rows = {r.indicator.level3: r for r in run_rollup(2025, date(2025, 5, 31))[1]
            if r.project_code == "13043425P004300100025"}
    assert rows["举办次数"].value.text == "1次" and rows["举办次数"].achieved is True
    quality = rows["评选县级先进集体、先进个人"]
    assert quality.value.text == "先进集体3个，先进劳模0名" and quality.achieved is False


def test_project_page_shows_actual_and_status(seeded, client):
    from tests.conftest import login
    from tests.factories import UserFactory

    project = db.session.scalar(select(Project).where(Project.code == AID))
    p = _person(seeded, 7)
    _on_file(p, seeded)
    _pay(project, p, 100_000, date(2025, 1, 5))
    user = UserFactory(org=seeded, roles=["reviewer"])
    login(client, user)
    resp = client.post("/indicators/rollup", data={"year": 2025, "next": f"/projects/{project.id}"})
    assert resp.status_code == 302
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "1人" in page and "未达成" in page and "已达成" in page
