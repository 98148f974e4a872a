"""绩效运行监控 over the API: the year's projects at a month end, and entering a project's columns."""
from __future__ import annotations

from flask import jsonify, request

from caseapp.api import endpoint, json_body
from caseapp.core.errors import ValidationFailed
from caseapp.evaluation import services as evaluation
from caseapp.monitoring import services
from caseapp.monitoring.models import CAUSES, LIKELIHOODS

_CAUSES = {"type": "array", "items": {"type": "string", "enum": list(CAUSES)}}
ITEM = {"type": "object", "required": ["indicator_id"], "properties": {
    "indicator_id": {"type": "integer"}, "expected_text": {"type": "string", "maxLength": 2000},
    "likelihood": {"type": "string", "enum": list(LIKELIHOODS), "nullable": True}, "causes": _CAUSES,
    "cause_note": {"type": "string", "maxLength": 2000}, "measures": {"type": "string", "maxLength": 4000}}}
REPORT = {"type": "object", "required": ["month"], "properties": {
    "year": {"type": "integer"}, "month": {"type": "integer", "minimum": 1},
    "expected_spend_fen": {"type": "integer", "minimum": 0, "nullable": True}, "spend_causes": _CAUSES,
    "spend_measures": {"type": "string", "maxLength": 4000}, "indicators": {"type": "array", "items": ITEM}}}


@endpoint("/monitoring", tag="monitoring", summary="1–N月绩效运行监控（year、month 必填）：执行率、指标进度、红黄绿灯",
          response={"type": "object", "properties": {"projects": {"type": "array", "items": {"type": "object"}}}})
def list_monitoring():
    """Every readable project of the year at the end of ``month``."""
    year, month = request.args.get("year", type=int), request.args.get("month", type=int)
    if not year or not month:
        raise ValidationFailed("请指定 year 和 month", field="month")
    return jsonify({"projects": [m.as_json() for m in services.year_monitoring(year, month)]})


@endpoint("/projects/<code>/monitoring", methods=("POST",), tag="monitoring", body=REPORT,
          response={"type": "object"}, summary="填写项目的全年预计执行数、预计完成情况、完成目标可能性、偏差原因和纠偏措施")
def save_monitoring(code: str):
    """Store the entered columns for 1–``month``月 and return the project's monitoring table."""
    project = evaluation.project_by_code(code, request.args.get("year", type=int))
    data = json_body(REPORT)
    items = {i["indicator_id"]: services.ItemEntry(i.get("expected_text", ""), i.get("likelihood"),
                                                   i.get("causes", []), i.get("cause_note", ""), i.get("measures", ""))
             for i in data.get("indicators", [])}
    services.save_report(project, data["month"], data.get("expected_spend_fen"), data.get("spend_causes", []),
                         data.get("spend_measures", ""), items)
    return jsonify(services.monitor_projects([project], data["month"])[0].as_json())
