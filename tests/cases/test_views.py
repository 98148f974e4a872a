"""Case-file pages: new with family members, filters, status changes, history, scope, auditors read-only."""
from datetime import date

from sqlalchemy import select

from caseapp.cases.models import HardshipFile
from caseapp.core.db import db
from tests.cases.helpers import open_file_for
from tests.conftest import login
from tests.persons.people import new_id, org_tree, user_in


def _new_form(t, number, **extra):
    return {"name": "刘洋", "id_number": number, "org_code": t.town_a.code, "phone": "13812345678",
            "family_size": "3", "family_income_fen": "3000.00", "own_income_fen": "1200", "main_cause": "因病",
            "secondary_causes": ["因学", "失业/下岗"], "needs": ["金秋助学"], "category": "相对困难",
            "members-0-name": "陈红", "members-0-relation": "配偶", "members-0-id_number": new_id("女"),
            "members-0-income_fen": "1800.5", "members-1-name": "", **extra}


def test_new_file_registers_the_person_and_members(app, client):
    t = org_tree()
    login(client, user_in(t.town_a))
    assert "家庭成员" in client.get("/cases/new").get_data(as_text=True)
    number = new_id()
    resp = client.post("/cases/new", data=_new_form(t, number))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    f = db.session.scalar(select(HardshipFile))
    assert (f.family_income_fen, f.per_capita_fen, f.secondary_causes) == (300_000, 100_000, ["因学", "失业/下岗"])
    assert [(m.name, m.income_fen) for m in f.members] == [("陈红", 180_050)]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "刘洋" in page and "¥1,000.00" in page and number not in page and "新建 → 申请" in page


def test_new_file_form_errors_are_chinese_and_422(app, client):
    t = org_tree()
    login(client, user_in(t.town_a))
    resp = client.post("/cases/new", data=_new_form(t, new_id(), secondary_causes=["因学", "因灾", "工伤", "单亲"]))
    assert resp.status_code == 422 and "最多 3 项" in resp.get_data(as_text=True)
    resp = client.post("/cases/new", data=_new_form(t, new_id(), **{"members-0-id_number": "123"}))
    assert resp.status_code == 422 and "身份证号应为18位" in resp.get_data(as_text=True)
    assert db.session.scalar(select(HardshipFile)) is None


def test_list_filters_and_status_change_with_history(app, client):
    t = org_tree()
    maker = user_in(t.town_a)
    a = open_file_for(maker, "甲", data={"category": "深度困难"})
    open_file_for(user_in(t.town_b), "乙")
    reviewer = user_in(t.county, "reviewer")
    login(client, reviewer)
    page = client.get("/cases/?category=深度困难").get_data(as_text=True)
    assert "甲" in page and "乙" not in page
    assert "乙" in client.get(f"/cases/?org={t.town_b.id}").get_data(as_text=True)
    resp = client.post(f"/cases/{a.id}/status", data={"to_status": "在档", "on": "2025-03-10"})
    assert resp.status_code == 302
    due = client.get("/cases/?due_by=2026-03-31").get_data(as_text=True)
    assert "甲" in due and "乙" not in due
    detail = client.get(f"/cases/{a.id}").get_data(as_text=True)
    assert "申请 → 在档" in detail and "2026年3月10日" in detail
    resp = client.post(f"/cases/{a.id}/review", data={"on": "2026-03-01", "note": "复核无变化"})
    assert resp.status_code == 302 and a.review_due == date(2027, 3, 1)


def test_edit_changes_members_and_keeps_their_numbers(app, client):
    t = org_tree()
    user = user_in(t.town_a)
    spouse = new_id("女")
    f = open_file_for(user, members=[{"name": "陈红", "relation": "配偶", "id_number": spouse}])
    login(client, user)
    form = client.get(f"/cases/{f.id}/edit").get_data(as_text=True)
    assert spouse not in form and spouse[-4:] in form
    data = {"family_size": "4", "family_income_fen": "3000", "main_cause": "因病", "category": "相对困难",
            "members-0-id": str(f.members[0].id), "members-0-name": "陈红", "members-0-relation": "配偶",
            "members-1-name": "刘小", "members-1-relation": "子女"}
    assert client.post(f"/cases/{f.id}/edit", data=data).status_code == 302
    db.session.refresh(f)
    assert [(m.name, m.id_number) for m in f.members] == [("陈红", spouse), ("刘小", None)]
    assert f.family_size == 4


def test_every_case_route_with_an_id_is_404_outside_scope(app, client):
    t = org_tree()
    f = open_file_for(user_in(t.town_a))
    login(client, user_in(t.town_b, "caseworker", "reviewer"))
    assert client.get(f"/cases/{f.id}").status_code == 404
    assert client.get(f"/cases/{f.id}/edit").status_code == 404
    assert client.post(f"/cases/{f.id}/edit", data={"family_size": "1"}).status_code == 404
    assert client.post(f"/cases/{f.id}/status", data={"to_status": "在档", "on": "2025-03-10"}).status_code == 404
    assert client.post(f"/cases/{f.id}/review", data={"on": "2025-03-10"}).status_code == 404
    assert "没有符合条件的档案" in client.get("/cases/").get_data(as_text=True)


def test_auditor_reads_but_changes_nothing(app, client):
    t = org_tree()
    f = open_file_for(user_in(t.town_a))
    login(client, user_in(t.county, "auditor"))
    assert client.get(f"/cases/{f.id}").status_code == 200
    assert client.get("/cases/thresholds").status_code == 200
    assert client.get("/cases/new").status_code == 403
    assert client.get(f"/cases/{f.id}/edit").status_code == 403
    assert client.post(f"/cases/{f.id}/status", data={"to_status": "退档", "reason": "死亡",
                                                       "on": "2025-03-10"}).status_code == 403
    assert client.post("/cases/thresholds", data={"year": "2025", "org_code": t.county.code,
                                                  "deep_max_fen": "500", "relative_max_fen": "900"}).status_code == 403
    assert f.status == "申请"


def test_admin_edits_thresholds(app, client):
    t = org_tree()
    login(client, user_in(t.county, "admin"))
    data = {"year": "2025", "org_code": t.county.code, "deep_max_fen": "600", "relative_max_fen": "1200",
            "basis": "低保标准×1.5（待确认）"}
    assert client.post("/cases/thresholds", data=data).status_code == 302
    bad = client.post("/cases/thresholds", data={**data, "relative_max_fen": "100"})
    assert bad.status_code == 422 and "不能低于深度困难上限" in bad.get_data(as_text=True)
    page = client.get("/cases/thresholds").get_data(as_text=True)
    assert "¥600.00" in page and "¥1,200.00" in page


def test_list_search_by_name_or_full_id_never_in_the_url(app, client):
    t = org_tree()
    login(client, user_in(t.town_a))
    numbers = [new_id(), new_id()]
    for name, number in zip(("张明", "李华"), numbers):
        assert client.post("/cases/new", data=_new_form(t, number, name=name)).status_code == 302
    resp = client.post("/cases/search", data={"q": numbers[1], "status": "申请"})
    location = resp.headers["Location"]
    assert resp.status_code == 302 and numbers[1] not in location and "t=" in location and "status=" in location
    page = client.get(location).get_data(as_text=True)
    assert "李华" in page and "张明" not in page and numbers[1] not in page
    page = client.get(client.post("/cases/search", data={"q": "张"}).headers["Location"]).get_data(as_text=True)
    assert "张明" in page and "李华" not in page
    bad = client.post("/cases/search", data={"q": "13043419800101001"}, follow_redirects=True)
    assert "身份证号" in bad.get_data(as_text=True)
