"""The survey pages as users see them: create, answer one by one, import, close, findings; Chinese refusals."""
import io
import re

from sqlalchemy import select

from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.surveys.models import Survey
from tests.conftest import login
from tests.surveys.helpers import fill_sheet, pay, people


def _new_survey(client, world, **fields) -> int:
    data = {"project_id": world.project.id, "aid_type_id": 0, "method": "phone", "sampling": "random",
            "confidence": "0.95", "margin": "0.05", "strata": "", "seed": "31", "no_phone": "visit",
            "reserve_percent": 20, "unreachable_attempts": 3, "rule": "binary", **fields}
    resp = client.post("/surveys/", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    return int(resp.headers["Location"].rstrip("/").split("/")[-1])


def test_create_then_answer_one_person_after_another(client, world):
    pay(world.project, people(world.town_a, 39))
    login(client, world.caseworker)
    sid = _new_survey(client, world)
    page = client.get(f"/surveys/{sid}").get_data(as_text=True)
    assert "抽样框 N</th><td>39人" in page and "n₀ = z²·p(1−p)/e² = 384.15" in page and "<code>31</code>" in page
    assert "用同一抽样框和种子重抽，结果一致" in page and "回访名单（36人）" in page
    first = client.get(f"/surveys/{sid}/call")
    assert first.status_code == 200 and "****" in first.get_data(as_text=True)
    assert "显示完整号码" not in first.get_data(as_text=True)  # a caseworker sees masked phones only
    member = int(re.search(rf'action="/surveys/{sid}/call/(\d+)"', first.get_data(as_text=True)).group(1))
    saved = client.post(f"/surveys/{sid}/call/{member}", data={"outcome": "完成", "satisfaction": "满意"})
    assert saved.status_code == 302 and f"/surveys/{sid}/call/" in saved.headers["Location"]
    assert not saved.headers["Location"].endswith(f"/{member}")
    missing = client.post(f"/surveys/{sid}/call/{member}", data={"outcome": "完成"})
    assert missing.status_code == 422 and "必须填写总体满意度" in missing.get_data(as_text=True)
    closed = client.post(f"/surveys/{sid}/close", follow_redirects=True).get_data(as_text=True)
    assert "调查已结束：满意率100.0%" in closed


def test_surveyor_sees_the_full_phone_and_it_is_audited(client, world):
    pay(world.project, people(world.town_a, 3))
    login(client, world.caseworker)
    sid = _new_survey(client, world, sampling="full")
    client.post("/logout")
    login(client, world.surveyor)
    member = db.session.scalar(select(Survey).where(Survey.id == sid))
    page = client.get(f"/surveys/{sid}/call").get_data(as_text=True)
    mid = int(re.search(rf'/surveys/{sid}/call/(\d+)/phone', page).group(1))
    shown = client.post(f"/surveys/{sid}/call/{mid}/phone")
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    assert re.search(r"<strong>139\d{8}</strong>", shown.get_data(as_text=True))
    assert db.session.scalar(select(AuditEvent.actor_name).where(AuditEvent.action == "survey.view_phone")) \
        == world.surveyor.username
    assert member is not None


def test_import_errors_are_listed_and_nothing_is_written(client, world):
    pay(world.project, people(world.town_a, 5))
    login(client, world.caseworker)
    sid = _new_survey(client, world, sampling="full")
    sheet = client.get(f"/surveys/{sid}/sheet.xlsx")
    assert sheet.status_code == 200
    bad = fill_sheet(sheet.data, {0: {"回访结果": "完成", "总体满意度": "满意"}, 1: {"回访结果": "打不通"}})
    resp = client.post(f"/surveys/{sid}/import", data={"file": (io.BytesIO(bad), "回访表.xlsx")},
                       content_type="multipart/form-data")
    text = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "整个文件未导入" in text and "“打不通”不是允许的值" in text
    assert "尚未拨打" not in text
    detail = client.get(f"/surveys/{sid}").get_data(as_text=True)
    assert "完成 0" in detail
    junk = client.post(f"/surveys/{sid}/import", data={"file": (io.BytesIO(b"not a workbook"), "x.xlsx")},
                       content_type="multipart/form-data")
    assert junk.status_code == 422 and "error-page" in junk.get_data(as_text=True)


def test_bad_form_input_gets_a_chinese_422(client, world):
    pay(world.project, people(world.town_a, 3))
    login(client, world.caseworker)
    resp = client.post("/surveys/", data={"project_id": world.project.id, "aid_type_id": 0, "method": "phone",
                                          "sampling": "fixed", "seed": "99999999999", "no_phone": "visit",
                                          "reserve_percent": 20, "unreachable_attempts": 3, "rule": "binary",
                                          "strata": "", "confidence": "2"})
    text = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "随机种子应为" in text and "置信度应在" in text


def test_another_township_sees_nothing(client, world):
    pay(world.project, people(world.town_b, 3))
    login(client, world.caseworker)
    sid = _new_survey(client, world, sampling="full")
    client.post("/logout")
    login(client, world.town_worker)
    assert client.get(f"/surveys/{sid}").status_code == 404
    assert client.get(f"/surveys/{sid}/sheet.xlsx").status_code == 404
    assert "还没有满意度调查" in client.get("/surveys/").get_data(as_text=True)
