"""Roster export (masked by default, formula-safe, full export audited) and templates."""
import io

import openpyxl
import pytest
from sqlalchemy import select

from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.core.errors import Forbidden
from caseapp.rosters import services
from tests.conftest import acting_as
from tests.factories import UserFactory
from tests.rosters.fakekind import TODAY, ids, xlsx

INJECTION = "=cmd|' /C calc'!A0"


def _sheet(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]


@pytest.fixture
def people(fake_kind, org, operator):
    numbers = ids(2)
    services.import_roster("fake", xlsx([["张三", numbers[0], "130434", None, INJECTION],
                                         ["李四", numbers[1], "130434", None, "+SUM(1)"]]),
                           filename="a.xlsx", today=TODAY)
    return numbers


def test_export_is_masked_by_default_and_formula_safe(people, org):
    with acting_as(UserFactory(org=org, roles=["auditor"])):
        ws = _sheet(services.export_roster("fake"))
    assert [c.value for c in ws[1]] == ["姓名", "身份证号", "所属工会", "类别", "备注"]
    assert ws["B2"].value == people[0][:4] + "*" * 10 + people[0][-4:]
    assert not any(n in str([[c.value for c in r] for r in ws.iter_rows()]) for n in people)
    assert (ws["E2"].value, ws["E2"].data_type) == (INJECTION, "s")
    assert (ws["E3"].value, ws["E3"].data_type) == ("+SUM(1)", "s")
    assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("roster.export%"))).all() == []


def test_full_export_is_audited_for_permitted_roles(people, org):
    with acting_as(UserFactory(org=org, roles=["finance"])):
        ws = _sheet(services.export_roster("fake", full=True))
    assert [ws["B2"].value, ws["B3"].value] == people
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "roster.export_full")).one()
    assert event.after["rows"] == 2 and event.actor_name.startswith("user")


def test_full_export_is_refused_to_auditors(people, org):
    with acting_as(UserFactory(org=org, roles=["auditor"])), pytest.raises(Forbidden):
        services.export_roster("fake", full=True)


def test_template_of_a_kind(fake_kind, operator):
    wb = openpyxl.load_workbook(io.BytesIO(services.template("fake")))
    ws = wb["测试花名册"]
    assert [c.value for c in ws[1]] == ["姓名", "身份证号", "所属工会", "类别", "备注"]
    assert ws.column_dimensions["B"].number_format == "@"
    assert [dv.formula1 for dv in ws.data_validations.dataValidation] == ['"甲,乙"']
    assert wb["填写说明"]["A2"].value == "姓名"
