"""Demo registry data: people with 困难职工档案, 劳模 records and the 2025 award event with nominees.

Everything goes through the same services as the pages (validation, encryption, audit). The people are
invented: names from a fixed list, 身份证号 built with valid check digits for 魏县 (130434), phone
numbers in an unassigned-looking range. Running it again adds nothing.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from caseapp.core.db import db
from caseapp.core.idnumber import make_id_number

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ("建国", "秀英", "桂兰", "志强", "海燕", "玉梅", "春生", "红霞", "永刚", "丽娟", "国庆", "淑芬")
CAUSES = ("因病", "因残", "因学", "失业/下岗", "单亲", "工伤", "因灾", "其他")
TOWNSHIPS = ("711101", "711102")
HARDSHIP_PEOPLE, FILED, MODEL_WORKERS, NOMINEES = 45, 40, 6, 12


def _person(i: int) -> dict:
    sex = "男" if i % 2 == 0 else "女"
    birth = date(1965 + i % 25, 1 + i % 12, 1 + i % 27)
    return {"name": SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)],
            "id_number": make_id_number(region="130434", birth=birth, seq=100 + i * 2 + (sex == "男"), sex=sex),
            "sex": sex, "phone": f"1390310{i:04d}", "org_code": TOWNSHIPS[i % 2], "work_unit": "魏县某某有限公司"}


def add_registry(created: list[str], existing: list[str]) -> None:
    """Add the demo people, files, 劳模 and award nominees unless persons already exist."""
    from caseapp.persons.models import Person

    if db.session.scalar(select(func.count(Person.id))):
        existing.append("演示人员、困难职工档案、劳模和评选提名")
        return
    _hardship_files()
    _model_workers()
    nominees = _award_nominees()
    created.append(f"演示困难职工档案 {HARDSHIP_PEOPLE} 份（在档 {FILED} 份）、劳模 {MODEL_WORKERS} 名、"
                   f"2025年评选活动提名 {nominees} 个")


def _thresholds() -> None:
    """Illustrative bounds (家庭人均月收入): 深度困难 up to ¥700.00, 相对困难 up to ¥1,050.00 — to confirm locally."""
    from caseapp.cases.thresholds import save_threshold
    from caseapp.orgs.services import get_by_code

    root = get_by_code("711001")
    for year in (2024, 2025):
        save_threshold(year, root, 70_000, 105_000, basis="演示数据：按当地低保标准的1倍和1.5倍设定，请按当年文件核定")


def _hardship_files() -> None:
    from caseapp.cases import services as cases

    _thresholds()
    for i in range(HARDSHIP_PEOPLE):
        size = 1 + i % 4
        income = size * (50_000 + (i % 6) * 10_000)  # ¥500.00–¥1,000.00 per head and month
        data = {"main_cause": CAUSES[i % len(CAUSES)], "family_size": size, "family_income_fen": income,
                "own_income_fen": income // size, "applied_on": date(2024, 11, 1)}
        f = cases.register_and_open(_person(i), data, today=date(2024, 11, 1))
        if i < FILED:
            cases.change_status(f, "在档", on=date(2024, 12, 2))


def _model_workers() -> None:
    from caseapp.modelworkers.services import create_model_worker

    levels = ("县级", "市级", "省部级")
    for i in range(MODEL_WORKERS):
        p = _person(100 + i)
        create_model_worker(name=p["name"], id_number=p["id_number"], org_code=p["org_code"], phone=p["phone"],
                            level=levels[i % 3], title=f"{levels[i % 3]}劳动模范", year_awarded=2015 + i,
                            awarded_by="魏县人民政府" if i % 3 == 0 else "邯郸市人民政府",
                            is_hardship=i < 2, hardship_reason="因病致困" if i < 2 else "")


def _award_nominees() -> int:
    from caseapp.awards import recipients, services as awards
    from caseapp.awards.models import AwardCategory
    from caseapp.budgets.models import Project

    project = db.session.scalar(select(Project).where(Project.year == 2025, Project.name.contains("评选")))
    if project is None:
        return 0
    event = awards.create_event(project_id=project.id, name="2025年县级劳模和先进集体评选", held_on=date(2025, 4, 28))
    categories = list(db.session.scalars(select(AwardCategory).where(AwardCategory.event_id == event.id)))
    person_cat = next(c for c in categories if c.kind == "individual")
    group_cat = next((c for c in categories if c.kind == "collective"), None)
    for i in range(NOMINEES):
        p = _person(200 + i)
        recipients.nominate_person(event, person_cat, name=p["name"], id_number=p["id_number"],
                                   org_code=p["org_code"], phone=p["phone"])
    if group_cat is not None:
        recipients.nominate_collective(event, group_cat, name=None, org_code="71110101",
                                       contact_name="刘海燕", contact_phone="13903101234")
    return NOMINEES + (group_cat is not None)
