"""The "award" roster kind: categories of the chosen event, person vs collective rows, re-import, export."""
import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from caseapp.awards import recipients, services
from caseapp.awards.models import AwardRecipient
from caseapp.core.db import db
from caseapp.core.idnumber import make_id_number
from caseapp.rosters import services as rosters
from tests.conftest import acting_as

ID1 = make_id_number(seq=301)


def xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["类别", "姓名或集体名称", "身份证号", "所属工会"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def event(award_project, tree):
    with acting_as(tree.admin):
        return services.create_event(project_id=award_project.id, name="2025年评选", held_on=date(2025, 4, 20))


def _import(event, rows):
    return rosters.import_roster("award", xlsx(rows), filename="名单.xlsx", event_id=event.id,
                                 today=date(2025, 3, 1))


def test_import_individuals_and_collectives_then_reimport(tree, event):
    rows = [["先进劳模", "郑三", ID1, tree.town_a.code], ["先进集体", "东代固乡工会", "", tree.town_a.code],
            ["先进集体", "东代固乡某厂一车间", "", tree.town_a.name]]
    with acting_as(tree.worker_a):
        result = _import(event, rows)
        assert (result.created, result.updated, result.errors) == (3, 0, [])
        assert _import(event, rows).created == 0
    got = {r.display_name: (r.kind, r.status, r.collective_org_id) for r in db.session.scalars(select(AwardRecipient))}
    assert got == {"郑三": ("individual", "提名", None), "东代固乡工会": ("collective", "提名", tree.town_a.id),
                   "东代固乡某厂一车间": ("collective", "提名", None)}
    assert db.session.scalar(select(func.count(AwardRecipient.id))) == 3


def test_row_errors_for_kind_mismatch_and_unknown_category(tree, event):
    rows = [["先进劳模", "郑三", "", tree.town_a.code], ["先进集体", "某集体", ID1, tree.town_a.code],
            ["优秀志愿者", "钱四", ID1, tree.town_a.code]]
    with acting_as(tree.worker_a):
        result = _import(event, rows)
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert (2, "身份证号") in messages
    assert "身份证号请留空" in messages[(3, "身份证号")]
    assert "没有类别“优秀志愿者”" in messages[(4, "类别")]
    assert db.session.scalar(select(func.count(AwardRecipient.id))) == 0


def test_export_masked_and_withdrawn_left_out(tree, event):
    with acting_as(tree.worker_a):
        _import(event, [["先进劳模", "郑三", ID1, tree.town_a.code], ["先进集体", "某集体", "", tree.town_a.code]])
        collective = db.session.scalars(select(AwardRecipient).where(AwardRecipient.kind == "collective")).one()
        recipients.withdraw_recipient(collective)
        sheet = openpyxl.load_workbook(io.BytesIO(rosters.export_roster("award", event_id=event.id))).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "郑三" in values and ID1 not in values and ID1[:4] + "*" * 10 + ID1[-4:] in values
    assert "某集体" not in values
