"""Recording answers: one respondent at a time, attempts counted, reserves drawn in, findings flagged.

Every answer is a new row (history kept); the member row carries the current one so that lists and results
read one table. A later answer for the same person replaces the earlier one as the current answer.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, select

from caseapp.core.audit import record
from caseapp.core.db import db, utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.core.scoping import require_role
from caseapp.surveys import vocab
from caseapp.surveys.models import Survey, SurveyAnswer, SurveyMember
from caseapp.surveys.services import ANSWER_ROLES, require_open

MAX_COMMENT = 500


@dataclass
class AnswerData:
    """One contact's result as the caller (or the respondent) gave it."""

    outcome: str
    satisfaction: str | None = None
    received: str | None = None
    full_amount: str | None = None
    on_time: str | None = None
    knew_publicity: str | None = None
    comment: str | None = None
    attempts: int | None = None  #: None: one more than before

    def problems(self) -> list[tuple[str, str]]:
        """(field, Chinese message) for every value out of its list; empty when the answer is usable."""
        found = []
        for name, allowed in (("outcome", vocab.OUTCOMES), ("satisfaction", vocab.SATISFACTION),
                              ("received", vocab.RECEIVED), ("full_amount", vocab.YES_NO),
                              ("on_time", vocab.YES_NO), ("knew_publicity", vocab.YES_NO)):
            value = getattr(self, name)
            if value is not None and value not in allowed:
                found.append((name, f"“{value}”不是允许的值，可选：{'、'.join(allowed)}"))
        if self.outcome == vocab.COMPLETED and not self.satisfaction:
            found.append(("satisfaction", "回访结果为“完成”时必须填写总体满意度"))
        if self.attempts is not None and not 0 <= self.attempts <= 99:
            found.append(("attempts", "拨打次数应为 0 到 99 之间的整数"))
        if self.comment and len(self.comment) > MAX_COMMENT:
            found.append(("comment", f"意见建议最多 {MAX_COMMENT} 个字"))
        return found


def check(data: AnswerData) -> None:
    """Refuse an unusable answer (the first problem, with its field)."""
    problems = data.problems()
    if problems:
        field, message = problems[0]
        raise ValidationFailed(message, field=field)


def record_answer(survey: Survey, member: SurveyMember, data: AnswerData, *, source: str = "page",
                  actor_name: str | None = None) -> SurveyAnswer:
    """Store one answer as the member's current one; an unreachable member is replaced from the reserve."""
    if source != "questionnaire":
        actor_name = require_role(*ANSWER_ROLES).username
    require_open(survey)
    check(data)
    if not member.is_active:
        raise ValidationFailed("此人不在回访名单中（未抽中或尚未替补）", field="member")
    attempts = data.attempts if data.attempts is not None else member.attempts + 1
    answered = data.outcome in vocab.ANSWERED
    answer = SurveyAnswer(
        survey_id=survey.id, member_id=member.id, source=source, outcome=data.outcome, attempts=attempts,
        satisfaction=data.satisfaction if answered else None, received=data.received if answered else None,
        full_amount=data.full_amount if answered else None, on_time=data.on_time if answered else None,
        knew_publicity=data.knew_publicity if answered else None, comment=(data.comment or "").strip() or None,
        recorded_by_name=actor_name or "问卷")
    db.session.add(answer)
    _make_current(member, answer)
    if _unreachable(survey, member):
        draw_reserve(survey, member)
    return answer


def _make_current(member: SurveyMember, answer: SurveyAnswer) -> None:
    member.outcome, member.attempts, member.satisfaction = answer.outcome, answer.attempts, answer.satisfaction
    member.answered_at = utcnow()
    finding = vocab.finding_of(answer.received, answer.full_amount)
    if finding != member.finding:  # the same finding again keeps its follow-up; a new one starts over
        member.finding, member.finding_resolved_at, member.finding_note = finding, None, None


def _unreachable(survey: Survey, member: SurveyMember) -> bool:
    if member.is_replaced:
        return False
    if member.outcome == vocab.WRONG_NUMBER:
        return True
    return member.outcome == vocab.NOT_REACHED and member.attempts >= survey.unreachable_attempts


def draw_reserve(survey: Survey, member: SurveyMember) -> SurveyMember | None:
    """Mark ``member`` unreachable and bring in the next reserve (same stratum first); None when none is left."""
    member.is_replaced = True
    same_stratum = case((SurveyMember.stratum == member.stratum, 0), else_=1)
    stmt = (select(SurveyMember).where(SurveyMember.survey_id == survey.id, SurveyMember.role == "reserve",
                                       SurveyMember.is_active.is_(False))
            .order_by(same_stratum, SurveyMember.draw_rank).limit(1))
    reserve = db.session.scalar(stmt)
    if reserve is None:
        record("survey.reserve_exhausted", survey, summary=f"“{survey.name}”备选名单已用完，无法替补")
        return None
    reserve.is_active, reserve.replaces_id, reserve.caller = True, member.id, member.caller
    db.session.flush()
    return reserve


def to_call(survey: Survey):
    """Condition: on the calling list and still worth a call (no answer yet, or 未接通 below the limit)."""
    return and_(SurveyMember.survey_id == survey.id, SurveyMember.is_active.is_(True),
                SurveyMember.is_replaced.is_(False),
                (SurveyMember.outcome.is_(None)) | (SurveyMember.outcome == vocab.NOT_REACHED))


def next_to_call(survey: Survey, caller: str | None = None, after_id: int | None = None) -> SurveyMember | None:
    """The next person to call: fewest attempts first, the sample before reserves, in drawing order."""
    stmt = select(SurveyMember).where(to_call(survey))
    if caller:
        stmt = stmt.where(SurveyMember.caller == caller)
    if after_id is not None:
        stmt = stmt.where(SurveyMember.id != after_id)
    order = (SurveyMember.attempts, case((SurveyMember.role == "sample", 0), else_=1), SurveyMember.draw_rank)
    return db.session.scalar(stmt.order_by(*order).limit(1))


def history(member: SurveyMember) -> list[SurveyAnswer]:
    """Every answer recorded for ``member``, newest first."""
    return list(db.session.scalars(select(SurveyAnswer).where(SurveyAnswer.member_id == member.id)
                                   .order_by(SurveyAnswer.id.desc())))


def resolve_finding(survey: Survey, member: SurveyMember, note: str) -> None:
    """The caseworkers record how they followed up a 未收到 / 金额不符 answer (audited)."""
    require_role("caseworker", "reviewer", "admin")
    if not member.finding or member.finding_resolved_at is not None:
        raise ValidationFailed("此人没有待处理的回访问题", field="member")
    if not (note or "").strip() or len(note) > MAX_COMMENT:
        raise ValidationFailed(f"请填写核实处理情况（最多 {MAX_COMMENT} 个字）", field="note")
    member.finding_resolved_at, member.finding_note = utcnow(), note.strip()
    record("survey.finding_resolved", ("survey_members", member.id), org_id=member.org_id,
           after={"finding": member.finding}, summary=f"已核实处理满意度回访问题：{vocab.FINDING_LABELS[member.finding]}")


def assign_callers(survey: Survey, callers: list[str]) -> int:
    """Share the calling list among ``callers`` in drawing order (round robin); returns how many were assigned."""
    require_role("reviewer", "admin", "caseworker")
    require_open(survey)
    names = [c.strip()[:100] for c in callers if c and c.strip()]
    if not names:
        raise ValidationFailed("请至少填写一名回访员", field="callers")
    members = list(db.session.scalars(select(SurveyMember).where(to_call(survey))
                                      .order_by(SurveyMember.role.desc(), SurveyMember.draw_rank)))
    for i, member in enumerate(members):
        member.caller = names[i % len(names)]
    record("survey.assign_callers", survey, after={"callers": names, "members": len(members)})
    return len(members)
