"""The self-evaluation tables as files: one project, every project of a year (a sheet each), the department."""
from __future__ import annotations

from caseapp.core import printform_docx, printform_xlsx
from caseapp.core.errors import ValidationFailed
from caseapp.core.printform import sheet_name
from caseapp.evaluation.department import DepartmentResult
from caseapp.evaluation.layout import department_sheet, project_sheet
from caseapp.evaluation.results import ProjectResult

FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _render(sheets, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ValidationFailed("导出格式只能是 xlsx 或 docx", field="format")
    return printform_xlsx.workbook(sheets) if fmt == "xlsx" else printform_docx.document(sheets)


def projects_file(results: list[ProjectResult], fmt: str) -> bytes:
    """项目支出绩效自评表 of each project: one worksheet (or one section of the document) per project."""
    if not results:
        raise ValidationFailed("没有可导出的项目", field="year")
    taken: set[str] = set()
    return _render([project_sheet(r, sheet_name(r.name, taken)) for r in results], fmt)


def department_file(result: DepartmentResult, fmt: str) -> bytes:
    """部门整体支出绩效自评表."""
    return _render([department_sheet(result)], fmt)


def filename(year: int, what: str, fmt: str) -> str:
    """A download name such as 2025年度项目支出绩效自评表.xlsx."""
    return f"{year}年度{what}.{fmt}"
