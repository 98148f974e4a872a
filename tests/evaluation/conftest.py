"""The 2025 document of 魏县总工会 imported, people on file, payments straight into the ledger."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from caseapp.budgets import importer
from caseapp.budgets.models import Indicator, Project
from caseapp.budgets.rules import confirm_all_proposed
from caseapp.cases.models import HardshipFile
from caseapp.core.db import db
from caseapp.core.idnumber import make_id_number
from caseapp.orgs.services import create_org
from caseapp.payments.ledger import LedgerEntry
from caseapp.payments.models import AidType, PaymentItem
from caseapp.persons.models import Person
from tests.factories import OrgFactory, UserFactory

SEED = Path(__file__).parents[2] / "caseapp" / "budgets" / "demo" / "weixian-2025-budget-performance.docx"
FUNDS, AID, AWARD = "13043425P000001100273", "13043425P00430010001H", "13043425P004300100025"


@dataclass
class Union:
    """The county union with the 2025 projects, a township under it and one user per role at the county."""

    root: object
    town: object
    users: dict

    def project(self, code: str) -> Project:
        return db.session.scalar(select(Project).where(Project.code == code, Project.year == 2025))

    def indicator(self, code: str, level3: str) -> Indicator:
        return next(i for i in self.project(code).indicators if i.level3 == level3)


@pytest.fixture
def union(app, operator) -> Union:
    root = create_org("711001", "魏县总工会")
    town = create_org("711101", "魏城镇工会", "711001")
    importer.confirm(SEED.read_bytes(), SEED.name, 2025, root.code)
    confirm_all_proposed(2025)
    db.session.flush()
    users = {role: UserFactory(org=root, roles=[role]) for role in
             ("admin", "finance", "caseworker", "reviewer", "leader", "auditor")}
    users["town_caseworker"] = UserFactory(org=town, roles=["caseworker", "admin"])
    return Union(root, town, users)


def person(org, n: int) -> Person:
    p = Person(org_id=org.id, name=f"受助人{n}", sex="男", birth_date=date(1980, 1, 1))
    p.set_id_number(make_id_number(birth=date(1980 + n // 400, 1, 1), seq=n % 400 * 2 + 1, sex="男"))
    db.session.add(p)
    db.session.flush()
    return p


def on_file(p: Person, org) -> None:
    db.session.add(HardshipFile(person_id=p.id, org_id=org.id, main_cause="因病", status="在档",
                                applied_on=date(2024, 10, 1), filed_on=date(2024, 11, 1)))
    db.session.flush()


def pay(project: Project, p: Person | None, fen: int, day: date, aid: str = "生活救助") -> LedgerEntry:
    """A paid item and its 发放 entry (what finance's 发放 writes)."""
    aid_type = db.session.scalar(select(AidType).where(AidType.name == aid))
    if aid_type is None:
        aid_type = AidType(name=aid, kind="general")
        db.session.add(aid_type)
        db.session.flush()
    key = f"p{p.id}" if p else f"c{day.isoformat()}{fen}"
    item = PaymentItem(org_id=project.org_id, project_id=project.id, aid_type_id=aid_type.id,
                       person_id=p.id if p else None, recipient_key=key, recipient_name=p.name if p else "集体",
                       amount_fen=fen, year=project.year, period=str(project.year), status="已发放",
                       registered_by_name="测试", registered_on=day, paid_on=day)
    db.session.add(item)
    db.session.flush()
    entry = LedgerEntry(item_id=item.id, project_id=project.id, person_id=item.person_id, aid_type_id=aid_type.id,
                        year=project.year, amount_fen=fen, kind="发放", entry_date=day, created_by_name="测试")
    db.session.add(entry)
    db.session.flush()
    return entry


def aid_paid_to(union: Union, paid: int, on_file_count: int = 40, fen: int = 1_200_000,
                day: date = date(2025, 1, 20)) -> list[Person]:
    """``on_file_count`` people 在档 at the county, the first ``paid`` of them paid from the aid project."""
    people = [person(union.root, n) for n in range(on_file_count)]
    for p in people:
        on_file(p, union.root)
    for p in people[:paid]:
        pay(union.project(AID), p, fen, day)
    return people


def award_given(union: Union, people: int, collectives: int, paid: int) -> None:
    """The 2025 award event: ``people`` 先进劳模 and ``collectives`` 先进集体 confirmed, ``paid`` people paid."""
    from caseapp.awards.models import AwardCategory, AwardEvent, AwardRecipient

    project = union.project(AWARD)
    event = AwardEvent(project_id=project.id, org_id=union.root.id, name="2025年县级劳模评选",
                       held_on=date(2025, 4, 25))
    db.session.add(event)
    db.session.flush()
    individual = AwardCategory(event_id=event.id, name="先进劳模", kind="individual", max_count=100,
                               amount_fen=100_000)
    collective = AwardCategory(event_id=event.id, name="先进集体", kind="collective", max_count=20, amount_fen=0)
    db.session.add_all([individual, collective])
    db.session.flush()
    for n in range(people):
        p = person(union.root, 500 + n)
        db.session.add(AwardRecipient(event_id=event.id, category_id=individual.id, kind="individual",
                                      org_id=union.root.id, person_id=p.id, status="确定"))
        if n < paid:
            pay(project, p, 100_000, date(2025, 4, 28), aid="表彰奖励")
    for n in range(collectives):
        db.session.add(AwardRecipient(event_id=event.id, category_id=collective.id, kind="collective",
                                      org_id=union.root.id, collective_name=f"先进集体{n}", status="确定"))
    db.session.flush()


@pytest.fixture
def other_county(app):
    """An unrelated county union with its own admin (for scoping)."""
    org = OrgFactory(name="邻县总工会")
    return UserFactory(org=org, roles=["admin", "caseworker", "reviewer", "auditor"])


def complete(project, overall: str = "全年目标基本完成。") -> None:
    """Fill everything a submission needs: qualitative bands at full score, missing values, every reason."""
    from caseapp.evaluation import services
    from caseapp.evaluation.services import IndicatorChange

    services.set_overall(project, overall, as_of=date(2025, 12, 31))
    for row in services.project_result(project).indicators:
        if row.qualitative and row.score is None:
            services.update_indicator(project, row.indicator_id,
                                      IndicatorChange(band="达成年度指标", score=row.weight))
        elif row.score is None:
            text = "100%" if "前" in row.target_text else row.target_text.lstrip("≥≤")
            services.update_indicator(project, row.indicator_id,
                                      IndicatorChange(override_text=text, override_reason="按台账和佐证材料核实"))
    for row in services.project_result(project).indicators:
        if row.needs_reason:
            services.update_indicator(project, row.indicator_id, IndicatorChange(
                deviation_reason="实际执行与年初计划存在差异", improvement="加强年中监控，及时调整"))
