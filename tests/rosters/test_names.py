"""A roster row never renames a person: it is a row error naming both names, unless the user corrects names."""
from datetime import date

from sqlalchemy import select

from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.core.idnumber import make_id_number
from caseapp.modelworkers.models import ModelWorker
from caseapp.rosters import services
from tests.conftest import acting_as
from tests.modelworkers.conftest import make_person, tree  # noqa: F401  (the fixture)
from tests.xlsx import workbook

HEADERS = ["姓名", "身份证号", "手机号", "所属工会", "劳模级别", "荣誉称号", "授予年份"]


def _import(tree, **options):
    data = workbook(HEADERS, [["李春花", make_id_number(seq=31, sex=None), "", tree.town_a.code, "县级",
                               "县级劳动模范", "2024"]])
    with acting_as(tree.worker_a):
        return services.import_roster("modelworker", data, filename="劳模.xlsx", today=date(2025, 6, 2), **options)


def test_a_row_with_another_name_is_an_error_and_nothing_is_written(tree):
    person = make_person(tree.town_a, seq=31, name="张三")
    result = _import(tree)
    assert [(e.row, e.column) for e in result.errors] == [(2, "姓名")]
    assert "张三" in result.errors[0].message and "李春花" in result.errors[0].message
    assert person.id_masked in result.errors[0].message
    db.session.expire_all()
    assert person.name == "张三" and db.session.scalars(select(ModelWorker)).all() == []


def test_correcting_names_renames_with_an_audit_row_per_person(tree):
    person = make_person(tree.town_a, seq=31, name="张三")
    result = _import(tree, correct_names=True)
    assert result.ok and result.created == 1
    db.session.expire_all()
    assert person.name == "李春花"
    renamed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.rename")).one()
    assert renamed.object_id == str(person.id) and renamed.before == {"name": "张三"}
