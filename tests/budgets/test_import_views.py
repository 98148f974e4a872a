"""The admin's web flow: upload → preview → confirm, the rules page, the check page and the dashboard."""
import io
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.conftest import login
from tests.budgets.test_importer import AID, AWARD, FUNDS, HOSTILE, row_counts, seed_bytes
from tests.factories import OrgFactory, UserFactory

from caseapp.budgets.models import Project, Rule
from caseapp.core.db import db
from caseapp.core.stash import StashedFile


@pytest.fixture
def root(app):
    return OrgFactory(code="711001", name="魏县总工会")


@pytest.fixture
def admin_client(app, root):
    client = app.test_client()
    login(client, UserFactory(org=root, roles=["admin"]))
    return client


def _upload(client, data=None, name="weixian.docx", year=""):
    return client.post("/budgets/import", data={"document": (io.BytesIO(data or seed_bytes()), name),
                                                "year": year, "org_code": "711001"},
                       content_type="multipart/form-data")


def _stored(app) -> list[int]:
    """Pending uploads kept for a later request (in the database, never under the instance folder)."""
    assert not (Path(app.instance_path) / "imports").exists()
    return list(db.session.scalars(select(StashedFile.id).where(StashedFile.kind == "budget_import")))


def test_upload_preview_confirm(app, admin_client):
    assert "导入部门预算绩效文本" in admin_client.get("/budgets/import").get_data(as_text=True)
    before = len(_stored(app))
    resp = _upload(admin_client)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/budgets/import/preview")
    assert len(_stored(app)) == before + 1
    assert len(admin_client.get_cookie("session").value) < 1000  # only a token, never the document
    page = admin_client.get("/budgets/import/preview").get_data(as_text=True)
    for text in ("工会经费", "¥1,900,000.00", "¥476,600.00", "≥95%", "≥ 95 %", "表彰人数不超过100人",
                 "新增", "6月底", "尚未写入任何数据"):
        assert text in page, text
    assert db.session.scalar(select(Project.id)) is None
    resp = admin_client.post("/budgets/import/confirm", data={})
    assert resp.status_code == 302 and "/dashboard?year=2025" in resp.headers["Location"]
    dashboard = admin_client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "已导入2025年绩效目标：新增3个项目" in dashboard
    assert "4 个问题" in dashboard and "sev-error" in dashboard
    assert sorted(db.session.scalars(select(Project.code))) == sorted([FUNDS, AID, AWARD])
    assert len(_stored(app)) == before
    assert admin_client.get("/budgets/import/preview").status_code == 302  # nothing pending any more


def test_reimport_shows_changes_and_rule_rematch(app, admin_client):
    _upload(admin_client)
    admin_client.post("/budgets/import/confirm", data={})
    _upload(admin_client)
    page = admin_client.get("/budgets/import/preview").get_data(as_text=True)
    assert "无变化 3 个" in page
    cap_index = next(r.id for r in db.session.scalars(select(Rule).order_by(Rule.id)) if r.kind == "headcount_cap")
    first_id = db.session.scalar(select(Rule.id).order_by(Rule.id))
    admin_client.post("/budgets/import/confirm", data={f"rule_{cap_index - first_id}": FUNDS})
    rules = db.session.scalars(select(Rule)).all()
    assert len(rules) == 15
    assert next(r for r in rules if r.kind == "headcount_cap").project.code == FUNDS


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_upload_refused(app, admin_client, case):
    name, data, word = HOSTILE[case]
    before, stored = row_counts(), len(_stored(app))
    resp = _upload(admin_client, data, name)
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    assert word in body
    assert row_counts() == before and len(_stored(app)) == stored


def test_doc_extension_gets_save_as_hint(admin_client):
    resp = _upload(admin_client, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.doc")
    assert "另存为 .docx" in resp.get_data(as_text=True)


def test_non_admin_gets_403(app, root):
    client = app.test_client()
    login(client, UserFactory(org=root, roles=["reviewer"]))
    assert client.get("/budgets/import").status_code == 403
    assert _upload(client).status_code == 403
    assert client.post("/budgets/import/confirm").status_code == 403
    assert client.get("/budgets/check?year=2025").status_code == 200
    assert client.get("/budgets/rules?year=2025").status_code == 200


def test_rules_page_confirm_reject_rematch(app, admin_client):
    _upload(admin_client)
    admin_client.post("/budgets/import/confirm", data={})
    page = admin_client.get("/budgets/rules?year=2025").get_data(as_text=True)
    assert "每个人奖励1000元" in page and "待确认" in page
    cap = db.session.scalar(select(Rule).where(Rule.kind == "headcount_cap"))
    resp = admin_client.post(f"/budgets/rules/{cap.id}", data={"action": "reject", "project_code": AWARD})
    assert resp.status_code == 302
    db.session.refresh(cap)
    assert cap.status == "rejected"
    check = admin_client.get("/budgets/check?year=2025").get_data(as_text=True)
    assert "sev-error" not in check and "sev-warning" in check
    admin_client.post(f"/budgets/rules/{cap.id}", data={"action": "confirm", "project_code": AWARD})
    check = admin_client.get("/budgets/check?year=2025").get_data(as_text=True)
    assert "sev-error" in check and "¥100,000.00" in check and "¥50,000.00" in check
    assert admin_client.post(f"/budgets/rules/{cap.id}", data={"action": "confirm",
                                                                "project_code": "NOPE"}).status_code == 422


def test_project_page_links_rules_and_check(app, admin_client):
    _upload(admin_client)
    admin_client.post("/budgets/import/confirm", data={})
    award = db.session.scalar(select(Project).where(Project.code == AWARD))
    page = admin_client.get(f"/projects/{award.id}").get_data(as_text=True)
    assert "/budgets/rules?year=2025" in page and "/budgets/check?year=2025" in page
    assert "表彰人数不超过100人" in page and "≥95%" in page and "<th>解析</th>" not in page  # no internal column


def test_preview_asks_and_answers_finish_the_import(app, admin_client):
    from tests.budgets.docgen import build
    from tests.budgets.provinces import neighbour

    assert _upload(admin_client, build(neighbour()), "大名县.docx").status_code == 302
    page = admin_client.get("/budgets/import/preview").get_data(as_text=True)
    assert "需要您确认（2 项）" in page and "预算数（万元）" in page and 'name="year"' in page
    assert '<option value="万元" selected>' in page and "disabled" in page
    resp = admin_client.post("/budgets/import/confirm", data={})  # refused: a 422 naming what is open
    assert resp.status_code == 422 and db.session.scalar(select(Project.id)) is None
    assert "还有2个问题需要回答" in resp.get_data(as_text=True)
    admin_client.post("/budgets/import/answers", data={"year": "2025", "unit": "万元"})
    page = admin_client.get("/budgets/import/preview").get_data(as_text=True)
    assert "需要您确认" not in page and "¥1,250,000.00" in page and "系统生成（按名称识别）" in page
    admin_client.post("/budgets/import/answers", data={"code::工会经费": "DM-001"})
    assert "DM-001" in admin_client.get("/budgets/import/preview").get_data(as_text=True)
    resp = admin_client.post("/budgets/import/confirm", data={})
    assert "/dashboard?year=2025" in resp.headers["Location"]
    codes = set(db.session.scalars(select(Project.code)))
    assert "DM-001" in codes and len(codes) == 5
    assert len(_stored(app)) == 0 and not list((Path(app.instance_path) / "imports").glob("*.json"))


def test_xlsx_upload_and_column_questions(app, admin_client):
    from tests.budgets.layout import to_xlsx
    from tests.budgets.provinces import unmapped_columns

    assert _upload(admin_client, to_xlsx(unmapped_columns()), "表.xlsx").status_code == 302
    page = admin_client.get("/budgets/import/preview").get_data(as_text=True)
    assert "考核内容" in page and 'name="column::考核内容"' in page and "慰问困难职工人数" in page
    admin_client.post("/budgets/import/answers", data={"column::考核方向": "level1", "column::考核内容": "level3",
                                                       "column::目标": "target"})
    page = admin_client.get("/budgets/import/preview").get_data(as_text=True)
    assert "需要您确认" not in page and "≥100人" in page
    admin_client.post("/budgets/import/confirm", data={})
    assert db.session.scalar(select(Project.name)) == "送温暖慰问"


def test_answers_are_validated(app, admin_client):
    _upload(admin_client)
    resp = admin_client.post("/budgets/import/answers", data={"unit": "千克"})
    assert resp.status_code == 422 and "金额单位“千克”只能是万元或元" in resp.get_data(as_text=True)


@pytest.mark.parametrize(("name", "hint"), [("old.xls", "请在 Excel 中另存为 .xlsx"), ("notes.txt", "只能上传 .docx 或 .xlsx")])
def test_wrong_extensions(admin_client, name, hint):
    resp = _upload(admin_client, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, name)
    assert resp.status_code == 422 and hint in resp.get_data(as_text=True)
