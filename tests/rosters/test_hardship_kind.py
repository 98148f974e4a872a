"""The real 困难职工 kind through the framework (skipped until caseapp/cases/roster.py exists)."""
import importlib.util
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from caseapp.core.db import db
from caseapp.persons.models import Person
from caseapp.rosters import services
from caseapp.rosters.base import get_kind
from tests.rosters.fakekind import TODAY, ids

pytestmark = pytest.mark.skipif(importlib.util.find_spec("caseapp.cases.roster") is None,
                                reason="hardship roster kind not written yet")
SAMPLE = {"姓名": "张三", "手机号": "13812345678", "所属工会": "130434", "家庭人口": "3",
          "家庭月总收入(元)": "1500", "开户银行": "中国农业银行", "银行账号": "6228480000000001"}


def _roster(numbers, overrides=None) -> bytes:
    columns = get_kind("hardship").columns
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([c.header for c in columns])
    for n in numbers:
        values = {**SAMPLE, "身份证号": n, **(overrides or {})}
        ws.append([values.get(c.header, c.choices[0] if c.choices else "") for c in columns])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_hardship_template_has_text_id_column_and_dropdowns(operator):
    wb = openpyxl.load_workbook(io.BytesIO(services.template("hardship")))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(headers.index("身份证号") + 1)].number_format == "@"
    assert ws.data_validations.dataValidation and "填写说明" in wb.sheetnames


def test_hardship_import_is_all_or_nothing_and_reimport_updates(org, operator):
    numbers = ids(3)
    bad = services.import_roster("hardship", _roster(numbers[:2] + ["123"]), filename="h.xlsx", today=TODAY)
    assert [(e.row, e.column) for e in bad.errors] == [(4, "身份证号")]
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0
    first = services.import_roster("hardship", _roster(numbers), filename="h.xlsx", today=TODAY)
    assert (first.created, first.updated, first.errors) == (3, 0, [])
    again = services.import_roster("hardship", _roster(numbers), filename="h.xlsx", today=TODAY)
    assert (again.created, again.updated) == (0, 3)
    assert db.session.scalar(select(func.count()).select_from(Person)) == 3
    masked = openpyxl.load_workbook(io.BytesIO(services.export_roster("hardship"))).worksheets[0]
    assert not any(n in str([[c.value for c in r] for r in masked.iter_rows()]) for n in numbers)


def test_an_import_is_one_audit_event(org, operator):
    from caseapp.core.audit import AuditEvent

    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    services.import_roster("hardship", _roster(ids(4)), filename="h.xlsx", today=TODAY)
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id).offset(before)).all()
    assert [e.action for e in events] == ["roster.import"]
    assert events[0].after["created"] == 4 and not any(n in str(events[0].after) for n in ids(4))
