"""Creating a survey (freeze the frame, size and draw the sample) and finding surveys within scope."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from caseapp.budgets.services import get_project
from caseapp.core.audit import record
from caseapp.core.calendar import local_today
from caseapp.core.db import db
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.core.scoping import get_scoped, principal_or_deny, require_role, scoped
from caseapp.rosters.bulkwrite import insert_rows
from caseapp.surveys import frame, sampling, vocab
from caseapp.surveys.models import Survey, SurveyMember

#: who may create a survey and record answers
CREATE_ROLES = ("caseworker", "reviewer", "admin")
#: who may record answers (the callers' role included)
ANSWER_ROLES = ("surveyor", "caseworker", "reviewer", "admin")
MAX_SEED = 2**31 - 1


@dataclass
class SurveyParams:
    """What a survey is created with (pages, API and CLI build one of these)."""

    project_id: int
    name: str = ""
    method: str = "phone"
    sampling: str = "full"
    confidence: Decimal = Decimal("0.95")
    margin: Decimal = Decimal("0.05")
    proportion: Decimal = Decimal("0.5")
    fixed_n: int | None = None
    strata: str | None = None
    seed: int | None = None
    no_phone: str = "visit"
    reserve_percent: int = 20
    unreachable_attempts: int = 3
    rule: str = "binary"
    aid_type_id: int | None = None
    award_category_id: int | None = None


def check_params(p: SurveyParams) -> None:
    """Refuse settings out of range, with the field named (nothing is written)."""
    choices = (("method", vocab.METHODS), ("sampling", vocab.SAMPLING), ("no_phone", vocab.NO_PHONE),
               ("rule", vocab.RULES))
    for name, allowed in choices:
        if getattr(p, name) not in allowed:
            raise ValidationFailed(f"{name} 只能是：{'、'.join(allowed)}", field=name)
    if p.strata is not None and p.strata not in vocab.STRATA:
        raise ValidationFailed(f"分层只能按：{'、'.join(vocab.STRATA.values())}", field="strata")
    _in_range("confidence", p.confidence, Decimal("0.5"), Decimal("0.999"), "置信度应在 0.5 到 0.999 之间")
    _in_range("margin", p.margin, Decimal("0.005"), Decimal("0.5"), "允许误差应在 0.005 到 0.5 之间")
    _in_range("proportion", p.proportion, Decimal("0.01"), Decimal("0.99"), "预估比例 p 应在 0.01 到 0.99 之间")
    if p.sampling == "fixed" and (p.fixed_n is None or not 1 <= p.fixed_n <= 1_000_000):
        raise ValidationFailed("固定样本量应为 1 到 1,000,000 之间的整数", field="fixed_n")
    _in_range("seed", p.seed if p.seed is not None else 0, 0, MAX_SEED, f"随机种子应为 0 到 {MAX_SEED} 之间的整数")
    _in_range("reserve_percent", p.reserve_percent, 0, 100, "备选名单比例应在 0 到 100 之间")
    _in_range("unreachable_attempts", p.unreachable_attempts, 1, 20, "未接通次数应在 1 到 20 之间")
    if len(p.name or "") > 200:
        raise ValidationFailed("调查名称最多 200 个字", field="name")


def _in_range(field: str, value, low, high, message: str) -> None:
    if value is None or not low <= value <= high:
        raise ValidationFailed(message, field=field)


def create_survey(p: SurveyParams) -> Survey:
    """Freeze the frame (到账 recipients in scope), size and draw the sample with a recorded seed."""
    principal = require_role(*CREATE_ROLES)
    check_params(p)
    project = get_project(p.project_id)
    rows = frame.ordered(frame.collect(project.id, p.aid_type_id, p.award_category_id), p.strata)
    if not rows:
        raise ValidationFailed("该项目在您的管理范围内还没有已到账的发放记录，无法建立抽样框", field="project")
    eligible = [i for i, r in enumerate(rows) if _drawable(r, p)]
    survey = _new_survey(p, project, principal, len(rows), len(eligible))
    size = _size(p, len(eligible), survey)
    reserve = sampling.reserve_count(size, p.reserve_percent)
    drawn = sampling.draw([rows[i].stratum(p.strata) for i in eligible], size, reserve, survey.seed)
    survey.sample_size, survey.reserve_size = size, len(drawn.reserve)
    db.session.add(survey)
    db.session.flush()
    _store_members(survey, rows, eligible, drawn)
    record("survey.create", survey, after=_summary(survey),
           summary=f"新建满意度调查“{survey.name}”：抽样框{survey.frame_size}人，样本{size}人，随机种子{survey.seed}")
    return survey


def _drawable(row: frame.FrameRow, p: SurveyParams) -> bool:
    """People without a phone are left out of a phone survey when the setting says so."""
    return row.has_phone or p.method != "phone" or p.no_phone != "exclude"


def _new_survey(p: SurveyParams, project, principal, frame_size: int, eligible: int) -> Survey:
    seed = p.seed if p.seed is not None else sampling.new_seed()
    name = (p.name or "").strip() or f"{project.year}年{project.name}满意度调查"
    return Survey(org_id=principal.org_id or project.org_id, project_id=project.id, year=project.year,
                  aid_type_id=p.aid_type_id, award_category_id=p.award_category_id, name=name, method=p.method,
                  sampling=p.sampling, strata=p.strata, seed=seed, no_phone=p.no_phone,
                  reserve_percent=p.reserve_percent, unreachable_attempts=p.unreachable_attempts, rule=p.rule,
                  frame_size=frame_size, eligible_size=eligible, fixed_n=p.fixed_n if p.sampling == "fixed" else None,
                  created_by_name=principal.username, created_on=local_today())


def _size(p: SurveyParams, population: int, survey: Survey) -> int:
    """n for the chosen sampling; the formula's inputs are stored on the survey."""
    if p.sampling == "full":
        return population
    if p.sampling == "fixed":
        return min(p.fixed_n, population)
    size = sampling.sample_size(population, float(p.confidence), float(p.margin), float(p.proportion))
    survey.confidence, survey.margin, survey.proportion = p.confidence, p.margin, p.proportion
    survey.z_value = Decimal(f"{size.z:.6f}")
    survey.n0 = Decimal(f"{size.n0:.4f}")
    return size.n


def _store_members(survey: Survey, rows: list[frame.FrameRow], eligible: list[int], drawn: sampling.Draw) -> None:
    """One INSERT for the whole frame, the sample and reserve marked (drawing order kept)."""
    role: dict[int, tuple[str, int]] = {}
    for rank, position in enumerate(drawn.sample, start=1):
        role[eligible[position]] = ("sample", rank)
    for rank, position in enumerate(drawn.reserve, start=1):
        role[eligible[position]] = ("reserve", rank)
    values = []
    for index, r in enumerate(rows):
        kind, rank = role.get(index, ("frame", None))
        values.append({
            "survey_id": survey.id, "frame_no": index + 1, "recipient_key": r.recipient_key, "person_id": r.person_id,
            "award_recipient_id": r.award_recipient_id, "org_id": r.org_id, "name": r.name[:200],
            "contact_name": r.contact_name, "township": r.township[:200], "category": r.category,
            "aid_types": "、".join(r.aid_types)[:200], "paid_fen": r.paid_fen, "paid_on": r.paid_on,
            "has_phone": r.has_phone, "stratum": r.stratum(survey.strata)[:200], "role": kind, "draw_rank": rank,
            "is_active": kind == "sample", "is_replaced": False, "attempts": 0})
    insert_rows(SurveyMember.__table__, values)  # COPY on PostgreSQL: a province's frame in seconds


def _summary(survey: Survey) -> dict:
    return {"project_id": survey.project_id, "method": survey.method, "sampling": survey.sampling,
            "frame_size": survey.frame_size, "sample_size": survey.sample_size, "reserve_size": survey.reserve_size,
            "seed": survey.seed, "strata": survey.strata, "confidence": survey.confidence, "margin": survey.margin}


def verify_draw(survey: Survey) -> bool:
    """Draw again from the stored frame and seed: True when the same people come out in the same order."""
    stmt = (select(SurveyMember.id, SurveyMember.stratum, SurveyMember.has_phone, SurveyMember.role,
                   SurveyMember.draw_rank).where(SurveyMember.survey_id == survey.id).order_by(SurveyMember.frame_no))
    members = db.session.execute(stmt).all()
    eligible = [m for m in members if m.has_phone or survey.method != "phone" or survey.no_phone != "exclude"]
    again = sampling.draw([m.stratum for m in eligible], survey.sample_size, survey.reserve_size, survey.seed)
    drawn = sorted((m for m in members if m.role != "frame"), key=lambda m: (m.role != "sample", m.draw_rank))
    return [m.id for m in drawn] == [eligible[i].id for i in again.sample + again.reserve]


# --------------------------------------------------------------------------- reading


#: ids are 32-bit integer columns: anything beyond cannot exist (and must not reach the database driver)
MAX_ID = 2**31 - 1


def project_of_year(code: str, year: int):
    """The project ``code`` of ``year`` (readable in scope); a year out of range is refused before any query."""
    from caseapp.budgets.services import get_project_by_code

    if not isinstance(year, int) or not 1990 <= year <= 2100:
        raise ValidationFailed("年度应为 1990 到 2100 之间的年份", field="year")
    return get_project_by_code(code, year)


def get_survey(survey_id: int) -> Survey:
    """A survey of the actor's subtree, else NotFound."""
    if not isinstance(survey_id, int) or not 0 < survey_id <= MAX_ID:
        raise NotFound("记录不存在或无权访问")
    return get_scoped(Survey, survey_id)


def list_surveys(year: int | None = None, project_id: int | None = None) -> list[Survey]:
    """Surveys in scope, newest first."""
    stmt = scoped(select(Survey), Survey.org_id)
    if year is not None:
        stmt = stmt.where(Survey.year == year)
    if project_id is not None:
        stmt = stmt.where(Survey.project_id == project_id)
    return list(db.session.scalars(stmt.order_by(Survey.id.desc())))


def strata_counts(survey: Survey) -> list[dict]:
    """Per stratum: frame, sample and reserve sizes (one entry '' without strata)."""
    stmt = (select(SurveyMember.stratum, SurveyMember.role, func.count())
            .where(SurveyMember.survey_id == survey.id).group_by(SurveyMember.stratum, SurveyMember.role))
    found: dict[str, dict] = {}
    for stratum, role, n in db.session.execute(stmt):
        entry = found.setdefault(stratum, {"name": stratum, "frame": 0, "sample": 0, "reserve": 0})
        entry["frame"] += n
        if role != "frame":
            entry[role] += n
    return [found[k] for k in sorted(found)]


def get_member(survey: Survey, member_id: int) -> SurveyMember:
    """A member of ``survey`` (the survey already scoped), else NotFound."""
    member = db.session.get(SurveyMember, member_id) if isinstance(member_id, int) and 0 < member_id <= MAX_ID \
        else None
    if member is None or member.survey_id != survey.id:
        raise NotFound("调查对象不存在或无权访问")
    return member


def require_open(survey: Survey) -> None:
    """Refuse changes to a closed survey."""
    if not survey.is_open:
        from caseapp.core.errors import Conflict

        raise Conflict("调查已结束，不能再修改；如需补录请先重新开启", code="closed")


def principal_name() -> str:
    return principal_or_deny().username
