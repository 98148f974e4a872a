"""What the survey views share: form → service arguments, the detail page's data, the audited phone view."""
from __future__ import annotations

import io

from flask import send_file
from sqlalchemy import select

from caseapp.core.audit import record
from caseapp.core.db import db
from caseapp.core.scoping import require_role
from caseapp.surveys import answers, results, services, vocab
from caseapp.surveys.answers import AnswerData
from caseapp.surveys.callsheet import FULL_PHONE_ROLES, calling_list, member_code
from caseapp.surveys.models import Survey, SurveyMember
from caseapp.surveys.services import SurveyParams

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: the page lists at most this many people (the call sheet has them all)
PAGE_ROWS = 500
#: the page re-draws to show that the seed reproduces the sample up to this frame size (larger: the CLI/API)
VERIFY_UP_TO = 50_000


def params_from(form) -> SurveyParams:
    """The service's parameters from the new-survey form."""
    sampling = form.sampling.data
    return SurveyParams(
        project_id=form.project_id.data, aid_type_id=form.aid_type_id.data or None, name=form.name.data or "",
        method=form.method.data, sampling=sampling, confidence=form.confidence.data or SurveyParams.confidence,
        margin=form.margin.data or SurveyParams.margin, fixed_n=form.fixed_n.data if sampling == "fixed" else None,
        strata=form.strata.data or None, seed=form.seed.data, no_phone=form.no_phone.data,
        reserve_percent=form.reserve_percent.data, unreachable_attempts=form.unreachable_attempts.data,
        rule=form.rule.data)


def answer_data(form, outcome: str | None = None) -> AnswerData:
    """An answer from the answer page or the questionnaire (blank radio buttons are None)."""
    def value(name):
        field = getattr(form, name, None)
        return (field.data or None) if field is not None else None

    return AnswerData(outcome=outcome or value("outcome"), satisfaction=value("satisfaction"),
                      received=value("received"), full_amount=value("full_amount"), on_time=value("on_time"),
                      knew_publicity=value("knew_publicity"), comment=value("comment"))


def detail_context(survey: Survey) -> dict:
    """Everything the survey page shows."""
    members = list(calling_list(survey, limit=PAGE_ROWS + 1))
    findings = list(db.session.scalars(select(SurveyMember).where(
        SurveyMember.survey_id == survey.id, SurveyMember.finding.is_not(None)).order_by(SurveyMember.frame_no)))
    return {"survey": survey, "members": members[:PAGE_ROWS], "codes": {m.id: member_code(survey, m) for m in members},
            "strata": services.strata_counts(survey), "result": survey.result or results.compute(survey),
            "findings": findings, "next_member": answers.next_to_call(survey), "vocab": vocab,
            "reproducible": services.verify_draw(survey) if survey.frame_size <= VERIFY_UP_TO else None,
            "more": len(members) > PAGE_ROWS}


def masked_phone(member: SurveyMember) -> str:
    """The masked phone of a respondent (shown to everyone who may see the survey)."""
    from caseapp.awards.models import AwardRecipient
    from caseapp.persons.models import Person

    if member.person_id:
        return db.session.scalar(select(Person.phone_masked).where(Person.id == member.person_id)) or ""
    return db.session.scalar(select(AwardRecipient.contact_phone_masked)
                             .where(AwardRecipient.id == member.award_recipient_id)) or ""


def member_phone(member: SurveyMember) -> str:
    """The full phone of a respondent, for 回访员 and 管理员 only; every view is audited."""
    from caseapp.awards.models import AwardRecipient
    from caseapp.core.phone import PhoneError, format_phone_national
    from caseapp.persons.models import Person

    actor = require_role(*FULL_PHONE_ROLES)
    owner = db.session.get(Person, member.person_id) if member.person_id else \
        db.session.get(AwardRecipient, member.award_recipient_id)
    phone = owner.phone if member.person_id else owner.contact_phone
    record("survey.view_phone", ("survey_members", member.id), org_id=actor.org_id,
           summary=f"查看满意度回访对象的完整电话（调查{member.survey_id}）")
    if not phone:
        return "无电话"
    try:
        return format_phone_national(phone)
    except PhoneError:
        return phone


def xlsx_response(content: bytes, name: str, *, no_store: bool = False):
    """An .xlsx download; one with full personal data is never cached."""
    response = send_file(io.BytesIO(content), mimetype=XLSX, as_attachment=True, download_name=name)
    if no_store:
        response.headers["Cache-Control"] = "no-store"
    return response
