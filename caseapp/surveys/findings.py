"""The daily scan's finder for survey answers that need a follow-up (未收到 / 金额不符): counts, no names."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from caseapp.core.db import db
from caseapp.deadlines.findings import Finding, finder
from caseapp.surveys.models import Survey, SurveyMember


@finder
def survey_followups(today: dt.date, cal) -> list[Finding]:
    """Per survey: unresolved answers saying the money did not arrive or was not in full.

    Like every finding about a project, it goes to the caseworkers and admins of the organisation that runs
    the survey (its subtree), once a week while anything stays unresolved; the survey page lists the people.
    """
    week = today - dt.timedelta(days=today.weekday())
    stmt = (select(Survey.id, Survey.name, Survey.project_id, Survey.org_id, func.count())
            .join(SurveyMember, SurveyMember.survey_id == Survey.id)
            .where(SurveyMember.finding.is_not(None), SurveyMember.finding_resolved_at.is_(None))
            .group_by(Survey.id, Survey.name, Survey.project_id, Survey.org_id))
    return [Finding("survey_followup", f"survey-{sid}", org_id, week, 0,
                    f"满意度调查“{name}”中有{count}人反映未收到款项或金额不符，请核实并在调查页面记录处理情况",
                    project_id=project_id, count=count)
            for sid, name, project_id, org_id, count in db.session.execute(stmt)]
