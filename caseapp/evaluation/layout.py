"""The official layouts: 项目支出绩效自评表 and 部门整体支出绩效自评表 as printable grids (amounts in 万元)."""
from __future__ import annotations

from itertools import groupby

from caseapp.core.calendar import format_date_zh
from caseapp.core.printform import Sheet, wan
from caseapp.evaluation.department import DepartmentResult
from caseapp.evaluation.results import ExecutionResult, IndicatorResult, ProjectResult

#: 9 columns on A4 portrait (17.7 cm between the margins)
PROJECT_WIDTHS = [1.6, 1.5, 1.7, 2.3, 2.0, 2.0, 1.4, 1.4, 3.8]
DEPARTMENT_WIDTHS = [2.0, 4.1, 1.9, 1.9, 1.9, 1.7, 1.6, 2.6]
DASH = "—"


def project_sheet(result: ProjectResult, name: str | None = None) -> Sheet:
    """项目支出绩效自评表 of one project."""
    sheet = Sheet(name or result.name[:31], "项目支出绩效自评表", f"（{result.year}年度）　　　金额单位：万元",
                  PROJECT_WIDTHS, footer=signatures(result.submitted_by, result.reviewed_by, result.submitted_on))
    sheet.add(0, 0, "项目名称", bold=True)
    sheet.add(0, 1, result.name, colspan=8, align="left")
    sheet.add(1, 0, "主管部门", bold=True)
    sheet.add(1, 1, result.department, colspan=3, align="left")
    sheet.add(1, 4, "实施单位", colspan=2, bold=True)
    sheet.add(1, 6, result.unit, colspan=3, align="left")
    _money_block(sheet, 2, result.execution)
    sheet.add(7, 0, "年度总体目标", rowspan=2, bold=True)
    sheet.add(7, 1, "预期目标", colspan=4, bold=True)
    sheet.add(7, 5, "实际完成情况", colspan=4, bold=True)
    sheet.add(8, 1, result.goal_text, colspan=4, align="left")
    sheet.add(8, 5, result.overall_actual, colspan=4, align="left")
    last = _indicator_block(sheet, 9, result.indicators)
    sheet.add(last, 0, "总分", colspan=6, bold=True)
    sheet.add(last, 6, sum((i.weight for i in result.indicators), result.execution.weight), decimals=2)
    sheet.add(last, 7, result.total, decimals=2, bold=True)
    sheet.add(last, 8, f"自评等级：{result.grade}", bold=True)
    return sheet


def _money_block(sheet: Sheet, top: int, ex: ExecutionResult) -> None:
    """项目资金（万元）: 年度资金总额 and its sources × 年初预算数 / 全年预算数 / 全年执行数 / 分值 / 执行率 / 得分."""
    sheet.add(top, 0, "项目资金（万元）", rowspan=5, bold=True)
    sheet.add(top, 1, "", colspan=2)
    for col, label in enumerate(("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"), start=3):
        sheet.add(top, col, label, bold=True)
    rows = [("年度资金总额", (ex.initial_fen, ex.budget_fen, ex.spent_fen))] + _sources(ex)
    for n, (label, amounts) in enumerate(rows, start=1):
        sheet.add(top + n, 1, label, colspan=2, align="left")
        for col, fen in enumerate(amounts, start=3):
            sheet.add(top + n, col, wan(fen) if fen is not None else DASH, decimals=2)
        scored = n == 1
        sheet.add(top + n, 6, ex.weight if scored else DASH, decimals=2)
        sheet.add(top + n, 7, ex.rate if scored and ex.rate is not None else DASH, decimals=2, percent=True)
        sheet.add(top + n, 8, ex.score if scored and ex.score is not None else DASH, decimals=2)


def _sources(ex: ExecutionResult) -> list[tuple[str, tuple]]:
    """其中：本年财政拨款 / 上年结转资金 / 其他资金. A single-source project repeats its totals in its row;
    a mixed one shows the document's split of 年初预算数 only (the ledger does not record the source)."""
    total = (ex.initial_fen, ex.budget_fen, ex.spent_fen)
    zero = (0, 0, 0)
    if ex.other_fen == 0:
        fiscal, other = total, zero
    elif ex.fiscal_fen == 0:
        fiscal, other = zero, total
    else:
        fiscal, other = (ex.fiscal_fen, None, None), (ex.other_fen, None, None)
    return [("其中：本年财政拨款", fiscal), ("上年结转资金", (None, None, None)), ("其他资金", other)]


def _indicator_block(sheet: Sheet, top: int, indicators: list[IndicatorResult]) -> int:
    """The indicator table; 一级 and 二级 merged down their rows. Returns the row after it."""
    sheet.add(top, 0, "绩效指标", rowspan=1 + len(indicators), bold=True)
    for col, label in enumerate(("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                                 "偏差原因分析及改进措施"), start=1):
        sheet.add(top, col, label, bold=True)
    return level_rows(sheet, top + 1, indicators, _indicator_row)


def level_rows(sheet: Sheet, row: int, items: list, write) -> int:
    """一级 (column 1) and 二级 (column 2) merged down their rows; ``write(sheet, row, item)`` fills the rest.
    Returns the row after the last item."""
    for level1, group in groupby(items, key=lambda i: i.level1):
        group = list(group)
        sheet.add(row, 1, level1, rowspan=len(group))
        for level2, sub in groupby(group, key=lambda i: i.level2):
            sub = list(sub)
            sheet.add(row, 2, level2, rowspan=len(sub))
            for item in sub:
                write(sheet, row, item)
                row += 1
    return row


def _indicator_row(sheet: Sheet, row: int, i: IndicatorResult) -> None:
    sheet.add(row, 3, i.level3, align="left")
    sheet.add(row, 4, i.target_text)
    sheet.add(row, 5, i.actual_text + ("（调整）" if i.source == "override" else ""))
    if i.not_applicable:
        sheet.add(row, 6, DASH)
        sheet.add(row, 7, DASH)
        sheet.add(row, 8, f"不适用：{i.na_reason}", align="left")
        return
    sheet.add(row, 6, i.weight, decimals=2)
    sheet.add(row, 7, i.score if i.score is not None else "", decimals=2)
    notes = [i.reason_text] + ([f"完成值调整理由：{i.override_reason}"] if i.source == "override" else [])
    sheet.add(row, 8, "\n".join(n for n in notes if n), align="left")


def signatures(submitted_by: str | None, reviewed_by: str | None, on) -> list[str]:
    """The lines to sign under a form."""
    day = format_date_zh(on) if on else "　　年　　月　　日"
    return [f"填报人：{submitted_by or '　　　'}（签字）　审核人：{reviewed_by or '　　　'}（签字）"
            "　单位负责人：　　　（签字）",
            f"填报日期：{day}　　　（单位盖章）"]


def department_sheet(result: DepartmentResult) -> Sheet:
    """部门整体支出绩效自评表."""
    sheet = Sheet(result.org_name[:31], "部门整体支出绩效自评表", f"（{result.year}年度）　　　金额单位：万元",
                  DEPARTMENT_WIDTHS, footer=signatures(result.submitted_by, result.reviewed_by, result.submitted_on))
    sheet.add(0, 0, "部门名称", bold=True)
    sheet.add(0, 1, result.org_name, colspan=7, align="left")
    rows = len(result.projects) + 2
    sheet.add(1, 0, "年度预算执行与项目自评", rowspan=rows, bold=True)
    for col, label in enumerate(("项目", "年初预算数", "全年预算数", "全年执行数", "执行率", "自评得分", "自评等级"),
                                start=1):
        sheet.add(1, col, label, bold=True)
    for n, p in enumerate(result.projects, start=2):
        _department_line(sheet, n, p.name, (p.initial_fen, p.budget_fen, p.spent_fen), p.rate, p.total, p.grade)
    _department_line(sheet, rows, "合计", (result.initial_fen, result.budget_fen, result.spent_fen), result.rate,
                     result.average, result.grade, bold=True)
    top = rows + 1
    sheet.add(top, 0, "年度总体目标", rowspan=1 + len(result.goals), bold=True)
    sheet.add(top, 1, "预期目标", colspan=4, bold=True)
    sheet.add(top, 5, "实际完成情况", colspan=3, bold=True)
    for n, goal in enumerate(result.goals, start=top + 1):
        sheet.add(n, 1, f"{goal.title}：{goal.target_text}", colspan=4, align="left")
        sheet.add(n, 5, goal.actual_text, colspan=3, align="left")
    last = top + 1 + len(result.goals)
    sheet.add(last, 0, "部门整体自评得分（各项目得分按全年预算数加权）", colspan=6, bold=True)
    sheet.add(last, 6, result.average, decimals=2, bold=True)
    sheet.add(last, 7, f"自评等级：{result.grade}", bold=True)
    return sheet


def _department_line(sheet: Sheet, row: int, label: str, amounts: tuple, rate, total, grade, bold=False) -> None:
    sheet.add(row, 1, label, align="left", bold=bold)
    for col, fen in enumerate(amounts, start=2):
        sheet.add(row, col, wan(fen), decimals=2)
    sheet.add(row, 5, rate if rate is not None else DASH, decimals=2, percent=True)
    sheet.add(row, 6, total, decimals=2)
    sheet.add(row, 7, grade)
