"""What refuses a whole document: cells that cannot be stored as they are. Answerable gaps are questions instead."""
from __future__ import annotations

from caseapp.budgets.importer.document import ParsedDocument
from caseapp.budgets.importer.identity import Identity
from caseapp.core.errors import ValidationFailed

#: Column widths of the models, checked before writing so PostgreSQL never truncates or refuses.
_LIMITS = (("code", "项目编码", 40), ("name", "项目名称", 300), ("heading", "标题", 400))
_INDICATOR_LIMITS = (("level1", "一级指标", 40), ("level2", "二级指标", 60), ("level3", "三级指标", 200))
#: Numeric(8, 2)
_MAX_WEIGHT = 999_999


def validate(document: ParsedDocument, identities: list[Identity], unit_open: bool) -> None:
    """Refuse the document when a cell cannot be stored; the message names the table, row and cell."""
    seen: dict[str, str] = {}
    for number, item in enumerate(identities, start=1):
        project = item.parsed
        where = f"第{number}个项目表（{project.label}）"
        _unique(item, where, seen)
        for attr, label, limit in _LIMITS:
            if len(getattr(project, attr)) > limit:
                raise ValidationFailed(f"{where}的“{label}”超过 {limit} 个字", field="file")
        if project.budget_fen is None and not (unit_open and project.unit is None):
            raise ValidationFailed(f"{where}的“预算数”单元格为空或无法识别为金额"
                                   f"（单位：{project.unit or '未注明'}）", field="file")
        _plan(project.spending_plan, where)
        _indicators(project.indicators, where)


def _unique(item: Identity, where: str, seen: dict[str, str]) -> None:
    """Two tables may not be the same project: by code, or by name when neither has a code."""
    project = item.parsed
    if not project.name and item.code_source != "document":
        raise ValidationFailed(f"{where}既没有项目编码也没有项目名称，无法识别是哪个项目", field="file")
    by_code = item.code_source in ("document", "answer")
    key = project.code if by_code else f"name:{project.name}"
    if key in seen:
        what = f"项目编码 {project.code}" if by_code else f"项目名称“{project.name}”"
        raise ValidationFailed(f"{where}的{what}与{seen[key]}重复", field="file")
    seen[key] = where


def _plan(plan, where: str) -> None:
    """Months once each, shares between 0 and 100."""
    months = [point.month for point in plan]
    if len(set(months)) != len(months):
        raise ValidationFailed(f"{where}的“资金支出计划”有重复的月份", field="file")
    for point in plan:
        if not 0 <= point.percent <= 100:
            raise ValidationFailed(f"{where}的“资金支出计划”{point.month}月底为 {point.percent}%，应在 0–100% 之间",
                                   field="file")


def _indicators(indicators, where: str) -> None:
    """Level texts within their columns, weights within theirs."""
    for row, indicator in enumerate(indicators, start=1):
        for attr, label, limit in _INDICATOR_LIMITS:
            if len(getattr(indicator, attr)) > limit:
                raise ValidationFailed(f"{where}的绩效指标表第{row}行“{label}”超过 {limit} 个字", field="file")
        if indicator.weight is not None and indicator.weight > _MAX_WEIGHT:
            raise ValidationFailed(f"{where}的绩效指标表第{row}行的分值/权重 {indicator.weight} 过大", field="file")
