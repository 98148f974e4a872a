"""The call sheet: drop-downs, masked or (audited) full phones, an all-or-nothing import that may be repeated."""
import pytest
from sqlalchemy import func, select

from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.core.errors import Forbidden
from caseapp.surveys.callsheet import export_sheet, import_sheet
from caseapp.surveys.models import SurveyAnswer, SurveyMember
from caseapp.surveys.services import SurveyParams, create_survey
from tests.conftest import acting_as
from tests.surveys.helpers import fill_sheet, pay, people, read_sheet


@pytest.fixture
def survey(world):
    pay(world.project, people(world.town_a, 6) + people(world.town_b, 4, phone=False))
    return create_survey(SurveyParams(world.project.id, sampling="fixed", fixed_n=8, seed=5))


def _current(survey) -> dict[str, tuple]:
    rows = db.session.execute(select(SurveyMember.name, SurveyMember.outcome, SurveyMember.satisfaction,
                                     SurveyMember.attempts).where(SurveyMember.survey_id == survey.id))
    return {name: (outcome, satisfaction, attempts) for name, outcome, satisfaction, attempts in rows}


def test_sheet_lists_the_sample_with_masked_phones_and_answer_dropdowns(world, survey):
    with acting_as(world.caseworker):
        headers, rows, ws = read_sheet(export_sheet(survey))
    assert headers[:8] == ["编号", "姓名", "联系人", "乡镇", "电话", "发放内容", "到账日期", "回访员"]
    assert {"回访结果", "拨打次数", "总体满意度", "是否收到款项", "是否足额", "是否按时", "是否知晓公示", "意见建议"} <= set(headers)
    assert len(rows) == 8 and all(r[0].startswith(f"{survey.id}-") for r in rows)
    phones = [r[4] for r in rows]
    assert all("****" in p or p == "无电话（入户）" for p in phones) and any("****" in p for p in phones)
    assert rows[0][5] == "生活救助 ¥1,200.00" and rows[0][6] == "2025-01-20"
    lists = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1 for dv in ws.data_validations.dataValidation}
    outcome_col = "ABCDEFGHIJKLMNOP"[headers.index("回访结果")]
    assert str(next(iter(ws.data_validations.dataValidation)).sqref).endswith("9")  # down to the last row
    assert lists[outcome_col] == '"完成,部分完成,拒访,未接通,号码错误,不符合条件"'
    assert '"满意,基本满意,不满意"' in lists.values() and '"是,否,有问题"' in lists.values()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "survey.export_full")) == 0


def test_full_phones_only_for_the_surveyor_role_and_admins_and_audited(world, survey):
    with acting_as(world.caseworker), pytest.raises(Forbidden, match="回访员"):
        export_sheet(survey, full_phones=True)
    for user in (world.surveyor, world.admin):
        with acting_as(user):
            _headers, rows, _ws = read_sheet(export_sheet(survey, full_phones=True))
        assert any(r[4].startswith("139") and "*" not in r[4] for r in rows)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "survey.export_full")
                                .order_by(AuditEvent.id)).all()
    assert [e.actor_name for e in events] == [world.surveyor.username, world.admin.username]
    assert all("139" not in str(e.after) for e in events)


def test_the_call_sheet_round_trips_and_a_later_import_replaces_earlier_answers(world, survey):
    with acting_as(world.surveyor):
        sheet = export_sheet(survey)
        _h, rows, _ws = read_sheet(sheet)
        filled = fill_sheet(sheet, {0: {"回访结果": "完成", "拨打次数": 1, "总体满意度": "满意", "是否收到款项": "是"},
                                    1: {"回访结果": "未接通", "拨打次数": 2},
                                    2: {"回访结果": "完成", "总体满意度": "基本满意", "意见建议": "希望早点发"}})
        result = import_sheet(survey, filled, filename="回访表.xlsx")
        assert result.ok and result.rows == 8 and result.created == 3
        assert _current(survey)[rows[0][1]] == ("完成", "满意", 1)
        assert _current(survey)[rows[1][1]] == ("未接通", None, 2)
        assert import_sheet(survey, filled).created == 0  # the same sheet again: nothing new
        _h, again_rows, _ws = read_sheet(export_sheet(survey))  # exported again, the answers are filled in
        assert again_rows[0][8:11] == ["完成", "1", "满意"] and again_rows[2][-1] == "希望早点发"
        again = fill_sheet(sheet, {0: {"回访结果": "完成", "拨打次数": 1, "总体满意度": "不满意", "是否收到款项": "否"}})
        assert import_sheet(survey, again).created == 1
    assert _current(survey)[rows[0][1]] == ("完成", "不满意", 1)
    member = db.session.scalar(select(SurveyMember).where(SurveyMember.name == rows[0][1],
                                                         SurveyMember.survey_id == survey.id))
    history = db.session.scalars(select(SurveyAnswer.satisfaction).where(SurveyAnswer.member_id == member.id)
                                 .order_by(SurveyAnswer.id)).all()
    assert history == ["满意", "不满意"] and member.finding == "not_received"


def test_a_bad_sheet_writes_nothing_and_names_row_and_column(world, survey):
    with acting_as(world.surveyor):
        sheet = export_sheet(survey)
        bad = fill_sheet(sheet, {0: {"回访结果": "完成", "总体满意度": "满意"},
                                 3: {"回访结果": "完成"},  # no satisfaction
                                 4: {"回访结果": "完成", "总体满意度": "很好"},
                                 5: {"编号": "999-0001", "回访结果": "拒访"}})
        result = import_sheet(survey, bad)
    assert not result.ok
    assert {(e.row, e.column) for e in result.errors} == {(5, "总体满意度"), (6, "总体满意度"), (7, "编号")}
    assert any("不是允许的值" in e.message for e in result.errors)
    assert db.session.scalar(select(func.count()).select_from(SurveyAnswer)) == 0
    assert all(v[0] is None for v in _current(survey).values())
