"""The "modelworker" roster kind through the roster framework: import, re-import, errors, masked export."""
import io
from datetime import date

import openpyxl
from sqlalchemy import func, select

from caseapp.core.db import db
from caseapp.core.idnumber import make_id_number
from caseapp.modelworkers.models import ModelWorker
from caseapp.persons.models import Person
from caseapp.rosters import services as rosters
from tests.conftest import acting_as
from tests.xlsx import workbook

HEADERS = ["姓名", "身份证号", "手机号", "所属工会", "劳模级别", "荣誉称号", "授予年份", "是否困难劳模"]
ID1, ID2 = make_id_number(seq=201), make_id_number(seq=203)


def xlsx(rows) -> bytes:
    return workbook(HEADERS, rows)


def _rows(tree, hardship="否"):
    return [["周一", ID1, "13812345678", tree.town_a.code, "县级", "县级劳动模范", "2024", hardship],
            ["吴二", ID2, "", tree.town_a.name, "市级", "市级劳动模范", "2018", ""]]


def _import(data):
    return rosters.import_roster("modelworker", data, filename="劳模.xlsx", today=date(2025, 3, 1))


def test_import_then_reimport_updates_without_duplicates(tree):
    with acting_as(tree.worker_a):
        first = _import(xlsx(_rows(tree)))
        assert (first.rows, first.created, first.updated, first.errors) == (2, 2, 0, [])
        again = _import(xlsx(_rows(tree, hardship="是")))
        assert (again.created, again.updated) == (0, 1)
    assert db.session.scalar(select(func.count(ModelWorker.id))) == 2
    assert db.session.scalar(select(func.count(Person.id))) == 2
    zhou = db.session.scalars(select(ModelWorker).join(Person).where(Person.name == "周一")).one()
    assert zhou.is_hardship and zhou.level == "县级" and zhou.person.phone_masked == "138****5678"


def test_bad_rows_write_nothing_and_name_each_problem(tree):
    rows = _rows(tree)
    rows[0][1] = ID1[:-1] + ("0" if ID1[-1] != "0" else "1")
    rows[1][4], rows[1][6], rows[1][3] = "乡级", "1900", "不存在的工会"
    with acting_as(tree.worker_a):
        result = _import(xlsx(rows))
    found = {(e.row, e.column) for e in result.errors}
    assert {(2, "身份证号"), (3, "劳模级别"), (3, "授予年份"), (3, "所属工会")} <= found
    assert db.session.scalar(select(func.count(ModelWorker.id))) == 0


def test_export_is_masked_unless_full(tree):
    with acting_as(tree.worker_a):
        _import(xlsx(_rows(tree)))
        masked = openpyxl.load_workbook(io.BytesIO(rosters.export_roster("modelworker")))
        full = openpyxl.load_workbook(io.BytesIO(rosters.export_roster("modelworker", full=True)))
    masked_cells = [c.value for row in masked.active.iter_rows() for c in row]
    full_cells = [c.value for row in full.active.iter_rows() for c in row]
    assert ID1 not in masked_cells and ID1[:4] + "*" * 10 + ID1[-4:] in masked_cells
    assert "138****5678" in masked_cells
    assert ID1 in full_cells and "县级劳动模范" in full_cells
    with acting_as(tree.worker_b):
        other = openpyxl.load_workbook(io.BytesIO(rosters.export_roster("modelworker")))
    assert other.active.max_row <= 2 and "周一" not in [c.value for row in other.active.iter_rows() for c in row]
