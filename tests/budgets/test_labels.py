"""Every label synonym, with the way provinces actually write it."""
import re

import pytest

from caseapp.budgets.importer import labels
from caseapp.budgets.importer.labels import (HEADER_SYNONYMS, INDICATOR_SYNONYMS, direction_of, header_synonym,
                                             indicator_synonyms, label_key, unit_statement)

HEADER_CASES = [
    ("项目编码", "code"), ("项　目　编　码", "code"), ("专项编码", "code"), ("项目代码", "code"),
    ("项目名称", "name"), ("专项名称", "name"), ("项目（专项）名称", "name"), ("专项资金名称", "name"),
    ("预算数", "budget"), ("预算数（万元）", "budget"), ("预算金额", "budget"), ("年度预算", "budget"),
    ("年度资金总额", "budget"), ("资金总额", "budget"), ("年度资金总额：", "budget"),
    ("当年年度预算", "budget"), ("项目当年预算", "budget"), ("本年度预计投入", "budget"), ("本年预算数", "budget"),
    ("项目总预算", "budget_total"), ("项目总投资", "budget_total"), ("中期资金总额", "budget_total"),
    ("项目资金（万元）", "funds_block"), ("资金情况（万元）", "funds_block"), ("资金来源", "funds_block"),
    ("预算规模及资金用途", "funds_block"),
    ("合计", "total"), ("总计", "total"),
    ("其中：财政　　资金", "fiscal"), ("财政拨款", "fiscal"), ("其中：本年财政拨款", "fiscal"), ("财政性资金", "fiscal"),
    ("一般公共预算", "fiscal_part"), ("政府性基金", "fiscal_part"), ("上年结转", "fiscal_part"),
    ("上年结转资金", "fiscal_part"), ("其中：上级资金", "fiscal_part"), ("中央资金", "fiscal_part"),
    ("省级资金", "fiscal_part"), ("市级资金", "fiscal_part"), ("本级", "fiscal_part"), ("本级资金", "fiscal_part"),
    ("中央、省级、市级资金", "fiscal_part"), ("国有资本经营预算", "fiscal_part"),
    ("其他资金", "other"), ("其它资金", "other"), ("自筹资金", "other"), ("单位自有资金", "other"),
    ("资金用途", "purpose"), ("项目概况", "purpose"), ("项目主要内容", "purpose"), ("实施内容", "purpose"),
    ("绩效目标", "goal"), ("绩　效　目　标", "goal"), ("年度目标", "goal"), ("总体目标", "goal"),
    ("年度绩效目标", "goal"), ("实施期目标", "goal"),
    ("目标1", "goal_line"), ("目标二", "goal_line"),
    ("资金支出计划（%）", "plan"), ("支出进度计划", "plan"), ("用款计划", "plan"),
    ("单位名称", "org"), ("主管部门", "org"), ("实施单位", "org"), ("预算单位", "org"), ("部门名称", "org"),
    ("预算年度", "year"), ("年度", "year"),
    ("项目负责人", "ignored"), ("联系电话", "ignored"), ("项目期限", "ignored"), ("序号", "ignored"),
]
INDICATOR_CASES = [
    ("一级指标", "level1"), ("一　级　指　标", "level1"), ("二级指标", "level2"),
    ("三级指标", "level3"), ("三级指标名称", "level3"), ("指标名称", "level3"),
    ("指标内容", "level3"), ("三级指标内容", "level3"),
    ("绩效指标描述", "description"), ("指标说明", "description"), ("指标解释", "description"),
    ("指标值", "target"), ("指标值（包含数字及文字描述）", "target"), ("指标值及单位", "target"),
    ("年度指标值", "target"), ("目标值", "target"), ("预期目标值", "target"),
    ("指标性质", "direction"), ("指标方向性", "direction"),
    ("度量单位", "target_unit"), ("计量单位", "target_unit"),
    ("分值", "weight"), ("权重（%）", "weight"), ("指标分值", "weight"),
    ("指标值确定依据", "basis"), ("依据", "basis"), ("指标值设定依据", "basis"),
    ("评（扣）分标准", "ignored"), ("备注", "ignored"), ("绩效指标", "ignored"), ("年度绩效指标", "ignored"),
]


@pytest.mark.parametrize(("text", "field"), HEADER_CASES)
def test_header_labels(text, field):
    assert header_synonym(text).field == field


@pytest.mark.parametrize(("text", "field"), INDICATOR_CASES)
def test_indicator_columns(text, field):
    assert indicator_synonyms(text)[0].field == field


@pytest.mark.parametrize("synonyms,cases", [(HEADER_SYNONYMS, HEADER_CASES), (INDICATOR_SYNONYMS, INDICATOR_CASES)])
def test_every_synonym_has_a_case(synonyms, cases):
    for synonym in synonyms:
        assert any(re.fullmatch(synonym.pattern, label_key(text).key) for text, _ in cases), synonym.pattern


def test_the_years_budget_beats_the_total_budget():
    assert header_synonym("当年年度预算").rank > header_synonym("年度资金总额").rank > header_synonym("预算数").rank
    assert header_synonym("年度目标").rank > header_synonym("总体目标").rank


def test_content_column_is_the_description_when_there_is_a_third_level():
    [content] = indicator_synonyms("指标内容")
    assert (content.field, content.fallback) == ("level3", "description")
    assert indicator_synonyms("三级指标")[0].rank > content.rank


@pytest.mark.parametrize(("text", "key", "unit"), [
    ("项目资金（万元）", "项目资金", "万元"), ("预算数(元)", "预算数", "元"), ("其中：财政 资金", "财政资金", None),
    ("指标值（包含数字及文字描述）", "指标值", None), ("1.绩效目标：", "绩效目标", None), ("资金情况【单位：万元】", "资金情况", "万元"),
])
def test_label_key(text, key, unit):
    assert label_key(text) == labels.LabelText(key, unit)


@pytest.mark.parametrize(("text", "unit"), [
    ("单位：万元", "万元"), ("金额单位：元", "元"), ("单位:元", "元"), ("（单位：千元）", "千元"), ("单位 万元", "万元"),
    ("单位名称：魏县总工会", None), ("预算数（万元）", None), ("计量单位：元/人", None),
])
def test_unit_statements(text, unit):
    assert unit_statement(text) == unit


@pytest.mark.parametrize(("text", "direction"), [
    ("≥", ">="), ("＞＝", ">="), ("大于等于", ">="), ("正向", ">="), ("正向指标", ">="), ("≤", "<="), ("反向", "<="),
    ("=", "="), ("定量", "="), ("定性", "qualitative"), ("其他", None),
])
def test_direction_words(text, direction):
    assert direction_of(text) == direction
