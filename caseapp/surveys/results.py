"""The result of a survey: response rate, satisfaction rate by the survey's rule, strata, Wilson interval;
closing (which feeds the 满意度 indicator) and reopening (audited)."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from caseapp.core.audit import record
from caseapp.core.calendar import local_today
from caseapp.core.db import db, utcnow
from caseapp.core.errors import Conflict, ValidationFailed
from caseapp.core.scoping import require_role
from caseapp.surveys import sampling, vocab
from caseapp.surveys.models import Survey, SurveyMember
from caseapp.surveys.services import require_open

CLOSE_ROLES = ("caseworker", "reviewer", "admin")
REOPEN_ROLES = ("reviewer", "admin")


def _pct(value: float) -> float:
    return float(Decimal(str(value * 100)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def _counts(survey: Survey) -> dict[tuple[str, str | None, str | None], int]:
    """(stratum, outcome, satisfaction) → members on the calling list (one GROUP BY)."""
    stmt = (select(SurveyMember.stratum, SurveyMember.outcome, SurveyMember.satisfaction, func.count())
            .where(SurveyMember.survey_id == survey.id, SurveyMember.is_active.is_(True))
            .group_by(SurveyMember.stratum, SurveyMember.outcome, SurveyMember.satisfaction))
    return {(s, o, a): n for s, o, a, n in db.session.execute(stmt)}


def _figures(counts: dict, rule: str) -> dict:
    """The rates of one group of members (the whole survey or one stratum)."""
    drawn = sum(counts.values())
    by_outcome = {o: sum(n for (_s, out, _a), n in counts.items() if out == o) for o in vocab.OUTCOMES}
    by_answer = {a: sum(n for (_s, out, sat), n in counts.items() if sat == a and out in vocab.ANSWERED)
                 for a in vocab.SATISFACTION}
    valid = sum(by_answer.values())
    eligible = drawn - by_outcome[vocab.NOT_ELIGIBLE]
    if rule == "weighted":
        satisfied = sum(vocab.WEIGHTS[a] * n for a, n in by_answer.items()) / 100
    else:
        satisfied = by_answer[vocab.SATISFIED] + by_answer[vocab.FAIRLY_SATISFIED]
    low, high = sampling.wilson(satisfied, valid)
    return {"drawn": drawn, "eligible": eligible, "completed": by_outcome[vocab.COMPLETED], "valid": valid,
            "satisfied": satisfied, "outcomes": by_outcome, "answers": by_answer,
            "response_rate": _pct(by_outcome[vocab.COMPLETED] / eligible) if eligible else None,
            "satisfaction_rate": _pct(satisfied / valid) if valid else None,
            "ci_low": _pct(low) if valid else None, "ci_high": _pct(high) if valid else None}


def compute(survey: Survey) -> dict:
    """The survey's figures now (also while it is open), per stratum too, with the rule recorded."""
    counts = _counts(survey)
    result = _figures(counts, survey.rule)
    result.update(rule=survey.rule, rule_label=vocab.RULES[survey.rule], frame_size=survey.frame_size,
                  sample_size=survey.sample_size, method=survey.method, interval="Wilson 95%")
    strata = sorted({s for s, _o, _a in counts})
    if survey.strata:
        result["strata"] = [{"name": s, **_figures({k: n for k, n in counts.items() if k[0] == s}, survey.rule)}
                            for s in strata]
    return result


def close_survey(survey: Survey, *, today: date | None = None) -> dict:
    """Close with at least one completed answer: the result is frozen and becomes the indicator's 完成值."""
    principal = require_role(*CLOSE_ROLES)
    require_open(survey)
    result = compute(survey)
    if result["completed"] < 1:
        raise Conflict("至少需要一份“完成”的答复才能结束调查", code="no_answers")
    survey.status, survey.result = "closed", result
    survey.satisfaction_rate = Decimal(str(result["satisfaction_rate"])) if result["valid"] else None
    survey.closed_at, survey.closed_on, survey.closed_by_name = utcnow(), today or local_today(), principal.username
    db.session.flush()
    record("survey.close", survey, after=_brief(result),
           summary=f"结束满意度调查“{survey.name}”：满意率{result['satisfaction_rate']}%（{result['rule_label']}）")
    _refresh_indicators(survey)
    return result


def _brief(result: dict) -> dict:
    keys = ("completed", "response_rate", "satisfaction_rate", "ci_low", "ci_high", "rule", "valid", "drawn")
    return {k: result[k] for k in keys}


def reopen_survey(survey: Survey, reason: str) -> None:
    """Reopen a closed survey to record more answers (reviewers and admins, with a reason, audited)."""
    require_role(*REOPEN_ROLES)
    if survey.is_open:
        raise Conflict("调查尚未结束", code="state")
    if not (reason or "").strip() or len(reason) > 500:
        raise ValidationFailed("请填写重新开启的原因（最多 500 个字）", field="reason")
    before = {**_brief(survey.result or {}), "closed_on": survey.closed_on}
    survey.status, survey.result, survey.satisfaction_rate = "open", None, None
    survey.closed_at = survey.closed_on = survey.closed_by_name = None
    db.session.flush()
    record("survey.reopen", survey, before=before, after={"reason": reason.strip()},
           summary=f"重新开启满意度调查“{survey.name}”：{reason.strip()}")
    _refresh_indicators(survey)


def _refresh_indicators(survey: Survey) -> None:
    """Recompute the year's 完成值 so that the project page shows the new rate at once."""
    from caseapp.indicators.rollup import run_rollup

    run_rollup(survey.year, min(local_today(), date(survey.year, 12, 31)))


def result_json(survey: Survey) -> dict:
    """What the CLI and the API print for a closed survey."""
    r = survey.result or compute(survey)
    return {"completed": r["completed"], "response_rate": r["response_rate"],
            "satisfaction_rate": r["satisfaction_rate"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
            "rule": r["rule"]}
