"""部门整体支出绩效自评: the whole budget, the document's overall goals, the projects' scores."""
from datetime import date

import pytest

from caseapp.core.errors import ValidationFailed
from caseapp.evaluation import department
from tests.conftest import acting_as
from tests.evaluation.conftest import AID, AWARD, FUNDS, aid_paid_to, complete


def test_the_document_goals_are_kept_on_import(union):
    goals = department.document_goals(union.root.id, 2025)
    assert [g.title for g in goals] == ["总体绩效目标", "(一)开展好对职工的帮扶救助活动", "（二）做好县劳模管理和服务工作",
                                        "（三）表彰 2025年劳动模范、先进集体", "（四）保障工作的正常运转"]
    assert goals[0].text.startswith("2025年，县总工会将强化思想政治引领") and goals[0].kind == "overall"
    assert "帮扶救助率达到90%以上" in goals[1].text and "三、工作保障措施" not in goals[4].text


def test_department_sums_its_projects_and_weights_their_scores_by_budget(union):
    aid_paid_to(union, paid=30)
    result = department.department_result(union.root.id, 2025, date(2025, 12, 31))
    assert [p.code for p in result.projects] == [FUNDS, AID, AWARD]
    assert result.budget_fen == 242_660_000 and result.spent_fen == 36_000_000
    expected = sum(p.total * p.budget_fen for p in result.projects) / result.budget_fen
    assert abs(result.average - expected) < 0.01 and result.grade
    assert len(result.goals) == 5 and result.goals[0].actual_text == ""
    assert any("自评尚未提交" in p for p in result.problems)


def test_department_submission_needs_goals_and_submitted_projects(union):
    aid_paid_to(union, paid=30)
    finance = union.users["finance"]
    with acting_as(finance):
        department.save_goals(union.root.id, 2025, {0: "全年完成帮扶救助30人"},
                              new_goal=("工会经费保障", "保障机关正常运转"))
        with pytest.raises(ValidationFailed, match="（二）做好县劳模管理和服务工作"):
            department.submit(union.root.id, 2025)
        department.save_goals(union.root.id, 2025, {i: "已完成" for i in range(1, 6)})
        for code in (FUNDS, AID, AWARD):
            project = union.project(code)
            complete(project)
            from caseapp.evaluation import services

            services.submit(project)
        submitted = department.submit(union.root.id, 2025)
    assert submitted.goals[-1].title == "工会经费保障" and submitted.goals[-1].actual_text == "已完成"
    frozen = department.department_result(union.root.id, 2025)
    assert frozen.frozen and frozen.average == submitted.average
    with acting_as(union.users["reviewer"]):
        department.approve_department(union.root.id, 2025)
    assert department.department_result(union.root.id, 2025).status == "approved"
