"""Write other counties' 部门预算绩效文本 in the seed's style, with real merged cells, as .docx or .xlsx.

Used by the importer tests: more projects, 单位：元, labels with full-width spaces, vertical and
horizontal merges, a different column order, blank 一级/二级 cells. Other provinces' layouts are in
``tests/budgets/provinces.py``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tests.budgets.layout import C, Layout, Row, Table, to_docx, to_xlsx

FW = "\u3000"  # full-width space, as offices type it to align labels
DEFAULT_COLUMNS = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")


@dataclass
class GenIndicator:
    """One indicator row; ``wide`` merges 三级指标 with the next column."""

    level1: str
    level2: str
    level3: str
    description: str
    target: str
    basis: str = "县总工会年度工作要点"
    wide: bool = False


@dataclass
class GenProject:
    """One project's header facts, written as they appear in the document."""

    code: str
    name: str
    budget: str
    fiscal: str
    other: str
    purpose: str
    plan: dict[str, str]
    goal: str
    indicators: list[GenIndicator]


@dataclass
class GenSpec:
    """A whole document."""

    org: str
    year: int
    projects: list[GenProject]
    prose: list[str] = field(default_factory=list)
    unit: str | None = "元"
    unit_as_paragraph: bool = False
    merge_level1: bool = True
    columns: tuple[str, ...] = DEFAULT_COLUMNS
    #: the title line; None writes "{year}年部门预算绩效文本"
    title: str | None = None
    budget_label: str = "预算数"


def layout(spec: GenSpec) -> Layout:
    """The document as paragraphs and tables."""
    title = spec.title if spec.title is not None else f"{spec.year}年部门预算绩效文本"
    blocks: Layout = [spec.org, title, "第一部分 部门整体绩效目标", *spec.prose,
                      "第二部分 预算项目绩效目标"]
    for number, project in enumerate(spec.projects, start=1):
        blocks.append(f"{number}.{project.name}绩效目标表")
        if spec.unit and spec.unit_as_paragraph:
            blocks.append(f"单位：{spec.unit}")
        blocks += [_header_table(spec, project), "", _indicator_table(spec, project.indicators)]
    return blocks


def build(spec: GenSpec) -> bytes:
    """The .docx bytes for ``spec``."""
    return to_docx(layout(spec))


def build_xlsx(spec: GenSpec, *, numbers: bool = False) -> bytes:
    """The same document as one worksheet."""
    return to_xlsx(layout(spec), numbers=numbers)


def _header_table(spec: GenSpec, project: GenProject) -> Table:
    """The 7-column project header table, merged like the seed's."""
    unit_text = f"单位：{spec.unit}" if spec.unit and not spec.unit_as_paragraph else ""
    months = list(project.plan)
    last = len(months)
    return [
        [f"711001{spec.org}本级", C(unit_text, cols=6)],
        [f"项{FW}目{FW}编{FW}码", project.code, "项目名称", C(project.name, cols=4)],
        [C("预算规模及资金用途", rows=2), spec.budget_label, project.budget, f"其中：财政{FW}{FW}资金", project.fiscal,
         "其他资金", project.other],
        [C(project.purpose, cols=6)],
        [C("资金支出计划（%）", rows=2)] + [C(m, cols=7 - i if i == last else 1) for i, m in enumerate(months, 1)],
        [C(project.plan[m], cols=7 - i if i == last else 1) for i, m in enumerate(months, 1)],
        [f"绩效{FW}目标", C(project.goal, cols=6)],
    ]


_FIELD_BY_LABEL = {"二级指标": "level2", "三级指标": "level3", "绩效指标描述": "description",
                   "指标值": "target", "指标值确定依据": "basis"}


def _indicator_table(spec: GenSpec, indicators: list[GenIndicator]) -> Table:
    """The indicator table in ``spec.columns`` order; 一级指标 merged vertically or left blank."""
    header = [label.replace("指标", f"{FW}指标", 1) if col % 2 else label for col, label in enumerate(spec.columns)]
    runs = _level1_runs(indicators)
    return [header] + [_indicator_row(spec, indicator, runs.get(index)) for index, indicator in enumerate(indicators)]


def _level1_runs(indicators: list[GenIndicator]) -> dict[int, int]:
    """Row index → length of the run of equal 一级指标 starting there."""
    runs, start = {}, 0
    for index in range(1, len(indicators) + 1):
        if index == len(indicators) or indicators[index].level1 != indicators[start].level1:
            runs[start] = index - start
            start = index
    return runs


def _indicator_row(spec: GenSpec, indicator: GenIndicator, run: int | None) -> Row:
    """One row; a wide row merges 三级指标 into the 绩效指标描述 right of it."""
    row: Row = []
    columns = spec.columns
    for col, label in enumerate(columns):
        if label == "一级指标":
            if run is not None:
                row.append(C(indicator.level1, rows=run) if spec.merge_level1 else indicator.level1)
            elif not spec.merge_level1:
                row.append("")
            continue
        wide = indicator.wide and label == "三级指标" and columns[col + 1: col + 2] == ("绩效指标描述",)
        if label == "绩效指标描述" and indicator.wide and columns[col - 1] == "三级指标":
            continue
        row.append(C(indicator.level3, cols=2) if wide else getattr(indicator, _FIELD_BY_LABEL[label]))
    return row


# --- a sample county: 馆陶县, five projects in 元 -------------------------------------------------

GUANTAO_PROSE = [
    "一、总体绩效目标",
    "2024年，县总工会围绕中心工作，做好职工帮扶和劳模服务工作。",
    "二、分项绩效目标",
    "（一）困难职工帮扶救助",
    "绩效目标：做好在档困难职工帮扶。绩效指标：帮扶救助率达到 90%以上；春节前完成救助资金发放；受助职工满意度不低于95%。",
    "（二）金秋助学",
    "绩效指标：每人资助2000元，资助人数不超过48人；9月30日前发放到位。",
    "（三）表彰先进集体和劳动模范",
    "绩效指标：先进集体不超过15个；五一劳动节前完成评选；每人奖励1000元。",
    "（四）保障机关正常运转",
    "绩效指标：保障职工工资按时足额发放，满意度达到90%以上。",
    "三、工作保障措施",
    "1、坚持依档帮扶、实名制发放，每人资助不超过5000元的规定另行制定。",
]

_BASIS = "冀工发〔2023〕5号"
_PLAN_FULL = {"3月底": "25%", "6月底": "50%", "9月底": "75%", "12月底": "100%"}


def _satisfaction(target: str = "≥95%") -> GenIndicator:
    """The usual last row."""
    return GenIndicator("满意度指标", "服务对象满意度指标", "受益人员满意度", "受益职工满意度", target, "调查问卷")


def guantao_projects() -> list[GenProject]:
    """Five projects in 元."""
    return [
        GenProject("13043300P000001100111", "工会经费", "1,250,000.00", "1,250,000.00", "", "用于人员工资、机关运转。",
                   _PLAN_FULL, "保障机关正常运转，按时发放工资。", [
                       GenIndicator("产出指标", "数量指标", "在职人员数量", "在职人员数量", "12人", _BASIS),
                       GenIndicator("产出指标", "成本指标", "总成本", "支出总成本", "125万元", _BASIS),
                       GenIndicator("效益指标", "社会效益指标", "保障运转", "", "保障机关正常运转", _BASIS, wide=True),
                       _satisfaction("100%")]),
        GenProject("13043300P00430010002A", "困难职工帮扶救助专项资金", "356,600.00", "300,000.00", "56,600.00",
                   "救助在档困难职工。", _PLAN_FULL, "救助在档困难职工，春节前完成救助。", [
                       GenIndicator("产出指标", "数量指标", "救助人数", "救助在档困难职工人数", "≤48人", _BASIS),
                       GenIndicator("产出指标", "数量指标", "慰问人次", "慰问困难职工人次", "60人次", _BASIS),
                       GenIndicator("产出指标", "质量指标", "救助率", "在档困难职工救助覆盖", "达到90%以上", _BASIS),
                       GenIndicator("产出指标", "时效指标", "救助时效", "春节前完成", "春节前完成救助", _BASIS),
                       GenIndicator("产出指标", "成本指标", "救助总成本", "救助成本", "356600元", _BASIS),
                       _satisfaction()]),
        GenProject("13043300P00430010003B", "金秋助学专项资金", "96000", "96000", "", "资助困难职工子女入学。",
                   {"6月底": "", "9月底": "100%", "12月底": ""}, "9月30日前完成金秋助学资助。", [
                       GenIndicator("产出指标", "数量指标", "资助人数", "资助困难职工子女人数", "48人", _BASIS),
                       GenIndicator("产出指标", "质量指标", "资助标准", "每人资助标准", "2000元/人", _BASIS),
                       GenIndicator("产出指标", "时效指标", "发放时间", "资助发放时间", "9月30日前", _BASIS),
                       _satisfaction()]),
        GenProject("13043300P00430010004C", "评选表彰先进集体和劳动模范", "75000.00", "75000.00", "",
                   "用于评选表彰县级先进集体和劳动模范。", {"3月底": "", "6月底": "100%", "9月底": "", "12月底": ""},
                   "五一劳动节前完成评选表彰。", [
                       GenIndicator("产出指标", "数量指标", "举办次数", "年度内举办评选次数", "1次", _BASIS),
                       GenIndicator("产出指标", "质量指标", "表彰数量", "表彰先进集体、先进个人",
                                    "先进集体15个，先进个人60名", _BASIS),
                       GenIndicator("产出指标", "时效指标", "评选时间", "五一劳动节前评选", "五一劳动节前评选", _BASIS),
                       _satisfaction()]),
        GenProject("13043300P00430010005D", "一线职工慰问专项资金", "40000.00", "40000.00", "",
                   "慰问环卫工人等一线职工。", _PLAN_FULL, "开展送温暖慰问。", [
                       GenIndicator("产出指标", "数量指标", "慰问人数", "慰问一线职工人数", "不少于200人", _BASIS),
                       _satisfaction("不低于90%")]),
    ]


def guantao_spec(**overrides) -> GenSpec:
    """馆陶县总工会 2024: five projects, 单位：元, merged cells, a prose section."""
    spec = GenSpec("馆陶县总工会", 2024, guantao_projects(), list(GUANTAO_PROSE))
    for name, value in overrides.items():
        setattr(spec, name, value)
    return spec
