"""Other provinces' layouts (.docx and .xlsx): every budget in 分, every indicator's direction, value and unit."""
import pytest
from tests.budgets.docgen import build, build_xlsx, guantao_spec
from tests.budgets.layout import to_docx, to_xlsx
from tests.budgets.provinces import VARIANTS, headers_first, neighbour, unmapped_columns
from tests.budgets.reading import parse

from caseapp.budgets.importer.reader import DocumentError
from caseapp.budgets.importer.xlsx_source import xlsx_blocks
from tests.budgets.test_reader import SEED


def _write(layout, kind: str) -> bytes:
    return to_docx(layout) if kind == "docx" else to_xlsx(layout, numbers=True)


def _indicators(project):
    return [(i.level1, i.level3, i.target.direction, i.target.value, i.target.unit) for i in project.indicators]


def _dump(document) -> dict:
    """Everything a reading says except where it was written (cell names differ between the formats)."""
    return {"year": document.year, "org": document.org_name, "questions": [q.key for q in document.questions],
            "warnings": len(document.warnings), "shape": document.shape,
            "projects": [(p.code, p.name, p.unit, p.budget_fen, p.fiscal_fen, p.other_fen, p.purpose, p.goal_text,
                          p.spending_plan, p.heading,
                          [(i.level1, i.level2, i.level3, i.description, i.target_text, i.basis, i.metric, i.weight,
                            i.category) for i in p.indicators]) for p in document.projects],
            "rules": [(r.kind, r.value, r.unit, r.subject, r.source_text, r.project_code) for r in document.rules]}


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_province_layouts(name, kind):
    variant = VARIANTS[name]()
    data = _write(variant.layout, kind)
    assert [q.key for q in parse(data, kind).questions] == variant.questions
    document = parse(data, kind, **variant.answers)
    assert (document.year, document.questions) == (variant.year, [])
    assert len(document.projects) == len(variant.projects)
    for project, expected in zip(document.projects, variant.projects):
        assert project.code == "" or name == "chongqing"
        assert project.name == expected.name
        assert (project.budget_fen, project.fiscal_fen, project.other_fen) == (
            expected.budget_fen, expected.fiscal_fen, expected.other_fen)
        assert _indicators(project) == expected.indicators
        assert len(project.goal_text.splitlines()) == expected.goal_lines
        if expected.weights:
            assert [i.weight for i in project.indicators] == expected.weights
        if expected.categories:
            assert [i.category for i in project.indicators] == expected.categories


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_docx_and_xlsx_give_the_same_result(name):
    variant = VARIANTS[name]()
    docx_reading = parse(to_docx(variant.layout), "docx", **variant.answers)
    assert _dump(parse(to_xlsx(variant.layout), "xlsx", **variant.answers)) == _dump(docx_reading)
    assert _dump(parse(to_xlsx(variant.layout, numbers=True), "xlsx", **variant.answers)) == _dump(docx_reading)


def test_earlier_county_document_as_xlsx():
    assert _dump(parse(build_xlsx(guantao_spec(), numbers=True), "xlsx")) == _dump(parse(build(guantao_spec())))


def test_sichuan_funds_block_and_split_targets():
    project = parse(to_docx(VARIANTS["sichuan"]().layout)).projects[0]
    assert project.unit == "元" and project.budget_ref == "第1张表第7行第3列"  # the 合计 row
    on_time, per_head = project.indicators[2], project.indicators[3]
    assert (on_time.target_text, on_time.target.deadline.month, on_time.metric) == ("12月底前到位", 12, "on_time_share")
    assert per_head.target_text == "1000元/人"


def test_hubei_direction_column_and_satisfaction_under_benefit():
    document = parse(to_docx(VARIANTS["hubei"]().layout), unit="万元")
    project = document.projects[0]
    assert document.rules == []  # ≤800元/人 is a cap per head, not a fixed amount to propose
    assert [i.target_text for i in project.indicators][:2] == ["≥500人/次", "≥90%"]
    assert project.indicators[3].target_text == "≤800元/人"
    assert project.indicators[-1].metric == "satisfaction_rate"
    assert project.goal_text == "总体目标：三年培训农民工1500人次。\n年度目标：培训农民工500人次，带动就业100户。"


def test_rules_from_table_cells_name_their_cell():
    document = parse(to_docx(VARIANTS["hunan_flat"]().layout))
    rules = {(r.kind, r.value, r.deadline.text if r.deadline else None): r for r in document.rules}
    student = rules[("per_person_amount", 1500, None)]
    assert (student.unit, student.subject, student.source_cell) == ("元", "资助标准", "第1张表第6行第8列")
    assert student.source_text == "每生1500元/学期" and student.project_code == ""
    autumn = rules[("deadline", None, "9月底前")]
    assert (autumn.deadline.month, autumn.source_cell, autumn.section_title) == (9, "第1张表第5行第4列", "金秋助学·年度目标")
    # 12月底前到位 is the 资金发放时间 indicator itself: a deadline already, not proposed again from the goal.
    assert ("deadline", None, "12月底前") not in rules


def test_flat_table_total_is_checked():
    layout = VARIANTS["hunan_flat"]().layout
    layout[-1][-1][1] = "50.00"
    document = parse(to_docx(layout))
    assert any("合计（第1张表第9行第3列）为 ¥500,000.00" in w and "¥496,000.00" in w for w in document.warnings)


def test_funds_that_do_not_add_up_are_warnings_naming_cells():
    layout = VARIANTS["anhui"]().layout
    layout[2][4][1] = type(layout[2][4][1])("6.00", cols=4)
    document = parse(to_docx(layout), unit="万元")
    assert any("之和不等于预算数 ¥355,000.00（第1张表第3行第3列）" in w for w in document.warnings)


def test_neighbour_without_year_and_with_the_unit_only_in_a_label():
    document = parse(build(neighbour()))
    assert [q.key for q in document.questions] == ["unit", "year"]
    unit = document.questions[0]
    assert unit.proposed == "万元" and "预算数（万元）" in unit.message and "第1张表第3行第2列" in unit.message
    answered = parse(build(neighbour()), unit="万元", year=2025)
    assert answered.questions == [] and answered.year == 2025
    assert [p.budget_fen for p in answered.projects] == [125_000_000, 35_660_000, 9_600_000, 7_500_000, 4_000_000]


def test_headers_first_tables_are_asked_for():
    document = parse(to_docx(headers_first()))
    assert [(q.key, q.proposed) for q in document.questions] == [("table:第3张表", "送温暖慰问"),
                                                                 ("table:第4张表", "职工书屋")]
    assert [c.value for c in document.questions[0].choices] == ["送温暖慰问", "职工书屋", ""]
    answered = parse(to_docx(headers_first()), tables={"第3张表": "送温暖慰问", "第4张表": ""})
    assert [len(p.indicators) for p in answered.projects] == [1, 0] and answered.questions == []


def test_unmapped_indicator_columns_are_asked_for_and_rows_kept():
    document = parse(to_docx(unmapped_columns()))
    [question] = document.questions
    assert question.key == "columns:第2张表" and "“考核内容”" in question.message
    assert question.sample[1] == ["产出", "慰问困难职工人数", "≥100人", "年度计划"]
    assert not any("没有找到绩效指标表" in w for w in document.warnings)
    assert [(c.label, c.proposed) for c in question.columns] == [
        ("考核方向", None), ("考核内容", None), ("目标", None), ("依据", "basis")]
    answered = parse(to_docx(unmapped_columns()),
                     columns={"考核方向": "level1", "考核内容": "level3", "目标": "target"})
    assert answered.questions == []
    assert _indicators(answered.projects[0]) == [("产出", "慰问困难职工人数", ">=", 100, "人"),
                                                 ("满意度", "受慰问职工满意度", ">=", 95, "%")]
    assert [i.category for i in answered.projects[0].indicators] == ["output", "satisfaction"]


def test_a_table_can_be_left_out():
    answered = parse(to_docx(unmapped_columns()), tables={"第2张表": ""})
    assert answered.questions == [] and answered.projects[0].indicators == []


def test_xlsx_percentages_dates_and_blank_merges():
    import io

    import openpyxl
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"], sheet["B1"], sheet["C1"] = "资金支出计划", 0.25, 1250000.5
    sheet["B1"].number_format = "0%"
    sheet["A2"] = "其他资金"
    sheet.merge_cells("B2:C2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    [title, grid] = xlsx_blocks(buffer.getvalue())
    assert title.text == "Sheet"
    assert [c.text for c in grid.row(0)] == ["资金支出计划", "25%", "1250000.5"]
    assert [(c.text, c.colspan, c.ref) for c in grid.row(1)] == [("其他资金", 1, "工作表“Sheet”A2"),
                                                                 ("", 2, "工作表“Sheet”B2")]


def test_seed_is_read_exactly_as_before():
    document = parse(SEED.read_bytes())
    assert (document.year, document.questions, document.warnings) == (2025, [], [])
    assert [p.budget_fen for p in document.projects] == [190_000_000, 47_660_000, 5_000_000]
    assert len(document.rules) == 15 and all(r.source_cell is None for r in document.rules)


def test_not_a_target_document():
    with pytest.raises(DocumentError, match="未找到预算项目绩效目标表"):
        parse(to_xlsx([[["姓名", "身份证号"], ["张三", "130…"]]]), "xlsx")


def test_weights_that_do_not_add_up_and_odd_magnitudes_are_named():
    layout = VARIANTS["sichuan"]().layout
    layout[2][9][6] = "15"
    layout[2][10][5] = ""
    layout[2][6][1] = type(layout[2][6][1])("356,600,000,000.00", cols=6)
    warnings = "\n".join(parse(to_docx(layout)).warnings)
    assert "指标“资助学校数”没有分值/权重" in warnings
    assert "按元读为 ¥356,600,000,000.00" not in warnings  # 元: only a tiny budget is odd
    layout[1] = "金额单位：万元"
    assert "金额异常，请核对金额单位" in "\n".join(parse(to_docx(layout)).warnings)
    weights = VARIANTS["hubei"]().layout
    weights[2][8][4] = "25"
    assert "分值/权重合计为 110" in "\n".join(parse(to_docx(weights), unit="万元").warnings)


def test_deadline_in_a_purpose_cell_is_proposed():
    [rule] = parse(to_docx(VARIANTS["chongqing"]().layout)).rules
    assert (rule.kind, rule.deadline.kind, rule.deadline.month) == ("deadline", "month_end", 12)
    assert (rule.source_text, rule.source_cell) == ("春节送温暖慰问，资金12月底前到位", "第1张表第4行第4列")
    assert rule.project_code == "500101-2025-007"
