"""Indicator targets as written: direction, value, unit, deadline, compound parts; metric suggestion."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseapp.budgets.importer.targets import DeadlineSpec, parse_target, suggest_metric


@pytest.mark.parametrize(("text", "direction", "value", "unit"), [
    ("≥95%", ">=", 95, "%"),
    ("≤48人", "<=", 48, "人"),
    ("100%", "=", 100, "%"),
    ("14人", "=", 14, "人"),
    ("39人", "=", 39, "人"),
    ("1年", "=", 1, "年"),
    ("1次", "=", 1, "次"),
    ("190万元", "=", 190, "万元"),
    ("47.66万元", "=", Decimal("47.66"), "万元"),
    ("5万元", "=", 5, "万元"),
    ("2000元/人", "=", 2000, "元/人"),
    ("达到90%以上", ">=", 90, "%"),
    ("90%以上", ">=", 90, "%"),
    ("不低于90%", ">=", 90, "%"),
    ("不少于200人", ">=", 200, "人"),
    ("不超过100人", "<=", 100, "人"),
    ("100人以内", "<=", 100, "人"),
    ("＞＝ ９５ ％", ">=", 95, "%"),
    (">=95%", ">=", 95, "%"),
    ("≥ 95 %", ">=", 95, "%"),
    ("≧95％", ">=", 95, "%"),
    ("<= 3 个工作日", "<=", 3, "个工作日"),
    ("满意率达到95%以上", ">=", 95, "%"),
])
def test_quantitative_targets(text, direction, value, unit):
    target = parse_target(text)
    assert (target.direction, target.value, target.unit, target.raw) == (direction, value, unit, text)


@pytest.mark.parametrize(("text", "deadline"), [
    ("春节前完成救助", DeadlineSpec("festival", None, None, "spring", "春节前")),
    ("五一劳动节前评选", DeadlineSpec("festival", None, None, "labour_day", "五一劳动节前")),
    ("6月底前", DeadlineSpec("month_end", 6, None, None, "6月底前")),
    ("六月底前完成", DeadlineSpec("month_end", 6, None, None, "六月底前")),
    ("6月30日前", DeadlineSpec("fixed", 6, 30, None, "6月30日前")),
    ("9月30日前", DeadlineSpec("fixed", 9, 30, None, "9月30日前")),
    ("年底前完成", DeadlineSpec("month_end", 12, None, None, "年底前")),
])
def test_date_targets(text, deadline):
    target = parse_target(text)
    assert (target.direction, target.value, target.unit, target.deadline) == ("date", None, None, deadline)


def test_compound_award_target():
    target = parse_target("评选先进集体20个，先进劳模100名")
    assert (target.direction, target.value, target.unit) == ("=", None, None)
    assert target.parts == [("先进集体", 20, "个"), ("先进劳模", 100, "名")]


@pytest.mark.parametrize("text", [
    "维护职工合法权益，保障在职人员基本生活", "促进工运事业健康发展", "", "   ",
    "2025年全面完成各项工作任务并取得良好效果",
])
def test_qualitative_targets(text):
    target = parse_target(text)
    assert (target.direction, target.value, target.unit, target.parts) == ("qualitative", None, None, [])


@given(st.text(max_size=60))
def test_parse_target_never_raises_and_keeps_raw(text):
    target = parse_target(text)
    assert target.raw == text
    assert target.direction in {">=", "<=", "=", "qualitative", "date"}


@pytest.mark.parametrize(("levels", "target", "metric"), [
    (("产出指标", "数量指标", "救助人数", "救助在档困难职工人数"), "39人", "people_paid"),
    (("产出指标", "数量指标", "在职人员数量", "在职人员数量"), "14人", "manual"),
    (("产出指标", "质量指标", "救助率", "救助在档管理困难职工"), "100%", "coverage_rate"),
    (("产出指标", "质量指标", "工会经费按需使用合规率", ""), "100%", "manual"),
    (("产出指标", "时效指标", "救助时效", "春节前完成"), "春节前完成救助", "on_time_share"),
    (("产出指标", "时效指标", "经费周期保障", "经费保障周期"), "1年", "manual"),
    (("产出指标", "成本指标", "救助总成本", "救助、慰问成本"), "47.66万元", "total_paid"),
    (("产出指标", "数量指标", "举办次数", "年度内举办评选次数"), "1次", "events_held"),
    (("产出指标", "质量指标", "评选县级先进集体、先进个人", ""), "评选先进集体20个，先进劳模100名", "awardees"),
    (("满意度指标", "服务对象满意度指标", "满意率", "受帮扶职工满意率"), "≥95%", "satisfaction_rate"),
    (("效益指标", "社会效益指标", "社会稳定", "缓解职工困难"), "缓解职工困难生活压力", "manual"),
])
def test_suggest_metric(levels, target, metric):
    assert suggest_metric(*levels, parse_target(target)) == metric
