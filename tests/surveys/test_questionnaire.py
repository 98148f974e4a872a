"""The public questionnaire: a one-time random link, no login, answered once, closed with the survey."""
import pytest
from sqlalchemy import select

from caseapp.core.db import db
from caseapp.surveys import questionnaire
from caseapp.surveys.models import SurveyMember, SurveyToken
from caseapp.surveys.services import SurveyParams, create_survey
from tests.conftest import acting_as
from tests.surveys.helpers import pay, people

ANSWER = {"satisfaction": "满意", "received": "是", "full_amount": "是", "on_time": "是", "knew_publicity": "否",
          "comment": "谢谢工会"}


@pytest.fixture
def links(world):
    pay(world.project, people(world.town_a, 4))
    survey = create_survey(SurveyParams(world.project.id, method="questionnaire"))
    assert questionnaire.ensure_tokens(survey) == 4 and questionnaire.ensure_tokens(survey) == 0
    db.session.commit()
    return survey, [t.token for t in questionnaire.tokens(survey)]


def test_the_link_holds_nothing_personal_and_the_qr_code_carries_it(world, links):
    survey, tokens = links
    names = db.session.scalars(select(SurveyMember.name).where(SurveyMember.survey_id == survey.id)).all()
    assert len(set(tokens)) == 4 and all(len(t) >= 24 for t in tokens)
    assert not any(name in questionnaire.link(t) for t in tokens for name in names)
    svg = questionnaire.qr_svg(questionnaire.link(tokens[0]))
    assert svg.startswith(b"<svg") and b"<path" in svg


def test_answer_once_without_login(client, world, links):
    survey, tokens = links
    page = client.get(f"/surveys/q/{tokens[0]}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "您对本次帮扶（发放）工作总体是否满意？" in text and "<script" not in text
    assert "受助人" not in text  # no name on a page anyone holding the link can open
    done = client.post(f"/surveys/q/{tokens[0]}", data=ANSWER)
    assert done.status_code == 200 and "提交成功" in done.get_data(as_text=True)
    member = db.session.scalar(select(SurveyMember).join(SurveyToken, SurveyToken.member_id == SurveyMember.id)
                               .where(SurveyToken.token == tokens[0]))
    assert (member.outcome, member.satisfaction) == ("完成", "满意")
    again = client.post(f"/surveys/q/{tokens[0]}", data={**ANSWER, "satisfaction": "不满意"})
    assert again.status_code == 404 and "此问卷已经提交过" in again.get_data(as_text=True)
    db.session.refresh(member)
    assert member.satisfaction == "满意"


def test_wrong_token_and_missing_answer_get_plain_chinese(client, links):
    _survey, tokens = links
    wrong = client.get("/surveys/q/not-a-real-token")
    assert wrong.status_code == 404 and "链接无效" in wrong.get_data(as_text=True)
    empty = client.post(f"/surveys/q/{tokens[1]}", data={"comment": "x"})
    assert empty.status_code == 422 and "请选择" in empty.get_data(as_text=True)


def test_the_link_expires_when_the_survey_closes(client, world, links):
    from caseapp.surveys.results import close_survey

    survey, tokens = links
    assert client.post(f"/surveys/q/{tokens[0]}", data=ANSWER).status_code == 200
    with acting_as(world.caseworker):
        close_survey(db.session.get(type(survey), survey.id))
    db.session.commit()
    closed = client.get(f"/surveys/q/{tokens[1]}")
    assert closed.status_code == 404 and "调查已经结束" in closed.get_data(as_text=True)


def test_rate_limited_per_address(client, app, links):
    _survey, tokens = links
    app.config["SURVEY_PUBLIC_RATE_LIMIT"] = 3
    questionnaire.limiter._hits.clear()
    try:
        codes = [client.get(f"/surveys/q/{tokens[2]}", environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code
                 for _ in range(4)]
        other = client.get(f"/surveys/q/{tokens[2]}", environ_base={"REMOTE_ADDR": "10.9.9.8"})
    finally:
        app.config["SURVEY_PUBLIC_RATE_LIMIT"] = 30
        questionnaire.limiter._hits.clear()
    assert codes == [200, 200, 200, 429] and other.status_code == 200
