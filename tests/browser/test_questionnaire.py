"""The public questionnaire on a phone: open the link, answer, submit once; a second visit is refused."""
from sqlalchemy import select

from caseapp.surveys import questionnaire
from caseapp.surveys.models import SurveyMember, SurveyToken
from caseapp.surveys.services import SurveyParams, create_survey
from tests.surveys.helpers import build_world, pay, people


def _questionnaire_links(live_server) -> list[str]:
    with live_server.session():
        world = build_world()
        pay(world.project, people(world.town_a, 3))
        survey = create_survey(SurveyParams(world.project.id, method="questionnaire"))
        questionnaire.ensure_tokens(survey)
        return [t.token for t in questionnaire.tokens(survey)]


def test_answering_the_questionnaire_on_a_phone(live_server, phone_page):
    token = _questionnaire_links(live_server)[0]
    page = phone_page
    page.goto(f"{live_server.url}/surveys/q/{token}")
    assert page.locator("h1").inner_text() == "困难职工帮扶救助"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    submit = page.get_by_role("button", name="提交")
    assert submit.bounding_box()["width"] > 300  # a full-width button for a thumb

    submit.click()  # nothing chosen yet: the browser asks for the required answer and sends nothing
    first = page.locator("input[name=satisfaction]").first
    assert first.evaluate("radio => radio.validity.valueMissing") and page.url.endswith(token)

    page.get_by_label("基本满意").check()
    page.locator("fieldset", has_text="是否收到了这笔款项").get_by_label("是", exact=True).check()
    page.get_by_label("您还有什么意见或建议？").fill("希望发放前多通知")
    page.get_by_role("button", name="提交").click()
    assert page.locator(".public-message.done").inner_text() == "提交成功，感谢您的参与！"

    with live_server.session() as s:
        member = s.scalar(select(SurveyMember).join(SurveyToken, SurveyToken.member_id == SurveyMember.id)
                          .where(SurveyToken.token == token))
        assert (member.outcome, member.satisfaction) == ("完成", "基本满意")

    page.goto(f"{live_server.url}/surveys/q/{token}")
    assert "此问卷已经提交过" in page.locator(".public-message").inner_text()
    page.goto(f"{live_server.url}/surveys/q/wrong-token")
    assert "链接无效" in page.locator(".public-message").inner_text()
