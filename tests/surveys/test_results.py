"""Results: rates by the survey's rule, strata, Wilson interval; closing feeds the 满意度 indicator; findings."""
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from caseapp.budgets import importer
from caseapp.budgets.models import Project
from caseapp.core.audit import AuditEvent
from caseapp.core.db import db
from caseapp.core.errors import Conflict, Forbidden
from caseapp.indicators.rollup import run_rollup
from caseapp.surveys.answers import AnswerData, next_to_call, record_answer, resolve_finding
from caseapp.surveys.results import close_survey, compute, reopen_survey
from caseapp.surveys.services import SurveyParams, create_survey
from tests.conftest import acting_as
from tests.surveys.helpers import pay, people

SEED = Path(__file__).parents[2] / "caseapp" / "budgets" / "demo" / "weixian-2025-budget-performance.docx"
AID = "13043425P00430010001H"
ANSWERS = ["满意"] * 6 + ["基本满意"] * 2 + ["不满意"] * 2


def _answer_all(survey, outcomes):
    with acting_as_surveyor(survey):
        for outcome in outcomes:
            member = next_to_call(survey)
            if outcome in ("满意", "基本满意", "不满意"):
                record_answer(survey, member, AnswerData(outcome="完成", satisfaction=outcome, received="是"))
            else:
                record_answer(survey, member, AnswerData(outcome=outcome))


_SURVEYOR = {}


def acting_as_surveyor(survey):
    return acting_as(_SURVEYOR["user"])


@pytest.fixture
def survey(world):
    _SURVEYOR["user"] = world.surveyor
    pay(world.project, people(world.town_a, 8) + people(world.town_b, 6))
    return create_survey(SurveyParams(world.project.id, strata="township", seed=2))


def test_rates_by_the_default_rule_with_wilson_interval_and_strata(survey):
    _answer_all(survey, ANSWERS + ["拒访", "不符合条件"])
    r = compute(survey)
    assert (r["drawn"], r["eligible"], r["completed"], r["valid"]) == (14, 13, 10, 10)
    assert r["response_rate"] == 76.92 and r["satisfaction_rate"] == 80.0
    assert (r["ci_low"], r["ci_high"]) == (49.02, 94.33) and r["rule"] == "binary"
    assert sum(s["drawn"] for s in r["strata"]) == 14 and {s["name"] for s in r["strata"]} == {"魏城镇工会", "双井镇工会"}


def test_weighted_rule_counts_fairly_satisfied_as_80(world):
    pay(world.project, people(world.town_a, 10))
    survey = create_survey(SurveyParams(world.project.id, rule="weighted", seed=1))
    _SURVEYOR["user"] = world.surveyor
    _answer_all(survey, ANSWERS)
    assert compute(survey)["satisfaction_rate"] == 76.0  # (6·100 + 2·80 + 0) / 10


def test_closing_needs_a_completed_answer_and_freezes_the_result(world, survey):
    _answer_all(survey, ["拒访"])
    with acting_as(world.caseworker), pytest.raises(Conflict, match="至少需要一份"):
        close_survey(survey)
    _answer_all(survey, ["满意"])
    with acting_as(world.caseworker):
        result = close_survey(survey, today=date(2026, 1, 10))
    assert survey.status == "closed" and survey.result["satisfaction_rate"] == 100.0 == result["satisfaction_rate"]
    assert float(survey.satisfaction_rate) == 100.0 and survey.closed_on == date(2026, 1, 10)


def test_reopening_is_for_reviewers_with_a_reason_and_audited(world, survey):
    _answer_all(survey, ["满意"])
    with acting_as(world.caseworker):
        close_survey(survey)
        with pytest.raises(Forbidden):
            reopen_survey(survey, "补录")
    with acting_as(world.reviewer):
        reopen_survey(survey, "补录两份答复")
    assert survey.is_open and survey.result is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "survey.reopen"))
    assert event.actor_name == world.reviewer.username and "补录两份答复" in event.summary
    assert event.before["satisfaction_rate"] == 100.0


def test_the_indicator_picks_up_the_closed_survey_rate(app, operator):
    from caseapp.orgs.services import create_org
    from caseapp.payments.settings import seed_aid_types
    from caseapp.budgets.rules import confirm_all_proposed
    from tests.factories import UserFactory

    root = create_org("711001", "魏县总工会")
    importer.confirm(SEED.read_bytes(), SEED.name, 2025, root.code)
    confirm_all_proposed(2025)
    seed_aid_types()
    project = db.session.scalar(select(Project).where(Project.code == AID))
    pay(project, people(root, 39))
    survey = create_survey(SurveyParams(project.id, sampling="random", seed=1))
    _run, rows = run_rollup(2025, date(2025, 12, 31))
    [before] = [r for r in rows if r.project_code == AID and r.metric == "satisfaction_rate"]
    assert before.value.text == "尚无满意度调查数据" and before.achieved is None
    _SURVEYOR["user"] = UserFactory(org=root, roles=["surveyor"])
    _answer_all(survey, ["满意"] * 34 + ["不满意"] * 2)
    close_survey(survey)  # recomputes the year's values at once
    _run, rows = run_rollup(2025, date(2025, 12, 31))
    [after] = [r for r in rows if r.project_code == AID and r.metric == "satisfaction_rate"]
    assert float(after.value.actual) == 94.44 and after.achieved is False  # target ≥95%
    assert after.value.text.startswith("94.44%（有效回答36人，抽样框39人、样本36人")
    assert after.value.detail["survey_id"] == survey.id and after.value.detail["rule"] == "binary"


def test_not_received_answers_become_findings_in_the_caseworkers_reminders(world, survey):
    from caseapp.deadlines.scan import scan
    from caseapp.reminders.models import Reminder

    with acting_as(world.surveyor):
        for received, full in (("否", None), ("是", "否"), ("是", "是")):
            member = next_to_call(survey)
            record_answer(survey, member, AnswerData(outcome="完成", satisfaction="不满意", received=received,
                                                     full_amount=full))
    scan(date(2026, 3, 2))
    reminders = db.session.scalars(select(Reminder).where(Reminder.kind == "survey_followup")).all()
    assert {r.user_id for r in reminders} >= {world.caseworker.id, world.admin.id}  # the survey's union
    assert all("反映未收到款项或金额不符" in r.message and "受助人" not in r.message for r in reminders)
    flagged = [m for m in _flagged(survey)]
    assert sorted(m.finding for m in flagged) == ["not_received", "wrong_amount"]
    with acting_as(world.caseworker):
        for m in flagged:
            resolve_finding(survey, m, "已电话核实，款项已到账")
    before = len(reminders)
    scan(date(2026, 3, 9))  # a week later, nothing is left to follow up
    assert db.session.scalar(select(func.count()).where(Reminder.kind == "survey_followup")) == before


def _flagged(survey):
    from caseapp.surveys.models import SurveyMember

    return db.session.scalars(select(SurveyMember).where(SurveyMember.survey_id == survey.id,
                                                         SurveyMember.finding.is_not(None))).all()
