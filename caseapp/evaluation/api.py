"""绩效自评 over the API: scores of the year, one project's evaluation, the evaluator's decisions, review."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import jsonify, request

from caseapp.api import endpoint, json_body
from caseapp.core.errors import ValidationFailed
from caseapp.evaluation import department, services
from caseapp.evaluation.settings import acting_org_id

_NUMBER = {"type": "number"}
_TEXT = {"type": "string", "maxLength": 4000}
INDICATOR = {"type": "object", "properties": {
    "indicator_id": {"type": "integer"}, "level1": {"type": "string"}, "level2": {"type": "string"},
    "level3": {"type": "string"}, "target_text": {"type": "string"}, "actual_text": {"type": "string"},
    "weight": _NUMBER, "score": {"type": "number", "nullable": True}, "needs_reason": {"type": "boolean"},
    "over_achieved": {"type": "boolean"}, "source": {"type": "string"}, "not_applicable": {"type": "boolean"}}}
PROJECT = {"type": "object", "properties": {
    "code": {"type": "string"}, "name": {"type": "string"}, "year": {"type": "integer"}, "as_of": {"type": "string"},
    "status": {"type": "string"}, "execution": {"type": "object", "properties": {
        "initial_budget_fen": {"type": "integer"}, "budget_fen": {"type": "integer"}, "spent_fen": {"type": "integer"},
        "rate": {"type": "number", "nullable": True}, "weight": _NUMBER, "score": {"type": "number", "nullable": True}}},
    "indicators": {"type": "array", "items": INDICATOR}, "total": _NUMBER, "grade": {"type": "string"},
    "frozen": {"type": "boolean"}, "problems": {"type": "array", "items": {"type": "string"}}}}
CHANGE = {"type": "object", "properties": {
    "year": {"type": "integer"}, "not_applicable": {"type": "boolean"}, "na_reason": _TEXT,
    "band": {"type": "string", "maxLength": 40}, "score": {"type": "number", "minimum": 0},
    "override_text": {"type": "string", "maxLength": 2000}, "override_value": {"type": "number", "nullable": True},
    "override_reason": _TEXT, "deviation_reason": _TEXT, "improvement": _TEXT}}
OVERALL = {"type": "object", "properties": {
    "year": {"type": "integer"}, "overall_actual": _TEXT, "as_of": {"type": "string", "maxLength": 10},
    "weights": {"type": "object", "description": "{indicator_id: 分值}; {} 恢复平均分配"}}}
ACTION = {"type": "object", "required": ["action"], "properties": {
    "year": {"type": "integer"}, "action": {"type": "string", "enum": ["submit", "return", "approve"]},
    "reason": {"type": "string", "maxLength": 2000}}}


def _date(text: str | None, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(f"{field} 应为日期，格式 YYYY-MM-DD", field=field) from None


def _project(code: str, data: dict | None = None):
    """The readable project first: another organisation's is a 404 before the body is looked at."""
    return services.project_by_code(code, request.args.get("year", type=int) or (data or {}).get("year"))


@endpoint("/evaluations", tag="evaluation", summary="年度项目绩效自评得分（year 必填，可按 project_code、as_of 筛选）",
          response={"type": "object", "properties": {"projects": {"type": "array", "items": PROJECT}}})
def list_evaluations():
    """Every readable project of the year scored; submitted ones as frozen."""
    year = request.args.get("year", type=int)
    if not year:
        raise ValidationFailed("请指定 year", field="year")
    results = services.year_results(year, request.args.get("project_code") or None,
                                    _date(request.args.get("as_of"), "as_of"))
    return jsonify({"projects": [r.as_json() for r in results]})


@endpoint("/projects/<code>/evaluation", tag="evaluation", summary="一个项目的绩效自评", response=PROJECT)
def get_evaluation(code: str):
    """One project's evaluation (as of its counting day, or frozen)."""
    return jsonify(services.project_result(_project(code)).as_json())


@endpoint("/projects/<code>/evaluation", methods=("POST",), tag="evaluation", body=OVERALL, response=PROJECT,
          summary="填写年度总体目标实际完成情况、统计截止日、指标分值")
def update_evaluation(code: str):
    """Overall 实际完成情况, the counting day, edited weights (points per indicator id)."""
    project = _project(code)
    data = json_body(OVERALL)
    if "overall_actual" in data or "as_of" in data:
        services.set_overall(project, data.get("overall_actual"), _date(data.get("as_of"), "as_of"))
    if "weights" in data:
        weights = data["weights"] if isinstance(data["weights"], dict) else {}
        services.set_weights(project, {_int(k): Decimal(str(v)) for k, v in weights.items()})
    return jsonify(services.project_result(project).as_json())


def _int(key) -> int:
    try:
        return int(key)
    except ValueError:
        raise ValidationFailed("weights 的键应为指标 id", field="weights") from None


@endpoint("/projects/<code>/evaluation/indicators/<int:indicator_id>", methods=("POST",), tag="evaluation",
          body=CHANGE, response=PROJECT, summary="一个指标的自评：档次和得分、调整完成值（须说明理由）、不适用、偏差原因和改进措施")
def update_indicator(code: str, indicator_id: int):
    """Only the fields given change; ``override_text: ""`` returns to the computed value."""
    project = _project(code)
    data = json_body(CHANGE)
    change = services.IndicatorChange(**{k: v for k, v in data.items() if k != "year"})
    for name in ("score", "override_value"):
        if getattr(change, name) is not None:
            setattr(change, name, Decimal(str(getattr(change, name))))
    services.update_indicator(project, indicator_id, change)
    return jsonify(services.project_result(project).as_json())


@endpoint("/projects/<code>/evaluation/actions", methods=("POST",), tag="evaluation", body=ACTION, response=PROJECT,
          summary="提交（冻结）、退回（须填原因）或审核通过")
def evaluation_action(code: str):
    """submit by an editor; return and approve by a reviewer who did not submit it."""
    project = _project(code)
    data = json_body(ACTION)
    if data["action"] == "submit":
        services.submit(project)
    elif data["action"] == "return":
        services.return_evaluation(project, data.get("reason", ""))
    else:
        services.approve(project)
    return jsonify(services.project_result(project).as_json())


@endpoint("/departments/evaluation", tag="evaluation", summary="部门整体支出绩效自评（调用者所在组织，year 必填）",
          response={"type": "object"})
def department_evaluation():
    """The caller's organisation: budget, execution, goals with 实际完成情况, projects' scores."""
    year = request.args.get("year", type=int)
    if not year:
        raise ValidationFailed("请指定 year", field="year")
    return jsonify(department.department_result(acting_org_id(), year).as_json())
