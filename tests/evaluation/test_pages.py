"""The pages, the command line and the API over the same services."""
import json
from datetime import date

from caseapp.evaluation import services
from tests.conftest import acting_as
from tests.e2e.browser import Browser
from tests.evaluation.conftest import AID, AWARD, FUNDS, aid_paid_to, award_given, complete


def test_year_page_lists_every_project_with_score_and_state(app, union):
    aid_paid_to(union, paid=30)
    page = Browser(app, union.users["auditor"]).page("/evaluation/?year=2025")
    for name in ("工会经费", "困难职工及劳模帮扶救助专项资金", "评选县级劳模"):
        assert name in page
    assert "未开始" in page and "导出全部自评表" in page and "75.54" in page


def test_project_page_shows_deviations_and_the_editor_fixes_them(app, union):
    aid_paid_to(union, paid=30)
    project, indicator = union.project(AID), union.indicator(AID, "救助人数")
    editor = Browser(app, union.users["finance"])
    page = editor.page(f"/evaluation/projects/{project.id}")
    assert "须说明偏差原因和改进措施" in page and "“救助人数”未得满分" in page
    assert "文件自身的矛盾" in page and "文字部分帮扶救助率 90%" in page  # the prose against the table
    assert f"/evaluation/projects/{project.id}/indicators/{indicator.id}" in page
    shown = editor.follow(f"/evaluation/projects/{project.id}/indicators/{indicator.id}", {
        "deviation_reason": "9人年内解困退档", "improvement": "按在档人数动态调整", "band": "", "override_text": ""})
    assert "已保存“救助人数”" in shown and "偏差原因：9人年内解困退档" in shown
    refused = editor.post(f"/evaluation/projects/{project.id}/indicators/{indicator.id}",
                          {"override_text": "39人", "override_reason": ""})
    assert refused.status_code == 422 and "调整实际完成值须说明理由和依据" in refused.get_data(as_text=True)
    refused = editor.post(f"/evaluation/projects/{project.id}/submit")
    assert refused.status_code == 422 and "尚不能提交" in refused.get_data(as_text=True)
    assert "社会稳定" in refused.get_data(as_text=True)


def test_award_page_names_the_document_contradiction(app, union):
    award_given(union, people=50, collectives=20, paid=50)
    page = Browser(app, union.users["reviewer"]).page(f"/evaluation/projects/{union.project(AWARD).id}")
    assert "文件自身的矛盾" in page and "¥100,000.00" in page  # 100人 × 1000元 against the 5万元 budget
    assert "评选县级先进集体、先进个人" in page and "先进劳模50名" in page


def test_submit_return_approve_through_the_pages(app, union):
    aid_paid_to(union, paid=30)
    project = union.project(AID)
    with acting_as(union.users["finance"]):
        complete(project)
    editor, reviewer = Browser(app, union.users["finance"]), Browser(app, union.users["reviewer"])
    assert "内容已冻结" in editor.follow(f"/evaluation/projects/{project.id}/submit")
    page = editor.page(f"/evaluation/projects/{project.id}")
    assert "提交自评" not in page and "填写</a>" not in page
    no_reason = reviewer.post(f"/evaluation/projects/{project.id}/return", {"reason": ""})
    assert no_reason.status_code == 422 and "请刷新" not in no_reason.get_data(as_text=True)
    assert "已退回" in reviewer.follow(f"/evaluation/projects/{project.id}/return", {"reason": "核对人数"})
    assert "已被" in editor.page(f"/evaluation/projects/{project.id}") and "核对人数" in editor.page(
        f"/evaluation/projects/{project.id}")
    editor.follow(f"/evaluation/projects/{project.id}/submit")
    assert "已审核通过" in reviewer.follow(f"/evaluation/projects/{project.id}/approve")


def test_exports_download(app, union):
    browser = Browser(app, union.users["auditor"])
    project = union.project(AID)
    one = browser.get(f"/evaluation/projects/{project.id}/export.docx")
    assert one.status_code == 200 and one.mimetype.endswith("wordprocessingml.document")
    assert "filename*=UTF-8''2025" in one.headers["Content-Disposition"]
    year = browser.get("/evaluation/export?year=2025&format=xlsx")
    assert year.status_code == 200 and year.data[:2] == b"PK"
    assert browser.get(f"/evaluation/projects/{project.id}/export.pdf").status_code == 422
    assert browser.get("/evaluation/department/export?year=2025&format=docx").status_code == 200
    assert browser.get("/monitoring/export?year=2025&month=7").status_code == 200


def test_department_and_settings_pages(app, union):
    admin = Browser(app, union.users["admin"])
    page = admin.page("/evaluation/department?year=2025")
    assert "（一）做好" not in page and "(一)开展好对职工的帮扶救助活动" in page and "¥2,426,600.00" in page
    shown = admin.follow("/evaluation/department?year=2025", {"goal0": "全年完成", "new_title": "", "new_target": ""})
    assert "已保存" in shown and "全年完成" in shown
    settings = admin.page("/evaluation/settings?year=2025")
    assert "预算执行率分值" in settings and 'value="10.00"' in settings
    form = {"weight_execution": "20", "weight_output": "40", "weight_benefit": "30", "weight_satisfaction": "10",
            "spread": "equal", "le_formula": "ratio", "over_threshold_percent": "150",
            "band1_name": "达成年度指标", "band1_low": "80", "band1_high": "100",
            "band2_name": "部分达成并具有一定效果", "band2_low": "60", "band2_high": "80",
            "band3_name": "未达成且效果较差", "band3_low": "0", "band3_high": "60",
            "grade1_name": "优", "grade1_min": "90", "grade2_name": "良", "grade2_min": "80",
            "grade3_name": "中", "grade3_min": "60", "grade4_name": "差", "grade4_min": "0",
            "light_green_gap": "10", "light_yellow_gap": "20", "monitoring_month": "7",
            "monitoring_due_month": "8", "monitoring_due_day": "10"}
    assert "已保存2025年度评分设置" in admin.follow("/evaluation/settings?year=2025", form)
    result = services.project_result(union.project(AID))
    assert result.execution.weight == 20 and result.settings["le_formula"] == "ratio"
    bad = admin.post("/evaluation/settings?year=2025", {**form, "weight_execution": "25"})
    assert bad.status_code == 422 and "合计100分" in bad.get_data(as_text=True)
    assert Browser(app, union.users["finance"]).post("/evaluation/settings?year=2025", form).status_code == 403


def test_monitoring_pages(app, union):
    aid_paid_to(union, paid=10)
    project = union.project(AID)
    satisfaction = union.indicator(AID, "满意率")
    editor = Browser(app, union.users["caseworker"])
    page = editor.page("/monitoring/?year=2025")
    assert "2025年1–7月绩效运行监控" in page and "红" in page
    shown = editor.follow(f"/monitoring/projects/{project.id}?month=7", {
        "expected_spend": "476,600.00", "spend_causes": ["人员保障"], "spend_measures": "加快审批",
        f"likelihood{satisfaction.id}": "完全不可能", f"causes{satisfaction.id}": ["其他"],
        f"note{satisfaction.id}": "未开展回访", f"measures{satisfaction.id}": "9月前完成电话回访"})
    assert "已保存1–7月绩效运行监控" in shown and "9月前完成电话回访" in shown and "476600.00" in shown
    from caseapp.monitoring.services import year_monitoring

    aid = next(m for m in year_monitoring(2025, 7) if m.code == AID)
    assert aid.expected_spend_fen == 47_660_000 and aid.spend_causes == ["人员保障"]
    assert next(i for i in aid.indicators if i.level3 == "满意率").light == "red"
    bad = editor.post(f"/monitoring/projects/{project.id}?month=7", {"expected_spend": "很多"})
    assert bad.status_code == 422 and "金额格式不正确" in bad.get_data(as_text=True)


def test_cli_score_json_shape(app, union):
    aid_paid_to(union, paid=30)
    result = app.test_cli_runner().invoke(args=["evaluation", "score", "--year", "2025", "--project", AID,
                                                "--as-of", "2025-12-31", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    [project] = data["projects"]
    assert project["code"] == AID and project["grade"] in ("优", "良", "中", "差")
    assert project["execution"] == {"initial_budget_fen": 47_660_000, "budget_fen": 47_660_000,
                                    "spent_fen": 36_000_000, "rate": 75.54, "weight": 10.0, "score": 7.55}
    first = project["indicators"][0]
    assert {k: first[k] for k in ("level1", "level2", "level3", "target_text", "actual_text", "weight", "score",
                                  "needs_reason")} == {
        "level1": "产出指标", "level2": "数量指标", "level3": "救助人数", "target_text": "39人", "actual_text": "30人",
        "weight": 12.5, "score": 9.62, "needs_reason": True}
    assert isinstance(project["total"], float)
    every = json.loads(app.test_cli_runner().invoke(args=["evaluation", "score", "--year", "2025", "--json"]).stdout)
    assert [p["code"] for p in every["projects"]] == [FUNDS, AID, AWARD]
    missing = app.test_cli_runner().invoke(args=["evaluation", "score", "--year", "2025", "--project", "X", "--json"])
    assert missing.exit_code == 1 and json.loads(missing.stdout)["error"] == "not_found"


def test_cli_exports(app, union, tmp_path):
    from tests.evaluation.readback import load_docx, load_xlsx

    runner = app.test_cli_runner()
    out = tmp_path / "all.xlsx"
    assert runner.invoke(args=["evaluation", "export", "--year", "2025", "--format", "xlsx", str(out)]).exit_code == 0
    assert len(load_xlsx(out.read_bytes()).worksheets) == 3
    one = tmp_path / "aid.docx"
    done = runner.invoke(args=["evaluation", "export", "--year", "2025", "--project", AID, "--format", "docx", str(one)])
    assert done.exit_code == 0 and load_docx(one.read_bytes()).tables[0].cell(10, 3).text == "救助人数"
    dept = tmp_path / "dept.xlsx"
    assert runner.invoke(args=["evaluation", "export", "--year", "2025", "--department", str(dept)]).exit_code == 0
    assert load_xlsx(dept.read_bytes()).worksheets[0]["A1"].value == "部门整体支出绩效自评表"
    mon = tmp_path / "mon.xlsx"
    done = runner.invoke(args=["monitoring", "export", "--year", "2025", "--month", "7", str(mon)])
    assert done.exit_code == 0, done.output
    ws = load_xlsx(mon.read_bytes()).worksheets[0]
    assert ws["A1"].value == "2025年度项目支出绩效运行监控表（1–7月）"
