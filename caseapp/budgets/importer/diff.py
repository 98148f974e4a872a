"""Comparing a parsed project with the stored one, and writing it: fields, spending plan, indicators."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from caseapp.budgets.importer.document import ParsedIndicator, ParsedProject, PlanPoint
from caseapp.budgets.importer.identity import Identity
from caseapp.budgets.models import Indicator, Project, SpendingPlanPoint
from caseapp.core.db import db
from caseapp.core.money import format_yuan
from caseapp.orgs.models import Organisation

#: Project fields compared and written, with their Chinese labels.
_FIELDS = (("code", "项目编码"), ("name", "项目名称"), ("budget_fen", "预算数"), ("fiscal_fen", "财政资金"), ("other_fen", "其他资金"),
           ("purpose", "资金用途"), ("goal_text", "绩效目标"), ("source_unit", "金额单位"), ("heading", "标题"))
_MONEY = {"budget_fen", "fiscal_fen", "other_fen"}
_INDICATOR_FIELDS = (("level1", "一级指标"), ("level2", "二级指标"), ("level3", "三级指标"),
                     ("description", "绩效指标描述"), ("target_text", "指标值"), ("basis", "指标值确定依据"),
                     ("weight", "分值/权重"))


@dataclass
class FieldChange:
    """One difference between the stored project and the document, as shown to the admin."""

    label: str
    before: str
    after: str


def parsed_fields(parsed: ParsedProject) -> dict:
    """The document's values for the stored project fields."""
    return {"code": parsed.code, "name": parsed.name, "budget_fen": parsed.budget_fen, "fiscal_fen": parsed.fiscal_fen,
            "other_fen": parsed.other_fen, "purpose": parsed.purpose, "goal_text": parsed.goal_text,
            "source_unit": parsed.unit, "heading": parsed.heading}


def plan_text(plan: list[PlanPoint]) -> str:
    """3月底25%、6月底50%… (or 未填写)."""
    return "、".join(f"{month}月底{percent}%" for month, percent in plan) or "未填写"


def project_changes(identity: Identity, org: Organisation) -> list[FieldChange]:
    """Field-by-field differences, the plan and each indicator row included."""
    parsed, stored = identity.parsed, identity.stored
    changes = []
    if stored.org_id != org.id:
        changes.append(FieldChange("所属组织", stored.org.name, org.name))
    for attr, label in _FIELDS:
        before, after = getattr(stored, attr), parsed_fields(parsed)[attr]
        if before != after:
            shown = format_yuan if attr in _MONEY else _text
            changes.append(FieldChange(label, shown(before), shown(after)))
    stored_plan = [PlanPoint(p.month, p.percent) for p in stored.plan_points]
    if stored_plan != parsed.spending_plan:
        changes.append(FieldChange("资金支出计划", plan_text(stored_plan), plan_text(parsed.spending_plan)))
    return changes + _indicator_changes(list(stored.indicators), parsed.indicators)


def _indicator_changes(stored: list[Indicator], parsed: list[ParsedIndicator]) -> list[FieldChange]:
    """Added, removed and edited indicator rows."""
    matches = match_indicators(stored, parsed)
    changes = []
    for row, (new, old) in enumerate(zip(parsed, matches), start=1):
        if old is None:
            changes.append(FieldChange(f"绩效指标第{row}行", "（无）", f"{new.level3}：{new.target_text}"))
            continue
        for attr, label in _INDICATOR_FIELDS:
            if getattr(old, attr) != getattr(new, attr):
                changes.append(FieldChange(f"绩效指标第{row}行“{new.level3}”的{label}", _text(getattr(old, attr)),
                                           _text(getattr(new, attr))))
    kept = {id(m) for m in matches if m is not None}
    changes += [FieldChange("删除绩效指标", f"{old.level3}：{old.target_text}", "（无）")
                for old in stored if id(old) not in kept]
    return changes


def match_indicators(stored: list[Indicator], parsed: list[ParsedIndicator]) -> list[Indicator | None]:
    """For each parsed row, the stored indicator it updates: same 三级指标 first, else same position."""
    unused = list(stored)
    matches: list[Indicator | None] = []
    for new in parsed:
        found = next((old for old in unused if old.level3 == new.level3), None)
        matches.append(found)
        if found is not None:
            unused.remove(found)
    for position, new in enumerate(parsed):
        if matches[position] is None:
            same_place = next((old for old in unused if old.position == position), None)
            if same_place is not None:
                matches[position] = same_place
                unused.remove(same_place)
    return matches


def _text(value) -> str:
    """A stored or parsed value as shown in the diff (an empty weight as 无)."""
    if value is None:
        return "无"
    return str(number(value)) if isinstance(value, Decimal) else str(value)


def apply_project(identity: Identity, year: int, org: Organisation) -> Project:
    """Create or update the project (found by code, else by name) with its plan and indicators."""
    parsed, stored = identity.parsed, identity.stored
    project = stored or Project(year=year, code=parsed.code)
    if stored is None:
        db.session.add(project)
    project.org = org
    for attr, value in {**parsed_fields(parsed), "code_generated": identity.code_generated}.items():
        if getattr(project, attr) != value:
            setattr(project, attr, value)
    _apply_plan(project, parsed.spending_plan)
    _apply_indicators(project, parsed.indicators)
    return project


def _apply_plan(project: Project, plan: list[PlanPoint]) -> None:
    """Update points by month in place (the (project, month) pair is unique), drop and add the rest."""
    wanted = dict(plan)
    for point in list(project.plan_points):
        if point.month in wanted:
            point.percent = wanted.pop(point.month)
        else:
            project.plan_points.remove(point)
    for month, percent in sorted(wanted.items()):
        project.plan_points.append(SpendingPlanPoint(month=month, percent=percent))


def _apply_indicators(project: Project, parsed: list[ParsedIndicator]) -> None:
    """Update matched indicators (ids kept), add new rows, delete rows the document no longer has."""
    matches = match_indicators(list(project.indicators), parsed)
    kept = {id(m) for m in matches if m is not None}
    for old in [i for i in project.indicators if id(i) not in kept]:
        project.indicators.remove(old)
    for position, (new, old) in enumerate(zip(parsed, matches)):
        if old is None:
            old = Indicator()
            project.indicators.append(old)
        _fill_indicator(old, new, position)


def _fill_indicator(indicator: Indicator, new: ParsedIndicator, position: int) -> None:
    """Copy one row; the metric is re-suggested only when the target itself changed."""
    retarget = indicator.target_text != new.target_text or indicator.metric is None
    values = {"position": position, "level1": new.level1, "level2": new.level2, "level3": new.level3,
              "description": new.description, "target_text": new.target_text, "basis": new.basis,
              "direction": new.target.direction, "target_value": new.target.value, "unit": new.target.unit,
              "target_parts": [[part.label, number(part.value), part.unit] for part in new.target.parts] or None,
              "weight": new.weight, "category": new.category}
    if retarget:
        values["metric"] = new.metric
    for attr, value in values.items():
        if getattr(indicator, attr) != value:
            setattr(indicator, attr, value)


def number(value: Decimal | None) -> int | float | None:
    """A Decimal as a JSON number: int when whole."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)
