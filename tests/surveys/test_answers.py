"""The answer page's rules: the next person to call, attempts counted, reserves drawn in, findings flagged."""
import pytest
from sqlalchemy import select

from caseapp.core.db import db
from caseapp.core.errors import Conflict, ValidationFailed
from caseapp.surveys.answers import AnswerData, next_to_call, record_answer
from caseapp.surveys.models import SurveyMember
from caseapp.surveys.services import SurveyParams, create_survey
from tests.conftest import acting_as
from tests.surveys.helpers import pay, people


@pytest.fixture
def survey(world):
    pay(world.project, people(world.town_a, 3, category="深度困难") + people(world.town_b, 7, category="相对困难"))
    return create_survey(SurveyParams(world.project.id, sampling="fixed", fixed_n=5, strata="category", seed=9,
                                      reserve_percent=40))


def test_unreachable_three_times_brings_in_a_reserve_of_the_same_stratum(world, survey):
    with acting_as(world.surveyor):
        first = next_to_call(survey)
        assert first.role == "sample" and first.draw_rank == 1
        for attempt in (1, 2, 3):
            record_answer(survey, first, AnswerData(outcome="未接通"))
            assert first.attempts == attempt
            if attempt < 3:
                assert not first.is_replaced and next_to_call(survey).id != first.id  # fewest attempts first
        assert first.is_replaced
        reserve = db.session.scalar(select(SurveyMember).where(SurveyMember.replaces_id == first.id))
        assert reserve.role == "reserve" and reserve.is_active and reserve.stratum == first.stratum
        record_answer(survey, first, AnswerData(outcome="完成", satisfaction="满意"))  # a late answer still counts
        assert first.outcome == "完成" and first.is_replaced


def test_a_wrong_number_is_replaced_at_once(world, survey):
    with acting_as(world.surveyor):
        member = next_to_call(survey)
        record_answer(survey, member, AnswerData(outcome="号码错误"))
    assert member.is_replaced and member.attempts == 1


def test_answers_must_be_complete_and_from_the_lists(world, survey):
    with acting_as(world.surveyor):
        member = next_to_call(survey)
        with pytest.raises(ValidationFailed, match="必须填写总体满意度"):
            record_answer(survey, member, AnswerData(outcome="完成"))
        with pytest.raises(ValidationFailed, match="不是允许的值"):
            record_answer(survey, member, AnswerData(outcome="完成", satisfaction="很满意"))
        outsider = db.session.scalar(select(SurveyMember).where(SurveyMember.survey_id == survey.id,
                                                                SurveyMember.role == "frame"))
        with pytest.raises(ValidationFailed, match="不在回访名单"):
            record_answer(survey, outsider, AnswerData(outcome="拒访"))


def test_the_auditor_cannot_record_answers(world, survey):
    from caseapp.core.errors import Forbidden
    from tests.factories import UserFactory

    auditor = UserFactory(org=world.county, roles=["auditor"])
    with acting_as(auditor), pytest.raises(Forbidden):
        record_answer(survey, next_to_call(survey), AnswerData(outcome="拒访"))


def test_a_closed_survey_takes_no_more_answers(world, survey):
    from caseapp.surveys.results import close_survey

    with acting_as(world.surveyor):
        member = next_to_call(survey)
        record_answer(survey, member, AnswerData(outcome="完成", satisfaction="满意"))
    with acting_as(world.caseworker):
        close_survey(survey)
    with acting_as(world.surveyor), pytest.raises(Conflict, match="调查已结束"):
        record_answer(survey, member, AnswerData(outcome="完成", satisfaction="不满意"))
