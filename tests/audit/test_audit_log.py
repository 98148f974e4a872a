"""The audit log records changes with actor and request id, is append-only, and is browsable by auditors."""
import io
import re

import openpyxl
import pytest
from sqlalchemy import select, text

from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.orgs.services import create_org
from tests.conftest import login
from tests.factories import OrgFactory, UserFactory


def _login(client, user):
    login(client, user)


def test_web_change_is_audited_with_request_id(client):
    root = OrgFactory()
    admin = UserFactory(org=root, roles=["admin"])
    _login(client, admin)
    resp = client.post("/orgs/", data={"parent_code": root.code, "code": "A-1", "name": "新镇工会"})
    assert resp.status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "org.create"))
    assert event.actor_id == admin.id and event.request_id and event.after["code"] == "A-1"


def test_audit_rows_cannot_be_changed(app, operator):
    create_org("R1", "根")
    db.session.flush()
    with pytest.raises(Exception, match="只增不改"):
        with db.session.begin_nested():
            db.session.execute(text("UPDATE audit_events SET action = 'forged'"))
    with pytest.raises(Exception, match="只增不改"):
        with db.session.begin_nested():
            db.session.execute(text("DELETE FROM audit_events"))


def test_auditor_browses_and_filters_caseworker_cannot(client):
    root = OrgFactory()
    auditor = UserFactory(org=root, roles=["auditor"])
    _login(client, auditor)  # the login itself is audited
    page = client.get("/audit/?action=user.")
    assert page.status_code == 200 and "user.login" in page.get_data(as_text=True)
    other = client.application.test_client()
    _login(other, UserFactory(org=root, roles=["caseworker"]))
    assert other.get("/audit/").status_code == 403


def test_log_is_in_words_names_dates_and_readable_changes(client):
    root = OrgFactory()
    admin = UserFactory(org=root, roles=["admin"], display_name="张管理")
    auditor = UserFactory(org=root, roles=["auditor"], display_name="李审计")
    _login(client, admin)
    client.post("/orgs/", data={"parent_code": root.code, "code": "W-2", "name": "王庄镇工会"})
    reader = client.application.test_client()
    _login(reader, auditor)
    page = reader.get(f"/audit/?actor={admin.id}").get_data(as_text=True)
    log = page.split('<table class="table audit-log">')[1]  # the filter's options carry the codes as values
    assert "张管理" in log and "新建组织" in log and "登录" in log
    assert "org.create" not in log and "organisations" not in log and "\\u" not in log
    assert "王庄镇工会" in log and "上级组织" in log
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", log)
    assert '<option value="%d" selected>张管理</option>' % admin.id in page
    only_orgs = reader.get("/audit/?action=org.").get_data(as_text=True)
    assert "新建组织" in only_orgs and "<td>登录</td>" not in only_orgs
    assert "没有符合条件的记录" in reader.get("/audit/?from=2000-01-01&to=2000-01-02").get_data(as_text=True)


def test_log_pages_and_export_for_auditors(client):
    from tests.xlsx import assert_print_ready

    root = OrgFactory()
    auditor = UserFactory(org=root, roles=["auditor"], display_name="李审计")
    from caseapp.core import context

    token = context.set_principal(context.OPERATOR)
    try:
        for n in range(55):
            create_org(f"P-{n}", f"第{n}镇工会", root.code)
        db.session.commit()
    finally:
        context.reset_principal(token)
    _login(client, auditor)
    first = client.get("/audit/?action=org.").get_data(as_text=True)
    assert "共 55 条，第 1 / 2 页" in first and "下一页" in first
    assert "共 55 条，第 2 / 2 页" in client.get("/audit/?action=org.&page=2").get_data(as_text=True)
    export = client.get("/audit/export.xlsx?action=org.")
    assert export.status_code == 200 and export.headers["Cache-Control"] == "no-store"
    ws = openpyxl.load_workbook(io.BytesIO(export.data)).active
    assert_print_ready(ws, header_row=4, title="审计日志")
    assert ws["A2"].value == "筛选条件：操作：组织"
    assert [c.value for c in ws[4]] == ["时间", "操作人", "操作", "对象", "说明", "变更内容", "来源", "请求编号"]
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    assert len(rows) == 55 and {r[2] for r in rows} == {"新建组织"} and rows[0][1] == "命令行操作员"
    assert "名称：第54镇工会" in rows[0][5] and "\\u" not in str(rows)
    other = client.application.test_client()
    _login(other, UserFactory(org=root, roles=["caseworker"]))
    assert other.get("/audit/export.xlsx").status_code == 403


def test_words_cover_every_recorded_action():
    """Every action code written in caseapp/ has a Chinese name (no code shown to auditors)."""
    from pathlib import Path

    from caseapp.audit import words
    from caseapp.payments.workflow import TRANSITIONS

    root = Path(words.__file__).parents[1]
    codes = set()
    for path in root.rglob("*.py"):
        codes |= set(re.findall(r"(?:record|values)\(\s*\"([a-z_]+\.[a-z_]+)\"", path.read_text("utf-8")))
    codes |= {f"payment.{name}" for name in TRANSITIONS}
    assert codes and not sorted(c for c in codes if c not in words.ACTIONS)


def test_changes_read_as_before_and_after():
    from caseapp.audit import words

    rows = words.changes({"status": "申请", "amount_fen": 100_000}, {"status": "在档", "amount_fen": 100_000,
                                                                    "paid_on": "2025-06-30", "roles": ["admin"]})
    assert [words.change_text(c) for c in rows] == ["状态：申请 → 在档", "发放日期：2025年6月30日", "角色：管理员"]
