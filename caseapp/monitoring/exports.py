"""绩效运行监控表 as .xlsx: one landscape A4 sheet per project (amounts in 万元)."""
from __future__ import annotations

from caseapp.core import printform_xlsx
from caseapp.core.errors import ValidationFailed
from caseapp.core.printform import Sheet, sheet_name, wan
from caseapp.evaluation.layout import DASH, level_rows, signatures
from caseapp.monitoring.models import CAUSES
from caseapp.monitoring.services import IndicatorMonitor, ProjectMonitor

#: 15 columns on A4 landscape (26.4 cm between the margins)
WIDTHS = [1.6, 1.5, 1.7, 2.8, 2.0, 2.0, 2.0, 1.6, 1.1, 1.1, 1.1, 1.1, 1.1, 3.9, 1.3]
_CHECK = "√"


def workbook(monitors: list[ProjectMonitor]) -> bytes:
    """Every project's monitoring table, a worksheet each."""
    if not monitors:
        raise ValidationFailed("没有可导出的项目", field="year")
    taken: set[str] = set()
    return printform_xlsx.workbook([monitor_sheet(m, sheet_name(m.name, taken)) for m in monitors])


def monitor_sheet(m: ProjectMonitor, name: str | None = None) -> Sheet:
    """项目支出绩效运行监控表 of one project for 1–N月."""
    day = m.month_end
    sheet = Sheet(name or m.name[:31], f"{m.year}年度项目支出绩效运行监控表（1–{m.month}月）",
                  f"（数据截至{day.year}年{day.month}月{day.day}日）　　　金额单位：万元", WIDTHS,
                  footer=signatures(None, None, None), landscape=True)
    sheet.add(0, 0, "项目名称", bold=True)
    sheet.add(0, 1, m.name, colspan=7, align="left")
    sheet.add(0, 8, "实施单位", colspan=3, bold=True)
    sheet.add(0, 11, m.unit, colspan=4, align="left")
    _budget_block(sheet, 1, m)
    _indicator_block(sheet, 3, m)
    return sheet


def _budget_block(sheet: Sheet, top: int, m: ProjectMonitor) -> None:
    sheet.add(top, 0, "预算执行情况", rowspan=2, bold=True)
    heads = ((1, 2, "年初预算数"), (3, 1, "调整后预算数"), (4, 1, f"1–{m.month}月执行数"), (5, 1, "执行率"),
             (6, 1, "资金支出计划进度"), (7, 1, "全年预计执行数"), (8, 5, "偏差原因"), (13, 1, "纠偏措施"), (14, 1, "预警"))
    for col, span, label in heads:
        sheet.add(top, col, label, colspan=span, bold=True)
    row = top + 1
    sheet.add(row, 1, wan(m.initial_fen), colspan=2, decimals=2)
    sheet.add(row, 3, wan(m.budget_fen), decimals=2)
    sheet.add(row, 4, wan(m.spent_fen), decimals=2)
    sheet.add(row, 5, m.rate if m.rate is not None else DASH, decimals=2, percent=True)
    sheet.add(row, 6, f"{m.planned_percent}%")
    sheet.add(row, 7, wan(m.expected_spend_fen) if m.expected_spend_fen is not None else "", decimals=2)
    sheet.add(row, 8, "、".join(m.spend_causes), colspan=5)
    sheet.add(row, 13, m.spend_measures, align="left")
    sheet.add(row, 14, m.light_label)


def _indicator_block(sheet: Sheet, top: int, m: ProjectMonitor) -> None:
    """Two header rows (偏差原因 split into its five kinds), then one row per indicator, 一级/二级 merged."""
    sheet.add(top, 0, "绩效指标", rowspan=2 + len(m.indicators), bold=True)
    singles = ((1, "一级指标"), (2, "二级指标"), (3, "三级指标"), (4, "年度指标值"), (5, f"1–{m.month}月完成情况"),
               (6, "全年预计完成情况"), (7, "完成目标可能性"), (13, "纠偏措施"), (14, "预警"))
    for col, label in singles:
        sheet.add(top, col, label, rowspan=2, bold=True)
    sheet.add(top, 8, "偏差原因", colspan=5, bold=True)
    for col, cause in enumerate(CAUSES, start=8):
        sheet.add(top + 1, col, cause, bold=True)
    level_rows(sheet, top + 2, m.indicators, _indicator_row)


def _indicator_row(sheet: Sheet, row: int, i: IndicatorMonitor) -> None:
    sheet.add(row, 3, i.level3, align="left")
    sheet.add(row, 4, i.target_text)
    sheet.add(row, 5, i.value_text)
    sheet.add(row, 6, i.expected_text)
    sheet.add(row, 7, i.likelihood or "")
    for col, cause in enumerate(CAUSES, start=8):
        mark = _CHECK if cause in i.causes else ""
        sheet.add(row, col, f"{mark}{i.cause_note}" if cause == "其他" and mark and i.cause_note else mark)
    sheet.add(row, 13, i.measures, align="left")
    sheet.add(row, 14, i.light_label)
