"""JSON API for satisfaction surveys: create, read, call sheet out and in, answers, close and reopen."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import jsonify, request

from caseapp.api import YEAR, endpoint, json_body
from caseapp.core.errors import ValidationFailed
from caseapp.surveys import answers, callsheet, results, services, vocab
from caseapp.surveys.answers import AnswerData
from caseapp.surveys.cli import create_json, parse_sample
from caseapp.surveys.pages import xlsx_response
from caseapp.surveys.services import SurveyParams

_TEXT = {"type": "string", "maxLength": 200}
CREATE = {"type": "object", "required": ["project_code", "year"], "properties": {
    "project_code": {"type": "string", "maxLength": 40}, "year": {"type": "integer", "minimum": 1990},
    "aid_type": {"type": "string", "maxLength": 40, "description": "只调查此帮扶类型"},
    "sample": {"type": "string", "maxLength": 12, "description": "full、random 或 n:N"},
    "confidence": {"type": "number", "minimum": 0.5}, "margin": {"type": "number", "minimum": 0.005},
    "strata": {"type": "string", "enum": list(vocab.STRATA)}, "seed": {"type": "integer", "minimum": 0},
    "method": {"type": "string", "enum": list(vocab.METHODS)}, "name": _TEXT,
    "no_phone": {"type": "string", "enum": list(vocab.NO_PHONE)}, "rule": {"type": "string", "enum": list(vocab.RULES)},
    "reserve_percent": {"type": "integer", "minimum": 0}, "unreachable_attempts": {"type": "integer", "minimum": 1}}}
CREATED = {"type": "object", "properties": {
    "id": {"type": "integer"}, "frame_size": {"type": "integer"}, "sample_size": {"type": "integer"},
    "reserve_size": {"type": "integer"}, "seed": {"type": "integer"},
    "strata": {"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string"}, "frame": {"type": "integer"}, "sample": {"type": "integer"}}}}}}
RESULT = {"type": "object", "properties": {
    "completed": {"type": "integer"}, "response_rate": {"type": "number", "nullable": True},
    "satisfaction_rate": {"type": "number", "nullable": True}, "ci_low": {"type": "number", "nullable": True},
    "ci_high": {"type": "number", "nullable": True}, "rule": {"type": "string", "enum": list(vocab.RULES)}}}
SURVEY = {"type": "object", "properties": {
    **CREATED["properties"], "name": {"type": "string"}, "project_code": {"type": "string"},
    "year": {"type": "integer"}, "method": {"type": "string"}, "sampling": {"type": "string"},
    "status": {"type": "string", "enum": ["open", "closed"]},
    "confidence": {"type": "number", "nullable": True}, "margin": {"type": "number", "nullable": True},
    "z": {"type": "number", "nullable": True}, "n0": {"type": "number", "nullable": True}, "result": RESULT}}
_CHOICE = {"type": "string", "nullable": True}
ANSWER = {"type": "object", "required": ["member_id", "outcome"], "properties": {
    "member_id": {"type": "integer"}, "outcome": {"type": "string", "enum": list(vocab.OUTCOMES)},
    "satisfaction": {**_CHOICE, "enum": list(vocab.SATISFACTION)},
    "received": {**_CHOICE, "enum": list(vocab.RECEIVED)},
    "full_amount": {**_CHOICE, "enum": list(vocab.YES_NO)}, "on_time": {**_CHOICE, "enum": list(vocab.YES_NO)},
    "knew_publicity": {**_CHOICE, "enum": list(vocab.YES_NO)}, "comment": {"type": "string", "maxLength": 500},
    "attempts": {"type": "integer", "minimum": 0}}}
REOPEN = {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string", "maxLength": 500}}}
MEMBER = {"type": "object", "properties": {
    "id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"}, "township": {"type": "string"},
    "role": {"type": "string"}, "outcome": {"type": "string", "nullable": True}, "attempts": {"type": "integer"},
    "satisfaction": {"type": "string", "nullable": True}, "is_replaced": {"type": "boolean"}}}


def survey_json(survey) -> dict:
    """A survey with its sampling inputs and its result (live while open)."""
    def num(value):
        return float(value) if value is not None else None

    return {**create_json(survey), "name": survey.name, "project_code": survey.project.code, "year": survey.year,
            "method": survey.method, "sampling": survey.sampling, "status": survey.status,
            "confidence": num(survey.confidence), "margin": num(survey.margin), "z": num(survey.z_value),
            "n0": num(survey.n0), "result": results.result_json(survey)}


def _params(data: dict) -> SurveyParams:
    project = services.project_of_year(data["project_code"], data["year"])
    sampling, fixed_n = parse_sample(data.get("sample", "full"))
    aid_type_id = None
    if data.get("aid_type"):
        from caseapp.payments.settings import aid_type_named

        aid_type_id = aid_type_named(data["aid_type"]).id
    try:
        confidence, margin = Decimal(str(data.get("confidence", "0.95"))), Decimal(str(data.get("margin", "0.05")))
    except InvalidOperation:
        raise ValidationFailed("confidence 和 margin 应为小数", field="confidence") from None
    return SurveyParams(project_id=project.id, name=data.get("name", ""), method=data.get("method", "phone"),
                        sampling=sampling, fixed_n=fixed_n, strata=data.get("strata"), seed=data.get("seed"),
                        confidence=confidence, margin=margin, aid_type_id=aid_type_id,
                        no_phone=data.get("no_phone", "visit"), rule=data.get("rule", "binary"),
                        reserve_percent=data.get("reserve_percent", 20),
                        unreachable_attempts=data.get("unreachable_attempts", 3))


@endpoint("/surveys", methods=("GET",), tag="surveys", summary="满意度调查列表", query={"year": YEAR},
          response={"type": "object", "properties": {"items": {"type": "array", "items": SURVEY}}})
def list_surveys():
    """Surveys of the caller's subtree, newest first; ``?year=`` filters."""
    year = request.args.get("year", type=int)
    return jsonify({"items": [survey_json(s) for s in services.list_surveys(year=year)]})


@endpoint("/surveys", methods=("POST",), tag="surveys", summary="建立满意度调查（冻结抽样框并抽样）", body=CREATE,
          response=CREATED, status=201)
def create_survey():
    """The frame is the 到账 recipients in the caller's scope; the seed is recorded (given or generated)."""
    survey = services.create_survey(_params(json_body(CREATE)))
    return jsonify(create_json(survey)), 201


@endpoint("/surveys/<int:survey_id>", methods=("GET",), tag="surveys", summary="满意度调查详情", response=SURVEY)
def get_survey(survey_id: int):
    """Sampling inputs (N, n, z, n₀, seed, strata) and the result."""
    return jsonify(survey_json(services.get_survey(survey_id)))


@endpoint("/surveys/<int:survey_id>/members", methods=("GET",), tag="surveys", summary="回访名单（脱敏）",
          response={"type": "object", "properties": {"items": {"type": "array", "items": MEMBER}}})
def list_members(survey_id: int):
    """The calling list in drawing order; no phone numbers."""
    survey = services.get_survey(survey_id)
    return jsonify({"items": [{"id": m.id, "code": callsheet.member_code(survey, m), "name": m.name,
                               "township": m.township, "role": m.role, "outcome": m.outcome, "attempts": m.attempts,
                               "satisfaction": m.satisfaction, "is_replaced": m.is_replaced}
                              for m in callsheet.calling_list(survey)]})


@endpoint("/surveys/<int:survey_id>/sheet", methods=("GET",), tag="surveys", summary="下载回访表 .xlsx",
          query={"full_phones": {"type": "boolean"}, "caller": {"type": "string", "maxLength": 100}})
def export_sheet(survey_id: int):
    """``?full_phones=1`` for 回访员 and 管理员 only (audited); ``?caller=`` one caller's share."""
    full = request.args.get("full_phones") in ("1", "true")
    content = callsheet.export_sheet(services.get_survey(survey_id), full_phones=full,
                                     caller=(request.args.get("caller") or None))
    return xlsx_response(content, f"survey_{survey_id}.xlsx", no_store=full)


@endpoint("/surveys/<int:survey_id>/sheet", methods=("POST",), tag="surveys",
          summary="导入回访表（请求体为 .xlsx 文件内容，全部通过才写入）",
          response={"type": "object", "properties": {"answers": {"type": "integer"}}})
def import_sheet(survey_id: int):
    """Body: the workbook's bytes. 422 ``{"errors": [{"row", "column", "message"}]}`` writes nothing."""
    survey = services.get_survey(survey_id)
    result = callsheet.import_sheet(survey, request.get_data(cache=False), filename="api.xlsx")
    if not result.ok:
        return jsonify({"error": "validation", "message": f"回访表有 {len(result.errors)} 处错误，整个文件未导入",
                        "errors": callsheet.errors_as_json(result.errors)}), 422
    return jsonify({"answers": result.created})


@endpoint("/surveys/<int:survey_id>/answers", methods=("POST",), tag="surveys", summary="录入一位对象的回访结果",
          body=ANSWER, response=MEMBER, status=201)
def add_answer(survey_id: int):
    """Attempts count up by one unless given; an unreachable person is replaced from the reserve."""
    survey = services.get_survey(survey_id)
    data = json_body(ANSWER)
    member = services.get_member(survey, data["member_id"])
    answers.record_answer(survey, member, AnswerData(**{k: data.get(k) for k in ANSWER["properties"]
                                                        if k != "member_id"}))
    return jsonify({"id": member.id, "code": callsheet.member_code(survey, member), "name": member.name,
                    "township": member.township, "role": member.role, "outcome": member.outcome,
                    "attempts": member.attempts, "satisfaction": member.satisfaction,
                    "is_replaced": member.is_replaced}), 201


@endpoint("/surveys/<int:survey_id>/close", methods=("POST",), tag="surveys",
          summary="结束调查（满意率计入项目满意度指标完成值）", response=RESULT)
def close_survey(survey_id: int):
    """409 without a completed answer."""
    survey = services.get_survey(survey_id)
    results.close_survey(survey)
    return jsonify(results.result_json(survey))


@endpoint("/surveys/<int:survey_id>/reopen", methods=("POST",), tag="surveys", summary="重新开启调查（记入审计日志）",
          body=REOPEN, response=SURVEY)
def reopen_survey(survey_id: int):
    """Reviewers and admins, with a reason."""
    survey = services.get_survey(survey_id)
    results.reopen_survey(survey, json_body(REOPEN)["reason"])
    return jsonify(survey_json(survey))
