"""The exported 自评表 read back: every merge where the official layout has it, the texts, the page setup."""
from datetime import date
from decimal import Decimal as D

from caseapp.evaluation import department, exports, services
from caseapp.evaluation.services import IndicatorChange
from tests.conftest import acting_as
from tests.evaluation.conftest import AID, aid_paid_to, complete
from tests.evaluation.readback import docx_grid, load_docx, load_xlsx, xlsx_merges, xlsx_text

#: 项目支出绩效自评表 of a project with 4 产出, 2 效益 and 1 满意度 indicators, each under its own 二级
AID_MERGES = {
    (0, 1, 0, 8),  # 项目名称
    (1, 1, 1, 3), (1, 4, 1, 5), (1, 6, 1, 8),  # 主管部门 | 实施单位
    (2, 0, 6, 0), (2, 1, 2, 2), (3, 1, 3, 2), (4, 1, 4, 2), (5, 1, 5, 2), (6, 1, 6, 2),  # 项目资金（万元）
    (7, 0, 8, 0), (7, 1, 7, 4), (7, 5, 7, 8), (8, 1, 8, 4), (8, 5, 8, 8),  # 年度总体目标 预期 | 实际
    (9, 0, 16, 0),  # 绩效指标, down the header and the 7 indicators
    (10, 1, 13, 1), (14, 1, 15, 1),  # 一级 产出指标 (4 rows), 效益指标 (2 rows); 满意度指标 has one row
    (17, 0, 17, 5),  # 总分
}


def _aid_result(union):
    aid_paid_to(union, paid=30)
    project = union.project(AID)
    with acting_as(union.users["finance"]):
        services.set_overall(project, "救助在档困难职工30人。", as_of=date(2025, 12, 31))
        services.update_indicator(project, union.indicator(AID, "救助人数").id, IndicatorChange(
            deviation_reason="9人年内解困退档", improvement="按在档人数动态调整"))
        services.update_indicator(project, union.indicator(AID, "满意率").id, IndicatorChange(
            override_text="96.5%", override_reason="电话回访记录"))
    return services.project_result(project)


def test_project_table_xlsx_cells_and_merges(union):
    result = _aid_result(union)
    wb = load_xlsx(exports.projects_file([result], "xlsx"))
    ws = wb.worksheets[0]
    assert ws.title == result.name[:31]
    assert xlsx_merges(ws, 18) == AID_MERGES
    assert ws["A1"].value == "项目支出绩效自评表" and ws["A2"].value.startswith("（2025年度）")
    assert [xlsx_text(ws, 2, c) for c in range(3, 9)] == ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率",
                                                          "得分"]
    assert [xlsx_text(ws, 3, c) for c in (1, 3, 4, 5, 6, 7, 8)] == ["年度资金总额", 47.66, 47.66, 36.0, 10.0,
                                                                   "75.54%", 7.55]
    assert ws.cell(row=6, column=4).number_format == "0.00"
    assert [xlsx_text(ws, 9, c) for c in range(0, 9)] == ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值",
                                                          "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    assert [xlsx_text(ws, 10, c) for c in (1, 2, 3, 4, 5, 6, 7)] == ["产出指标", "数量指标", "救助人数", "39人", "30人",
                                                                    12.5, 9.62]
    assert xlsx_text(ws, 10, 8) == "偏差原因：9人年内解困退档\n改进措施：按在档人数动态调整"
    assert xlsx_text(ws, 16, 5) == "96.5%（调整）" and xlsx_text(ws, 16, 8) == "完成值调整理由：电话回访记录"
    assert xlsx_text(ws, 17, 0) == "总分" and xlsx_text(ws, 17, 6) == 100.0
    assert xlsx_text(ws, 17, 7) == float(result.total) and xlsx_text(ws, 17, 8) == f"自评等级：{result.grade}"
    assert ws.cell(row=22, column=1).value.startswith("填报人：")  # a blank row under the table


def test_project_table_is_a4_ready_to_print(union):
    ws = load_xlsx(exports.projects_file([_aid_result(union)], "xlsx")).worksheets[0]
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert round(ws.page_margins.left * 2.54, 1) == 1.8 and ws.print_title_rows == "$1:$2"
    assert ws["A3"].border.left.style == "thin" and ws["I20"].border.bottom.style == "thin"
    assert ws["A6"].border.left.style == "thin" and ws["C6"].border.right.style == "thin"  # inside merges
    assert ws["A1"].font.name == "宋体" and ws["B13"].font.name == "仿宋" and ws["B13"].font.charset == 134
    assert sum(ws.column_dimensions[c].width for c in "ABCDEFGHI") * 0.19 == __import__("pytest").approx(17.7, 0.02)


def test_project_table_docx_cells_and_merges(union):
    result = _aid_result(union)
    doc = load_docx(exports.projects_file([result], "docx"))
    merges, texts = docx_grid(doc.tables[0])
    assert merges == AID_MERGES
    assert texts[(0, 0)] == "项目名称" and texts[(0, 1)] == result.name
    assert texts[(10, 3)] == "救助人数" and texts[(10, 7)] == "9.62" and texts[(3, 7)] == "75.54%"
    assert texts[(17, 7)] == f"{result.total:.2f}" and texts[(17, 8)] == f"自评等级：{result.grade}"
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert round(section.left_margin.cm, 1) == 1.8
    assert [p.text for p in doc.paragraphs[:2]] == ["项目支出绩效自评表", "（2025年度）　　　金额单位：万元"]
    assert any(p.text.startswith("填报人：") for p in doc.paragraphs)
    fonts = next(p for p in doc.part.package.iter_parts() if p.partname == "/word/fontTable.xml").blob.decode()
    assert 'w:name="仿宋"><w:altName w:val="FangSong"/>' in fonts


def test_one_workbook_for_all_projects_a_sheet_each(union):
    results = services.year_results(2025, as_of=date(2025, 12, 31))
    wb = load_xlsx(exports.projects_file(results, "xlsx"))
    assert [ws.title for ws in wb.worksheets] == [r.name[:31] for r in results]
    doc = load_docx(exports.projects_file(results, "docx"))
    assert len(doc.tables) == 3 and len(doc.sections) == 3


def test_department_table(union):
    aid_paid_to(union, paid=30)
    result = department.department_result(union.root.id, 2025, date(2025, 12, 31))
    ws = load_xlsx(exports.department_file(result, "xlsx")).worksheets[0]
    assert ws["A1"].value == "部门整体支出绩效自评表"
    assert xlsx_text(ws, 0, 0) == "部门名称" and xlsx_text(ws, 0, 1) == "魏县总工会"
    assert [xlsx_text(ws, 5, c) for c in (1, 2, 3, 4, 5)] == ["合计", 242.66, 242.66, 36.0, "14.84%"]
    assert xlsx_text(ws, 6, 1) == "预期目标" and xlsx_text(ws, 7, 1).startswith("总体绩效目标：2025年，县总工会")
    merges = xlsx_merges(ws, 13)
    assert (1, 0, 5, 0) in merges and (6, 0, 11, 0) in merges and (12, 0, 12, 5) in merges
    docx_merges, texts = docx_grid(load_docx(exports.department_file(result, "docx")).tables[0])
    assert docx_merges == merges and texts[(5, 1)] == "合计" and texts[(12, 6)] == f"{result.average:.2f}"


def test_formula_like_text_stays_text(union):
    project = union.project(AID)
    with acting_as(union.users["finance"]):
        services.set_overall(project, "=HYPERLINK(\"http://example.com\")", as_of=date(2025, 12, 31))
    ws = load_xlsx(exports.projects_file([services.project_result(project)], "xlsx")).worksheets[0]
    cell = ws.cell(row=8 + 3, column=6)
    assert cell.value == "=HYPERLINK(\"http://example.com\")" and cell.data_type == "s"


def test_complete_helper_fills_everything(union):
    project = union.project(AID)
    with acting_as(union.users["finance"]):
        complete(project)
        assert services.project_result(project).problems == []
    assert D(1)
