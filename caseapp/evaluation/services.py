"""Project self-evaluations: read the scores, record the evaluator's decisions, submit, return, approve."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp.budgets.models import Indicator, Project
from caseapp.budgets.services import get_project, get_project_by_code
from caseapp.budgets.importer.cells import squash
from caseapp.budgets.importer.targets import parse_target
from caseapp.core.audit import record
from caseapp.core.calendar import local_today
from caseapp.core.db import db
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.core.scoping import scoped_with_ancestors
from caseapp.evaluation import scoring, workflow
from caseapp.evaluation.compute import default_as_of, kind_of, score_projects
from caseapp.evaluation.models import DRAFT, EvaluationItem, ProjectEvaluation
from caseapp.evaluation.results import ProjectResult
from caseapp.evaluation.settings import settings_for

_TEXT_LIMIT = 4000


def evaluations_of(project_ids: list[int]) -> dict[int, ProjectEvaluation]:
    """The stored evaluations of these projects, by project id."""
    if not project_ids:
        return {}
    stmt = (select(ProjectEvaluation).where(ProjectEvaluation.project_id.in_(project_ids))
            .options(selectinload(ProjectEvaluation.items)))
    return {e.project_id: e for e in db.session.scalars(stmt)}


def year_projects(year: int, code: str | None = None) -> list[Project]:
    """The year's projects the actor can read (own subtree and above), with plans and indicators."""
    stmt = (scoped_with_ancestors(select(Project), Project.org_id).where(Project.year == year)
            .options(selectinload(Project.indicators), selectinload(Project.plan_points),
                     selectinload(Project.org)).order_by(Project.code))
    if code:
        stmt = stmt.where(Project.code == code)
    projects = list(db.session.scalars(stmt))
    if code and not projects:
        raise NotFound(f"找不到{year}年的项目 {code}")
    return projects


def year_results(year: int, code: str | None = None, as_of: date | None = None) -> list[ProjectResult]:
    """Every readable project of the year scored (frozen ones as submitted); ``as_of`` for the live ones."""
    projects = year_projects(year, code)
    return score_projects(projects, evaluations_of([p.id for p in projects]), as_of)


def project_result(project: Project, as_of: date | None = None) -> ProjectResult:
    """One project's result."""
    return score_projects([project], evaluations_of([project.id]), as_of)[0]


def project_by_id(project_id: int) -> Project:
    """A readable project (NotFound outside scope)."""
    return get_project(project_id)


def project_by_code(code: str, year: int | None = None) -> Project:
    """A readable project by 项目编码 (newest year unless given)."""
    return get_project_by_code(code, year)


def _editable(project: Project) -> ProjectEvaluation:
    """The project's evaluation, created on the first change; refused when frozen or outside the subtree."""
    ev = evaluations_of([project.id]).get(project.id)
    workflow.require_editable(ev, project.org_id)
    if ev is None:
        ev = ProjectEvaluation(project_id=project.id, org_id=project.org_id, year=project.year, status=DRAFT,
                               as_of=default_as_of(project.year))
        db.session.add(ev)
        db.session.flush()
        record("evaluation.create", ev, summary=f"开始{project.year}年度项目自评：{project.name}")
    return ev


def set_overall(project: Project, overall_actual: str | None = None, as_of: date | None = None) -> None:
    """Write 年度总体目标的实际完成情况 and/or the day the 完成值 are counted to."""
    ev = _editable(project)
    before = {"overall_actual": ev.overall_actual, "as_of": ev.as_of.isoformat()}
    if overall_actual is not None:
        ev.overall_actual = _text(overall_actual, "overall_actual")
    if as_of is not None:
        if not date(project.year, 1, 1) <= as_of <= max(date(project.year, 12, 31), local_today()):
            raise ValidationFailed(f"统计截止日应在{project.year}年1月1日之后", field="as_of")
        ev.as_of = as_of
    db.session.flush()
    record("evaluation.overall", ev, before=before,
           after={"overall_actual": ev.overall_actual, "as_of": ev.as_of.isoformat()})


@dataclass
class IndicatorChange:
    """What the evaluator changes on one indicator; None leaves a field as it is."""

    not_applicable: bool | None = None
    na_reason: str | None = None
    band: str | None = None
    score: Decimal | None = None
    override_text: str | None = None  #: "" clears the override
    override_value: Decimal | None = None
    override_reason: str | None = None
    deviation_reason: str | None = None
    improvement: str | None = None


_ITEM_FIELDS = ("not_applicable", "na_reason", "band", "band_percent", "override_text", "override_value",
                "override_parts", "override_reason", "deviation_reason", "improvement", "weight_centi")


def _item_state(item: EvaluationItem) -> dict:
    return {f: getattr(item, f) for f in _ITEM_FIELDS}


def _item(ev: ProjectEvaluation, project: Project, indicator_id: int) -> EvaluationItem:
    indicator = next((i for i in project.indicators if i.id == indicator_id), None)
    if indicator is None:
        raise NotFound("该项目没有这个指标")
    item = next((i for i in ev.items if i.indicator_id == indicator_id), None)
    if item is None:
        item = EvaluationItem(indicator=indicator, not_applicable=False, na_reason="", deviation_reason="",
                              improvement="")
        ev.items.append(item)
    return item


def update_indicator(project: Project, indicator_id: int, change: IndicatorChange) -> None:
    """Apply the evaluator's decisions on one indicator (checked against its kind and band); audited."""
    ev = _editable(project)
    item = _item(ev, project, indicator_id)
    before = _item_state(item)
    if change.not_applicable is not None:
        _set_applicable(item, change)
    for name in ("deviation_reason", "improvement"):
        if getattr(change, name) is not None:
            setattr(item, name, _text(getattr(change, name), name))
    if change.override_text is not None:
        _set_override(item, change)
    if change.band is not None or change.score is not None:
        db.session.flush()
        _set_band(project, item, change)
    db.session.flush()
    after = _item_state(item)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        record("evaluation.indicator", ev, before={k: before[k] for k in changed}, after=changed,
               summary=f"修改自评指标“{item.indicator.level3}”：{'、'.join(changed)}")


def _set_applicable(item: EvaluationItem, change: IndicatorChange) -> None:
    if change.not_applicable and not (change.na_reason or item.na_reason or "").strip():
        raise ValidationFailed("标记为不适用须说明理由", field="na_reason")
    item.not_applicable = change.not_applicable
    if change.na_reason is not None:
        item.na_reason = _text(change.na_reason, "na_reason")


def _set_override(item: EvaluationItem, change: IndicatorChange) -> None:
    """实际完成值 stated by the evaluator, with the reason; "" returns to the computed value."""
    text = change.override_text.strip()
    if not text:
        item.override_text = item.override_value = item.override_parts = item.override_reason = None
        return
    reason = (change.override_reason or "").strip()
    if not reason:
        raise ValidationFailed("调整实际完成值须说明理由和依据", field="override_reason")
    kind = kind_of(item.indicator)
    value, parts = change.override_value, None
    if kind == "parts":
        parts = _parts_from(text, item.indicator)
    elif kind != "qualitative" and value is None:
        value = _number_from(text, item.indicator)
    item.override_text, item.override_value = _text(text, "override_text", 2000), value
    item.override_parts, item.override_reason = parts, _text(reason, "override_reason")


def _number_from(text: str, indicator: Indicator) -> Decimal:
    parsed = parse_target(text)
    if parsed.value is None:
        unit = "%" if indicator.direction == "date" else (indicator.unit or "")
        raise ValidationFailed(f"未能从“{text}”读出数值，请同时填写数值（单位：{unit}）", field="override_value")
    if parsed.unit and indicator.unit and parsed.unit != indicator.unit:
        raise ValidationFailed(f"实际完成值的单位“{parsed.unit}”与指标值的单位“{indicator.unit}”不同，"
                               f"请换算后填写数值", field="override_value")
    return parsed.value


def _parts_from(text: str, indicator: Indicator) -> dict:
    """Each part's count from a text such as 先进集体20个，先进劳模50名 (the labels of the target)."""
    found, missing = {}, []
    for label, _target, _unit in indicator.target_parts:
        match = re.search(re.escape(label) + r"\s*(\d+(?:\.\d+)?)", squash(text))
        if match is None:
            missing.append(label)
        else:
            value = Decimal(match.group(1))
            found[label] = int(value) if value == value.to_integral_value() else float(value)
    if missing:
        raise ValidationFailed(f"请按“{indicator.target_text}”的格式写明各项数量（缺少：{'、'.join(missing)}）",
                               field="override_text")
    return found


def _set_band(project: Project, item: EvaluationItem, change: IndicatorChange) -> None:
    """A qualitative indicator's band and score, checked against the band at its current weight."""
    if kind_of(item.indicator) != "qualitative":
        raise ValidationFailed("只有定性指标按档次打分", field="band")
    if change.band is None or change.score is None:
        raise ValidationFailed("请同时选择档次并填写得分", field="score")
    weight = next(i.weight for i in project_result(project).indicators if i.indicator_id == item.indicator_id)
    if weight <= 0:
        raise ValidationFailed("该指标不适用或分值为0，不能打分", field="score")
    settings = settings_for(project.org_id, project.year)
    item.band_percent = scoring.band_percent(settings.qualitative_bands, change.band, change.score, weight)
    item.band = change.band


def set_weights(project: Project, weights: dict[int, Decimal]) -> None:
    """Edited weights (points) of whole groups; each group's must add up to its weight. {} returns to equal."""
    ev = _editable(project)
    settings = settings_for(project.org_id, project.year)
    if weights and settings.spread != "custom":
        raise ValidationFailed("评分设置为各组平均分配，不能逐项调整分值", field="weights")
    from caseapp.evaluation.compute import group_of
    from caseapp.evaluation.settings import GROUP_LABELS

    centi = {iid: _centi(points) for iid, points in weights.items()}
    for group, label in GROUP_LABELS.items():
        members = [i for i in project.indicators if group_of(i) == group]
        given = [i.id for i in members if i.id in centi]
        if given and (len(given) != len(members) or sum(centi[i] for i in given) != settings.group_weights[group]):
            raise ValidationFailed(f"{label}各指标的分值合计应为{scoring.weight_points(settings.group_weights[group])}"
                                   "分（须逐项填写）", field="weights")
    before = {i.indicator_id: i.weight_centi for i in ev.items}
    for indicator in project.indicators:
        _item(ev, project, indicator.id).weight_centi = centi.get(indicator.id)
    db.session.flush()
    record("evaluation.weights", ev, before={str(k): v for k, v in before.items()},
           after={str(k): v for k, v in centi.items()}, summary="调整自评指标分值")


def _centi(points) -> int:
    try:
        value = Decimal(str(points)) * 100
    except InvalidOperation:
        raise ValidationFailed("分值应为数字", field="weights") from None
    if value != value.to_integral_value() or not 0 <= value <= 10000:
        raise ValidationFailed("分值应在0–100之间，最多两位小数", field="weights")
    return int(value)


def submit(project: Project) -> ProjectResult:
    """Freeze the evaluation as it scores now; refused while anything is missing (each item named)."""
    ev = _editable(project)
    result = project_result(project)
    if result.problems:
        raise ValidationFailed("尚不能提交：" + "；".join(result.problems), field="submit")
    result.status, result.submitted_on, result.submitted_by = "submitted", local_today(), _actor_name()
    workflow.freeze(ev, result.to_snapshot(), f"项目自评“{project.name}”")
    return result


def _actor_name() -> str:
    from caseapp.core.context import current_principal

    principal = current_principal()
    return principal.username if principal else ""


def return_evaluation(project: Project, reason: str) -> None:
    """A reviewer returns the submitted evaluation with a reason."""
    ev = _existing(project)
    workflow.send_back(ev, project.org_id, reason, f"项目自评“{project.name}”")


def approve(project: Project) -> None:
    """A reviewer approves the submitted evaluation."""
    ev = _existing(project)
    workflow.approve(ev, project.org_id, f"项目自评“{project.name}”")


def _existing(project: Project) -> ProjectEvaluation:
    ev = evaluations_of([project.id]).get(project.id)
    if ev is None:
        raise ValidationFailed("该项目尚未开始自评", field="status")
    return ev


def _text(value: str, field: str, limit: int = _TEXT_LIMIT) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationFailed(f"内容太长（最多{limit}个字）", field=field)
    return value
