"""绩效目标 tables in the layouts other provinces publish (DOMAIN.md, "The same tables elsewhere in China").

Each variant is a :data:`Layout` (written as .docx or .xlsx by ``tests.budgets.layout``) and what a
correct reading gives: every budget in 分 and every indicator's direction, value and unit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from tests.budgets.docgen import GUANTAO_PROSE, GenSpec, guantao_spec
from tests.budgets.layout import C, Layout

ORG = "宿松县总工会"


@dataclass
class Expected:
    """What the reader must find in one project."""

    name: str
    budget_fen: int
    fiscal_fen: int
    other_fen: int
    #: (一级, 三级 name, direction, value, unit) per indicator
    indicators: list[tuple[str, str, str, Decimal | int | None, str | None]]
    weights: list[int] | None = None
    categories: list[str] | None = None
    goal_lines: int = 1


@dataclass
class Variant:
    """A document and its expected reading; ``answers`` are what its questions need."""

    layout: Layout
    year: int
    projects: list[Expected]
    answers: dict = field(default_factory=dict)
    #: question keys the document raises before ``answers``
    questions: list[str] = field(default_factory=list)


def anhui() -> Variant:
    """One form per project: no 项目编码, 项目资金（万元） block, 年度目标 on two lines, 指标内容, 项目完成指标."""
    form = [
        ["项目名称", C("困难职工帮扶救助", cols=5)],
        ["主管部门", C(ORG, cols=2), "实施单位", C(ORG, cols=2)],
        [C("项目资金（万元）", rows=3), "年度资金总额", C("35.50", cols=4)],
        ["其中：财政拨款", C("30.00", cols=4)],
        ["其他资金", C("5.50", cols=4)],
        [C("年度目标", rows=2), C("目标1：春节前完成在档困难职工救助", cols=5)],
        [C("目标2：开展金秋助学，每生1500元/学期", cols=5)],
        [C("绩效指标", rows=6), "一级指标", "二级指标", "指标内容", C("指标值", cols=2)],
        [C("项目完成指标", rows=3), "数量指标", "救助困难职工人数", C("63人", cols=2)],
        ["质量指标", "救助覆盖率", C("≥95%", cols=2)],
        ["时效指标", "救助完成时间", C("春节前", cols=2)],
        [C("项目效益指标", rows=2), "社会效益指标", "困难职工生活改善", C("生活困难得到缓解", cols=2)],
        ["服务对象满意度指标", "受助职工满意度", C("≥90%", cols=2)],
    ]
    expected = Expected("困难职工帮扶救助", 35_500_000, 30_000_000, 5_500_000, [
        ("项目完成指标", "救助困难职工人数", "=", 63, "人"),
        ("项目完成指标", "救助覆盖率", ">=", 95, "%"),
        ("项目完成指标", "救助完成时间", "date", None, None),
        ("项目效益指标", "困难职工生活改善", "qualitative", None, None),
        ("项目效益指标", "受助职工满意度", ">=", 90, "%")],
        categories=["output", "output", "output", "benefit", "satisfaction"], goal_lines=2)
    return Variant(["项目支出绩效目标申报表", "（2023年度）", form], 2023, [expected], {"unit": "万元"}, ["unit"])


def sichuan() -> Variant:
    """专项名称, 金额单位：元 above, a funds block of sub-rows with 合计, 指标性质 | 指标值 | 度量单位, 分值."""
    form = [
        ["专项名称", C("困难职工解困脱困专项", cols=7)],
        ["主管部门", C(ORG, cols=3), "项目负责人", C("王主席", cols=3)],
        [C("资金来源", rows=5), "一般公共预算", C("300,000.00", cols=6)],
        ["政府性基金", C("50,000.00", cols=6)],
        ["上年结转", C("6,600.00", cols=6)],
        ["其他资金", C("—", cols=6)],
        ["合计", C("356,600.00", cols=6)],
        ["年度目标", C("帮扶困难职工48户，改善住房条件。", cols=7)],
        ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "分值", "指标解释"],
        [C("产出指标", rows=4), "数量指标", "救助困难职工户数", "≥", "48", "户", "20", "在档困难职工"],
        ["质量指标", "资助学校数", "=", "12", "所", "10", ""],
        ["时效指标", "资金到位时间", "定性", "12月底前到位", "", "10", ""],
        ["成本指标", "人均救助标准", "=", "1000", "元/人", "10", ""],
        [C("效益指标", rows=2), "社会效益指标", "改造困难职工住房面积", "≥", "1,200", "平方米", "20", ""],
        ["可持续影响指标", "帮扶服务覆盖里程", "≥", "35", "公里", "10", ""],
        ["满意度指标", "服务对象满意度指标", "受助职工满意度", "≥", "90", "%", "20", ""],
    ]
    expected = Expected("困难职工解困脱困专项", 35_660_000, 35_660_000, 0, [
        ("产出指标", "救助困难职工户数", ">=", 48, "户"),
        ("产出指标", "资助学校数", "=", 12, "所"),
        ("产出指标", "资金到位时间", "date", None, None),
        ("产出指标", "人均救助标准", "=", 1000, "元/人"),
        ("效益指标", "改造困难职工住房面积", ">=", 1200, "平方米"),
        ("效益指标", "帮扶服务覆盖里程", ">=", 35, "公里"),
        ("满意度指标", "受助职工满意度", ">=", 90, "%")], weights=[20, 10, 10, 10, 20, 10, 20])
    return Variant(["2024年度项目支出绩效目标表", "金额单位：元", form], 2024, [expected])


def hubei() -> Variant:
    """资金情况（万元）, 项目总预算 / 当年年度预算, 上级资金 + 本级资金, 总体/年度目标 on two rows, 指标值（包含数字及
    文字描述）, 权重, 指标方向性, 成本指标（0-20分）, 满意度 under 效益."""
    form = [
        ["项目名称", C("农民工技能培训", cols=5)],
        [C("资金情况（万元）", rows=4), "项目总预算", C("120.00", cols=4)],
        ["当年年度预算", C("40.00", cols=4)],
        ["其中：上级资金", C("25.00", cols=4)],
        ["本级资金", C("15.00", cols=4)],
        [C("绩效目标", rows=2), "总体目标", C("三年培训农民工1500人次。", cols=4)],
        ["年度目标", C("培训农民工500人次，带动就业100户。", cols=4)],
        ["一级指标", "二级指标", "三级指标", "指标值（包含数字及文字描述）", "权重（%）", "指标方向性"],
        [C("产出指标", rows=3), "数量指标", "培训农民工人次", "500人/次", "15", "正向"],
        ["质量指标", "培训合格率", "90%", "15", "正向"],
        ["时效指标", "完成时间", "10月底前", "10", ""],
        ["成本指标（0-20分）", "经济成本指标", "人均培训成本", "800元/人", "20", "反向"],
        [C("效益指标", rows=2), "社会效益指标", "带动就业户数", "100户", "20", "正向"],
        ["服务对象满意度指标", "参训人员满意度", "95%", "20", "正向"],
    ]
    expected = Expected("农民工技能培训", 40_000_000, 40_000_000, 0, [
        ("产出指标", "培训农民工人次", ">=", 500, "人/次"),
        ("产出指标", "培训合格率", ">=", 90, "%"),
        ("产出指标", "完成时间", "date", None, None),
        ("成本指标（0-20分）", "人均培训成本", "<=", 800, "元/人"),
        ("效益指标", "带动就业户数", ">=", 100, "户"),
        ("效益指标", "参训人员满意度", ">=", 95, "%")],
        weights=[15, 15, 10, 20, 20, 20], categories=["output", "output", "output", "cost", "benefit", "satisfaction"],
        goal_lines=2)
    return Variant(["项目支出绩效目标申报表", "（2024年度）", form], 2024, [expected], {"unit": "万元"}, ["unit"])


def chongqing() -> Variant:
    """项目编码 with dashes, 单位：万元 in the table, 其它资金, an indicator table without a 三级 column."""
    form = [
        [C("单位：万元", cols=4)],
        ["项目编码", "500101-2025-007", "项目名称", "困难职工慰问"],
        ["年度资金总额", "18.00", "财政资金", "16.00"],
        ["其它资金", "2.00", "资金用途", "春节送温暖慰问，资金12月底前到位"],
        ["年度目标", C("慰问困难职工300户，春节前发放到户。", cols=3)],
    ]
    indicators = [
        ["一级指标", "二级指标", "指标值", "指标值确定依据"],
        [C("产出指标", rows=2), "慰问困难职工户数", "300户", "年度计划"],
        ["慰问完成时间", "春节前", "年度计划"],
        ["满意度指标", "受慰问职工满意度", "≥95%", "问卷"],
    ]
    expected = Expected("困难职工慰问", 18_000_000, 16_000_000, 2_000_000, [
        ("产出指标", "慰问困难职工户数", "=", 300, "户"),
        ("产出指标", "慰问完成时间", "date", None, None),
        ("满意度指标", "受慰问职工满意度", ">=", 95, "%")])
    return Variant(["2025年度部门预算项目绩效目标表", form, "", indicators], 2025, [expected])


def hunan_flat() -> Variant:
    """One flat table for the department: project cells merged down, a 合计 row, 单位：万元 above."""
    table = [
        ["单位名称", "项目名称", "预算数", "年度目标", "一级指标", "二级指标", "三级指标", "指标值"],
        [C(ORG, rows=7), C("困难职工帮扶", rows=3), C("30.00", rows=3), C("帮扶困难职工120户，12月底前到位。", rows=3),
         "产出指标", "数量指标", "帮扶困难职工户数", "120户"],
        ["产出指标", "时效指标", "资金发放时间", "12月底前到位"],
        ["满意度指标", "服务对象满意度指标", "受助职工满意度", "≥90%"],
        [C("金秋助学", rows=2), C("9.60", rows=2), C("资助困难职工子女64人，9月底前完成资助。", rows=2),
         "产出指标", "数量指标", "资助学生人数", "64人"],
        ["产出指标", "成本指标", "资助标准", "每生1500元/学期"],
        [C("职工书屋建设", rows=2), C("10.00", rows=2), C("建设职工书屋5所。", rows=2),
         "产出指标", "数量指标", "建设职工书屋", "5所"],
        ["效益指标", "社会效益指标", "书屋面积", "300平方米"],
        [C("合计", cols=2), "49.60", C("", cols=5)],
    ]
    return Variant(["2025年部门项目支出绩效目标表", "单位：万元", table], 2025, [
        Expected("困难职工帮扶", 30_000_000, 0, 0, [
            ("产出指标", "帮扶困难职工户数", "=", 120, "户"), ("产出指标", "资金发放时间", "date", None, None),
            ("满意度指标", "受助职工满意度", ">=", 90, "%")]),
        Expected("金秋助学", 9_600_000, 0, 0, [
            ("产出指标", "资助学生人数", "=", 64, "人"), ("产出指标", "资助标准", "=", 1500, "元/学期")]),
        Expected("职工书屋建设", 10_000_000, 0, 0, [
            ("产出指标", "建设职工书屋", "=", 5, "所"), ("效益指标", "书屋面积", "=", 300, "平方米")]),
    ])


VARIANTS = {"anhui": anhui, "sichuan": sichuan, "hubei": hubei, "chongqing": chongqing, "hunan_flat": hunan_flat}


def neighbour(next_year: bool = False) -> GenSpec:
    """A neighbouring county's real-looking document with two problems: no year anywhere, and the unit only in
    the label 预算数（万元）. Next year's document has the same layout and other figures."""
    spec = guantao_spec(org="大名县总工会", title="部门预算绩效文本", unit=None, budget_label="预算数（万元）",
                        prose=[p.replace("2024年，", "") for p in GUANTAO_PROSE])
    for project in spec.projects:
        project.code = ""
        project.budget = project.fiscal = _wan(project.budget, 1.1 if next_year else 1)
        project.other = ""
    return spec


def _wan(yuan: str, factor: float) -> str:
    """A 元 amount as 万元 with two decimals."""
    return f"{float(yuan.replace(',', '')) * factor / 10_000:.2f}"


def _header(name: str, budget: str) -> list:
    """A small seed-style header table in 元, without a code."""
    return [["单位：元", ""], ["项目名称", name], ["预算数", budget], ["绩效目标", f"完成{name}"]]


def headers_first() -> Layout:
    """All header tables first, then all indicator tables without headings: which table is whose?"""
    indicators = [["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "慰问人数", "100人"]]
    return ["2025年部门预算绩效文本", _header("送温暖慰问", "50000"), _header("职工书屋", "20000"), "",
            indicators, "", indicators]


def unmapped_columns() -> Layout:
    """An indicator table whose columns no province names this way."""
    return ["2025年部门预算绩效文本", _header("送温暖慰问", "50000"), "",
            [["考核方向", "考核内容", "目标", "依据"],
             ["产出", "慰问困难职工人数", "≥100人", "年度计划"],
             ["满意度", "受慰问职工满意度", "≥95%", "问卷"]]]
