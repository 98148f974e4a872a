"""Roster pages: upload with every error listed and an error workbook, exports, permissions."""
import io

import openpyxl
from sqlalchemy import func, select

from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.persons.models import Person
from tests.conftest import login
from tests.factories import UserFactory
from tests.rosters.fakekind import ids, xlsx


def _client(app, org, role):
    client = app.test_client()
    login(client, UserFactory(org=org, roles=[role]))
    return client


def _upload(client, data, **form):
    return client.post("/rosters/fake/import", data={"file": (io.BytesIO(data), "花名册.xlsx"), **form},
                       content_type="multipart/form-data")


def test_index_offers_template_upload_and_exports(app, fake_kind, org):
    page = _client(app, org, "caseworker").get("/rosters/").get_data(as_text=True)
    assert "测试花名册" in page and "下载导入模板" in page and "上传并导入" in page and "导出完整信息" in page
    auditor_page = _client(app, org, "auditor").get("/rosters/").get_data(as_text=True)
    assert "上传并导入" not in auditor_page and "导出完整信息" not in auditor_page and "导出（脱敏）" in auditor_page
    assert "花名册导入导出" in auditor_page  # navigation entry


def test_template_download(app, fake_kind, org):
    resp = _client(app, org, "leader").get("/rosters/fake/template")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    assert openpyxl.load_workbook(io.BytesIO(resp.data)).sheetnames[:2] == ["测试花名册", "填写说明"]


def test_upload_with_errors_lists_them_and_offers_the_error_workbook(app, fake_kind, org):
    client = _client(app, org, "caseworker")
    good = ids(1)[0]
    page = _upload(client, xlsx([["张三", good, "130434"], ["李四", "123", "130434"]])).get_data(as_text=True)
    assert "发现 1 处错误，整个文件均未导入" in page
    assert "<td class=\"num\">3</td><td>身份证号</td><td>身份证号应为18位，现在是3位</td>" in page
    assert good not in page
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0
    resp = client.get("/rosters/errors.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][0] == "行号" and rows[0][-1] == "错误" and len(rows) == 2  # the header and the one row at fault
    assert rows[1][0] == 3 and rows[1][-1] == "身份证号：身份证号应为18位，现在是3位" and good not in str(rows)
    other = _client(app, org, "caseworker")
    assert other.get("/rosters/errors.xlsx").status_code == 404  # token lives in the uploader's session


def test_successful_upload_and_whole_file_refusal(app, fake_kind, org):
    client = _client(app, org, "caseworker")
    page = _upload(client, xlsx([["张三", n, "130434"] for n in ids(2)])).get_data(as_text=True)
    assert "导入成功：新增 2 人，更新 0 人" in page
    resp = _upload(client, xlsx([["张三"]], headers=["姓名"]))  # refused: a 422 page, not a redirect
    assert resp.status_code == 422 and "缺少必需的列：身份证号、所属工会" in resp.get_data(as_text=True)
    assert 'href="/rosters/"' in resp.get_data(as_text=True)  # back to the upload


def test_reviewer_cannot_upload(app, fake_kind, org):
    assert _upload(_client(app, org, "reviewer"), xlsx([["张三", ids(1)[0], "130434"]])).status_code == 403


def test_exports_masked_by_get_full_by_audited_post(app, fake_kind, org):
    client = _client(app, org, "caseworker")
    number = ids(1)[0]
    _upload(client, xlsx([["张三", number, "130434"]]))
    masked = openpyxl.load_workbook(io.BytesIO(client.get("/rosters/fake/export").data)).active
    assert masked["B2"].value != number and masked["B2"].value.endswith(number[-4:])
    full = openpyxl.load_workbook(io.BytesIO(client.post("/rosters/fake/export-full").data)).active
    assert full["B2"].value == number
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "roster.export_full")) == 1
    assert _client(app, org, "auditor").post("/rosters/fake/export-full").status_code == 403
