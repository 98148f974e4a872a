"""Every label the reader recognises, in one place: the synonyms provinces use for the same field.

A label is compared after :func:`label_key`: NFKC, no whitespace, no 其中：/numbering in front, no colon
behind, and no bracketed note (项目资金（万元） → 项目资金 with unit 万元; 指标值（包含数字及文字描述） → 指标值).
Each synonym is a full-match pattern; ``rank`` orders synonyms of one field when a table has several
(当年年度预算 beats 预算数, which beats 项目总预算). tests/budgets/test_labels.py holds a case for each row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from caseapp.budgets.importer.cells import squash

MONEY_UNITS = ("万元", "元")


@dataclass(frozen=True)
class Synonym:
    """One way of writing a field's label."""

    field: str
    pattern: str
    rank: int = 0
    #: For an indicator column: the field it names when the first one is already taken (指标内容 → 描述).
    fallback: str | None = None


@dataclass(frozen=True)
class LabelText:
    """A label as compared: the key without notes, and a money unit its note stated."""

    key: str
    unit: str | None


_LEVELS = r"(?:中央|省级?|市级?|州级?|县级?|区级?|本级|上级)"

#: Header-block fields (a label cell with its value right of it, below it, or in the rows of its block).
HEADER_SYNONYMS: tuple[Synonym, ...] = (
    Synonym("code", r"(?:项目|专项)(?:编码|代码|编号)"),
    Synonym("name", r"(?:项目|专项|项目专项|专项资金|专项项目)名称"),
    Synonym("budget", r"预算数|预算金额|预算资金|预算数合计|年度预算数?|项目预算数|预算总额", rank=1),
    Synonym("budget", r"(?:年度|项目年度|本年度?)?资金总额|年度资金总额合计", rank=2),
    Synonym("budget", r"当年(?:年度)?预算数?|项目当年预算|本年度?预算数?|本年度预计投入|本年度?计划投入", rank=3),
    Synonym("budget_total", r"项目总预算|总预算|项目总投资|实施期资金总额|中期资金总额|项目资金总额"),
    Synonym("funds_block", r"项目资金|资金情况|资金来源|预算规模|预算规模及资金用途|项目预算|资金投入|资金构成|"
                           r"预算情况|资金安排"),
    Synonym("total", r"合计|总计|小计|资金合计"),
    Synonym("fiscal", r"财政(?:资金|拨款|拨款资金|性资金|预算资金)|(?:本年|当年)财政拨款(?:资金)?"),
    Synonym("fiscal_part", r"一般公共预算(?:资金|拨款)?|政府性基金(?:预算)?(?:资金|拨款)?|国有资本经营预算(?:资金)?|"
                           r"上年结转(?:资金)?|上级(?:资金|补助|补助资金|转移支付)|" + _LEVELS
                           + r"(?:[、,和及]" + _LEVELS + r")*(?:财政)?(?:资金|补助|拨款)?"),
    Synonym("other", r"其[他它](?:资金|来源|来源资金)|自筹资金|单位自筹|(?:单位)?自有资金|社会资金"),
    Synonym("purpose", r"资金用途|项目资金用途|项目概况|项目(?:主要)?内容|主要内容|实施内容|项目用途|资金使用方向|项目简介"),
    Synonym("goal", r"(?:项目)?(?:年度)?(?:绩效)?目标|(?:项目|年度)?总体目标|年度总体目标|年度绩效目标|实施期目标", rank=1),
    Synonym("goal", r"(?:项目)?年度目标", rank=2),
    Synonym("goal_line", r"目标[0-9一二三四五六七八九十]+"),
    Synonym("plan", r"(?:资金)?支出(?:进度)?计划|用款计划"),
    Synonym("org", r"单位名称|主管部门|预算单位|实施单位|部门名称|部门单位名称|主管部门及代码|填报单位|预算部门|主管单位|"
                   r"实施单位名称|主管部门名称"),
    Synonym("year", r"预算年度|年度|项目年度"),
    Synonym("ignored", r"(?:项目)?负责人|联系人|联系电话|项目期限|项目属性|项目类型|项目类别|实施期限|项目起止时间|"
                       r"经办人|填报人|审核人|序号|资金性质|项目级次|是否新增项目|单位负责人|财务负责人"),
)

#: Indicator-table columns.
INDICATOR_SYNONYMS: tuple[Synonym, ...] = (
    Synonym("level1", r"一级指标|一级"),
    Synonym("level2", r"二级指标|二级"),
    Synonym("level3", r"三级指标|三级|三级指标名称|指标名称|具体指标|绩效指标名称", rank=2),
    Synonym("level3", r"指标内容|三级指标内容|绩效指标内容", rank=1, fallback="description"),
    Synonym("description", r"(?:绩效)?指标描述|指标说明|指标解释|指标定义|描述|指标内涵"),
    Synonym("target", r"指标值|年度指标值|指标值及单位|(?:预期|年度|绩效|指标)?目标值|绩效指标值|预期指标值|期望值"),
    Synonym("direction", r"指标性质|指标方向性?|运算符号|计算符号|符号"),
    Synonym("target_unit", r"度量单位|计量单位|单位|指标单位"),
    Synonym("weight", r"分值|权重|指标分值|指标权重|分值权重|分数"),
    Synonym("basis", r"指标值确定依据|(?:指标值)?(?:确定|设定)依据|依据|指标来源"),
    Synonym("ignored", r"评分标准|评分规则|评分办法|备注|序号|说明|(?:年度|项目)?绩效指标(?:体系)?"),
)

#: 指标性质 / 指标方向性 cells: the comparison they mean.
DIRECTION_WORDS = {
    "≥": ">=", ">=": ">=", ">": ">=", "大于等于": ">=", "大于": ">=", "不低于": ">=", "不少于": ">=",
    "正向": ">=", "正向指标": ">=", "越大越好": ">=",
    "≤": "<=", "<=": "<=", "<": "<=", "小于等于": "<=", "小于": "<=", "不高于": "<=", "不超过": "<=",
    "反向": "<=", "反向指标": "<=", "越小越好": "<=",
    "=": "=", "等于": "=", "定量": "=",
    "定性": "qualitative",
}
#: How a joined target writes each comparison in front of the value.
DIRECTION_SIGNS = {">=": "≥", "<=": "≤", "=": "", "qualitative": ""}

_NOTE_RE = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]")
_LEAD_RE = re.compile(r"^(?:其中[:]?|[0-9]+[.、]|[(][一二三四五六七八九十0-9]+[)]|[一二三四五六七八九十]+、)")
_UNIT_NOTE_RE = re.compile(r"[(\[【](?:金额)?(?:单位[:]?)?(万元|千元|元)[)\]】]")
_UNIT_STATEMENT_RE = re.compile(r"(?<!计量)单位[:]?(万元|千元|元)(?![\u4e00-\u9fff/])")
_COMPILED = {id(s): re.compile(s.pattern) for s in HEADER_SYNONYMS + INDICATOR_SYNONYMS}


@lru_cache(maxsize=8192)
def label_key(text: str) -> LabelText:
    """A label's comparable key and the money unit of its note: 其中：财政 资金（万元）→ 财政资金, 万元."""
    squashed = squash(text)
    unit = _UNIT_NOTE_RE.search(squashed)
    key = _LEAD_RE.sub("", _NOTE_RE.sub("", squashed)).rstrip(":")
    return LabelText(key, unit.group(1) if unit else None)


@lru_cache(maxsize=8192)
def _matches(synonyms: tuple[Synonym, ...], text: str) -> tuple[Synonym, ...]:
    """The synonyms matching ``text`` (labels repeat in every table: cached)."""
    key = label_key(text).key
    return tuple(s for s in synonyms if key and _COMPILED[id(s)].fullmatch(key))


def header_synonym(text: str) -> Synonym | None:
    """The header-block synonym ``text`` is, the highest-ranked one if several match."""
    found = _matches(HEADER_SYNONYMS, text)
    return max(found, key=lambda s: s.rank) if found else None


def indicator_synonyms(text: str) -> list[Synonym]:
    """The indicator-column synonyms ``text`` is (several when a column name is ambiguous)."""
    return list(_matches(INDICATOR_SYNONYMS, text))


def is_label(text: str) -> bool:
    """Whether ``text`` is any label the reader knows (so it is never read as a value)."""
    return header_synonym(text) is not None or bool(indicator_synonyms(text))


def unit_statement(text: str) -> str | None:
    """The unit a line or cell states outright: 单位：万元, 金额单位：元 (None for anything else)."""
    match = _UNIT_STATEMENT_RE.search(squash(text))
    return match.group(1) if match else None


def direction_of(text: str) -> str | None:
    """The comparison a 指标性质 cell means: ≥ → '>=', 定性 → 'qualitative'."""
    key = squash(text)
    return DIRECTION_WORDS.get(key) or DIRECTION_WORDS.get(key.removesuffix("指标"))
