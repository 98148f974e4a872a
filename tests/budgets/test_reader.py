"""Importing 部门预算绩效文本: the Weixian seed and generated documents of other counties."""
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from tests.budgets.docgen import GenIndicator, build, guantao_spec
from tests.budgets.reading import parse as parse_targets_document

from caseapp.budgets.importer.reader import DocumentError
from caseapp.core.officefile import OfficeFileError

SEED = Path(__file__).parents[2] / "caseapp" / "budgets" / "demo" / "weixian-2025-budget-performance.docx"
FUNDS, AID, AWARD = "13043425P000001100273", "13043425P00430010001H", "13043425P004300100025"
SWAPPED = ("一级指标", "二级指标", "三级指标", "指标值", "绩效指标描述", "指标值确定依据")


@pytest.fixture(scope="module")
def seed():
    return parse_targets_document(SEED.read_bytes())


def _rules(document, kind, **attrs):
    return [r for r in document.rules if r.kind == kind and all(getattr(r, k) == v for k, v in attrs.items())]


def test_seed_projects(seed):
    assert (seed.year, seed.org_name, seed.warnings) == (2025, "魏县总工会", [])
    assert [p.code for p in seed.projects] == [FUNDS, AID, AWARD]
    assert [p.budget_fen for p in seed.projects] == [190_000_000, 47_660_000, 5_000_000]
    assert [p.fiscal_fen for p in seed.projects] == [190_000_000, 47_660_000, 5_000_000]
    assert [p.other_fen for p in seed.projects] == [0, 0, 0]
    assert [p.unit for p in seed.projects] == ["万元"] * 3
    assert [len(p.indicators) for p in seed.projects] == [7, 7, 7]
    full = [(3, 25), (6, 50), (10, 75), (12, 100)]
    assert [p.spending_plan for p in seed.projects] == [full, full, [(6, 100)]]


def test_seed_header_texts(seed):
    funds, aid, award = seed.projects
    assert funds.name == "工会经费"
    assert aid.name == "冀财行（2024）97号提前下达2025年困难职工及劳模帮扶救助专项资金"
    assert award.heading == "3.评选县级劳模（一次性奖励）和先进集体活动绩效目标表"
    assert funds.purpose == "资金用于上解市级工会经费、维权类支出、工资福利支出。"
    assert funds.goal_text == "1.按时发放人员工资、维权类活动支出及维护单位正常运转。\n2.按时完成经费上解任务"


def test_seed_indicators(seed):
    aid = seed.projects[1]
    first, satisfaction = aid.indicators[0], aid.indicators[-1]
    assert (first.level1, first.level2, first.level3, first.target_text, first.metric) == (
        "产出指标", "数量指标", "救助人数", "39人", "people_paid")
    # 一级指标 is vertically merged in Word: every row gets it, once per row.
    assert [i.level1 for i in aid.indicators] == ["产出指标"] * 4 + ["效益指标"] * 2 + ["满意度指标"]
    assert (satisfaction.target.direction, satisfaction.target.value, satisfaction.target.unit) == (">=", 95, "%")
    assert satisfaction.basis == "2025年省财政职工困难帮扶项目申报工作的通知"
    assert [i.metric for i in seed.projects[2].indicators] == [
        "events_held", "awardees", "on_time_share", "total_paid", "manual", "manual", "satisfaction_rate"]
    assert seed.projects[2].indicators[1].target.parts == [("先进集体", 20, "个"), ("先进劳模", 100, "名")]


def test_seed_rules_are_matched(seed):
    [cap] = _rules(seed, "headcount_cap")
    assert (cap.value, cap.unit, cap.project_code) == (100, "人", AWARD)
    [amount] = _rules(seed, "per_person_amount")
    assert (amount.value, amount.unit, amount.project_code) == (1000, "元", AWARD)
    deadlines = {(r.deadline.kind, r.deadline.month, r.deadline.day, r.project_code) for r in _rules(seed, "deadline")}
    assert deadlines == {("fixed", 6, 30, AID), ("month_end", 6, None, AWARD)}
    [aid_rate] = _rules(seed, "rate_target", subject="帮扶救助率")
    assert (aid_rate.value, aid_rate.direction, aid_rate.project_code) == (90, ">=", AID)
    assert {r.project_code for r in _rules(seed, "rate_target", subject="保障率")} == {FUNDS}


def test_generated_document_uses_real_merges():
    document = docx.Document(io.BytesIO(build(guantao_spec())))
    xml = document.tables[0]._tbl.xml + document.tables[1]._tbl.xml
    assert "w:gridSpan" in xml and 'w:vMerge w:val="restart"' in xml and "<w:vMerge/>" in xml


def test_other_county_in_yuan_with_five_projects():
    parsed = parse_targets_document(build(guantao_spec()))
    assert (parsed.year, parsed.org_name, parsed.warnings) == (2024, "馆陶县总工会", [])
    assert len(parsed.projects) == 5
    aid = parsed.projects[1]
    assert (aid.unit, aid.budget_fen, aid.fiscal_fen, aid.other_fen) == ("元", 35_660_000, 30_000_000, 5_660_000)
    assert parsed.projects[0].budget_fen == 125_000_000
    assert parsed.projects[2].spending_plan == [(9, 100)]
    assert parsed.projects[0].spending_plan == [(3, 25), (6, 50), (9, 75), (12, 100)]
    cap = aid.indicators[0]
    assert (cap.level2, cap.target.direction, cap.target.value, cap.target.unit) == ("数量指标", "<=", 48, "人")
    # 二级指标 of the second row is its own cell; 一级指标 is merged over four rows.
    assert [i.level1 for i in aid.indicators] == ["产出指标"] * 5 + ["满意度指标"]


def test_other_county_targets_and_horizontal_merge():
    parsed = parse_targets_document(build(guantao_spec()))
    study = parsed.projects[2]
    assert (study.indicators[1].target.value, study.indicators[1].target.unit) == (2000, "元/人")
    assert study.indicators[2].target.deadline.text == "9月30日前"
    wide = parsed.projects[0].indicators[2]  # 三级指标 merged with 绩效指标描述: read once, not twice
    assert (wide.level3, wide.description, wide.target_text) == ("保障运转", "", "保障机关正常运转")


def test_other_county_rules():
    parsed = parse_targets_document(build(guantao_spec()))
    codes = [p.code for p in parsed.projects]
    summary = {(r.kind, r.value, r.project_code) for r in parsed.rules if r.kind != "deadline"}
    assert ("headcount_cap", 15, codes[3]) in summary
    assert ("headcount_cap", 48, codes[2]) in summary
    assert ("per_person_amount", 2000, codes[2]) in summary
    assert ("per_person_amount", 1000, codes[3]) in summary
    assert ("rate_target", 90, codes[1]) in summary
    deadlines = {r.deadline.text: r.project_code for r in parsed.rules if r.kind == "deadline"}
    assert deadlines == {"春节前": codes[1], "9月30日前": codes[2], "五一劳动节前": codes[3]}


def test_column_order_blank_level1_and_unit_paragraph():
    spec = guantao_spec(merge_level1=False, unit_as_paragraph=True, columns=SWAPPED)
    parsed = parse_targets_document(build(spec))
    aid = parsed.projects[1]
    assert [i.level1 for i in aid.indicators] == ["产出指标"] * 5 + ["满意度指标"]
    assert [i.target_text for i in aid.indicators][:3] == ["≤48人", "60人次", "达到90%以上"]
    assert aid.indicators[0].description == "救助在档困难职工人数"
    assert aid.unit == "元" and aid.heading == "2.困难职工帮扶救助专项资金绩效目标表"


def test_blank_level2_is_carried_down():
    spec = guantao_spec()
    spec.projects[1].indicators[1].level2 = ""
    parsed = parse_targets_document(build(spec))
    assert parsed.projects[1].indicators[1].level2 == "数量指标"


def test_missing_unit_is_asked_not_assumed():
    parsed = parse_targets_document(build(guantao_spec(unit=None)))
    assert (parsed.projects[0].unit, parsed.projects[0].budget_fen) == (None, None)
    [question] = parsed.questions
    assert (question.key, question.proposed, [c.value for c in question.choices]) == ("unit", None, ["万元", "元"])
    assert "5个项目表没有注明金额单位" in question.message
    answered = parse_targets_document(build(guantao_spec(unit=None)), unit="元")
    assert (answered.questions, answered.projects[0].budget_fen) == ([], 125_000_000)


def test_odd_cells_become_warnings():
    spec = guantao_spec()
    spec.projects[0].budget = "约一百万"
    spec.projects[1].other = "50,000.00"
    spec.projects[2].plan = {"6月底": "", "9月底": "全部", "12月底": ""}
    spec.projects[4].indicators.append(GenIndicator("效益指标", "社会效益指标", "社会影响", "", ""))
    parsed = parse_targets_document(build(spec))
    assert parsed.projects[0].budget_fen is None
    text = "\n".join(parsed.warnings)
    for fragment in ("无法识别为金额", "缺少预算数", "不等于预算数", "资金支出计划“全部”", "没有指标值"):
        assert fragment in text


def test_document_without_project_tables():
    document = docx.Document()
    document.add_paragraph("魏县总工会")
    document.add_table(rows=2, cols=2).cell(0, 0).text = "姓名"
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(DocumentError, match="未找到预算项目绩效目标表"):
        parse_targets_document(buffer.getvalue())


def test_hostile_files_are_refused_before_parsing():
    with pytest.raises(OfficeFileError, match="另存为 .docx"):
        parse_targets_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (4 * 1024 * 1024))
    with pytest.raises(OfficeFileError, match="压缩炸弹"):
        parse_targets_document(bomb.getvalue())


def test_amounts_are_exact_decimals(seed):
    cost = seed.projects[1].indicators[3].target
    assert cost.value == Decimal("47.66") and isinstance(cost.value, Decimal)
