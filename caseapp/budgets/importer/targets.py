"""Read an indicator target (指标值) as written: direction, number, unit, deadline or parts."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, NamedTuple

from caseapp.budgets.importer.cells import squash

Direction = Literal[">=", "<=", "=", "qualitative", "date"]
DeadlineKind = Literal["fixed", "month_end", "festival"]
Festival = Literal["spring", "labour_day"]

_CN_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
               "十": 10, "十一": 11, "十二": 12}
_MONTH = r"(\d{1,2}|十[一二]?|[一二三四五六七八九])"
_BEFORE = r"(?:之前|以前|前)"
_FESTIVAL_RE = re.compile(r"(春节|五一国际劳动节|五一劳动节|五一|劳动节)" + _BEFORE)
_FESTIVALS: dict[str, Festival] = {"春节": "spring"}  # every other match is 五一/劳动节
_FIXED_RE = re.compile(_MONTH + r"月(\d{1,2})[日号]" + _BEFORE + "?")
_MONTH_END_RE = re.compile(r"(?:" + _MONTH + r"月份?|(年))(?:底|末)" + _BEFORE + "?")

_GE_WORDS = {">=", "≥", ">", "不低于", "不少于", "不小于", "达到", "高于", "大于", "超过", "至少"}
_LE_WORDS = {"<=", "≤", "<", "不超过", "不高于", "不多于", "不大于", "低于", "少于", "小于", "最多", "至多", "控制在"}
_GE_SUFFIXES = {"以上", "及以上"}
_LE_SUFFIXES = {"以下", "及以下", "以内", "之内"}
_UNITS = ("%", "‰", "个百分点", "万元", "千元", "元", "万人次", "人次", "万人", "个工作日", "工作日", "个月", "小时",
          "平方米", "平方公里", "立方米", "公里", "千米", "米", "公顷", "亩", "吨", "课时", "学时", "人", "个", "名", "次",
          "年", "月", "周", "天", "日", "家", "项", "户", "场", "期", "所", "篇", "批", "台", "套", "座", "条", "处",
          "册", "份", "件", "本", "张", "辆", "间", "栋", "块", "种", "类", "分")
#: A per-something unit: 元/人, 人/次, 元/学期, 万元/人 (the base unit, a slash, a short word).
_PER_UNIT = r"(?:/[\u4e00-\u9fff]{1,3})?"


def _alternation(words) -> str:
    """Regex alternation trying longer words first, so 不超过 wins over 超过."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_QUANTITY_RE = re.compile(
    r"^(?P<label>[\u4e00-\u9fff]{0,12}?)"
    rf"(?P<pre>{_alternation(_GE_WORDS | _LE_WORDS | {'='})})?"
    r"(?P<num>\d+(?:\.\d+)?)"
    rf"(?P<unit>(?:{_alternation(_UNITS)}){_PER_UNIT})?"
    rf"(?P<suf>{_alternation(_GE_SUFFIXES | _LE_SUFFIXES)})?$"
)
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_PART_RE = re.compile(
    r"^(?:评选|表彰|奖励|其中|共|计|含)?(?P<label>[\u4e00-\u9fff]+?)(?P<num>\d+(?:\.\d+)?)"
    r"(?P<unit>个|名|人|家|项|次|户|所|场|人次|平方米|公里)$"
)


class TargetPart(NamedTuple):
    """One labelled count of a compound target: 先进集体 20 个."""

    label: str
    value: Decimal
    unit: str


@dataclass(frozen=True)
class DeadlineSpec:
    """A deadline as written: 6月30日前 (fixed), 6月底前 (month_end), 春节前/五一前 (festival)."""

    kind: DeadlineKind
    month: int | None
    day: int | None
    festival: Festival | None
    text: str


@dataclass
class ParsedTarget:
    """A parsed 指标值; ``raw`` keeps the text exactly as the document wrote it."""

    direction: Direction
    value: Decimal | None
    unit: str | None
    raw: str
    #: For compound targets such as 评选先进集体20个，先进劳模100名: (label, value, unit) each.
    parts: list[TargetPart] = field(default_factory=list)
    #: For direction 'date': the deadline the text names.
    deadline: DeadlineSpec | None = None


def find_deadlines(text: str) -> list[DeadlineSpec]:
    """Every deadline phrase in ``text``, in reading order."""
    found: list[tuple[int, DeadlineSpec]] = []
    for match in _FESTIVAL_RE.finditer(text):
        festival = _FESTIVALS.get(match.group(1), "labour_day")
        found.append((match.start(), DeadlineSpec("festival", None, None, festival, match.group(0))))
    for match in _FIXED_RE.finditer(text):
        month, day = _month(match.group(1)), int(match.group(2))
        if month and 1 <= day <= 31:
            found.append((match.start(), DeadlineSpec("fixed", month, day, None, match.group(0))))
    for match in _MONTH_END_RE.finditer(text):
        month = 12 if match.group(2) else _month(match.group(1))
        if month:
            found.append((match.start(), DeadlineSpec("month_end", month, None, None, match.group(0))))
    return [spec for _, spec in sorted(found, key=lambda pair: pair[0])]


def _month(text: str) -> int | None:
    """Month number from '6' or '六'; None when out of range."""
    month = int(text) if text.isdigit() else _CN_NUMBERS.get(text, 0)
    return month if 1 <= month <= 12 else None


def parse_target(text: str) -> ParsedTarget:
    """Parse a target such as '≥95%', '不超过100人', '春节前完成救助' or '评选先进集体20个，先进劳模100名'."""
    squashed = _THOUSANDS_RE.sub("", squash(text).replace("≧", "≥").replace("≦", "≤"))
    if not squashed:
        return ParsedTarget("qualitative", None, None, text)
    deadlines = find_deadlines(squashed)
    if deadlines:
        return ParsedTarget("date", None, None, text, deadline=deadlines[0])
    parts = _compound_parts(squashed)
    if parts:
        return ParsedTarget("=", None, None, text, parts=parts)
    match = _QUANTITY_RE.match(squashed)
    if not match:
        return ParsedTarget("qualitative", None, None, text)
    return ParsedTarget(_direction(match.group("pre"), match.group("suf")), Decimal(match.group("num")),
                        match.group("unit"), text)


def _compound_parts(squashed: str) -> list[TargetPart]:
    """Split '先进集体20个，先进劳模100名' into labelled counts; [] unless every piece is one."""
    pieces = [p for p in re.split(r"[,，、;；]", squashed) if p]
    if len(pieces) < 2:
        return []
    matches = [_PART_RE.match(piece) for piece in pieces]
    if not all(matches):
        return []
    return [TargetPart(m.group("label"), Decimal(m.group("num")), m.group("unit")) for m in matches]


def _direction(prefix: str | None, suffix: str | None) -> Direction:
    """'>=' for 达到/不低于/以上, '<=' for 不超过/以内, else '='."""
    if prefix in _LE_WORDS or suffix in _LE_SUFFIXES:
        return "<="
    if prefix in _GE_WORDS or suffix in _GE_SUFFIXES:
        return ">="
    return "="


_MONEY_UNITS = {"万元", "元"}
_HEADCOUNT_UNITS = {"人", "名", "户", "人次"}
_STAFF_WORDS = ("在职", "编制", "工作人员", "干部")
_AID_WORDS = ("救助", "帮扶", "慰问", "资助", "补助", "奖励", "发放", "受助", "受益", "助学", "表彰")


def suggest_metric(level1: str, level2: str, level3: str, description: str, target: ParsedTarget) -> str:
    """Name the computed metric that can report this indicator's 完成值, or 'manual'.

    Mapping, first rule that applies wins:
    - 'awardees': a compound target whose parts name 先进集体/先进个人/劳模 (评选先进集体20个，先进劳模100名);
    - 'satisfaction_rate': 满意度 indicators (一级/二级 满意度, or 三级/描述 满意度/满意率);
    - 'on_time_share': a 时效 indicator with a date target (春节前完成救助), or a %-target 及时率;
    - 'total_paid': a 成本 indicator whose target is money (190万元);
    - 'events_held': a target counted in 次 or an indicator named …次数 (举办次数 1次);
    - 'coverage_rate': a 质量 indicator about 救助率/覆盖率/帮扶率 in %;
    - 'people_paid': a 数量 indicator counted in 人/名/户 about people aided, paid or awarded (救助人数 39人);
    - 'manual' for everything else, including staff counts (在职人员数量 14人: staff_count is entered by hand),
      合规率, 保障周期 and qualitative 效益 prose.
    """
    l1, l2, name = squash(level1), squash(level2), squash(level3) + squash(description)
    for rule in _METRIC_RULES:
        metric = rule(l1, l2, name, target)
        if metric:
            return metric
    return "manual"


def _awardees(l1: str, l2: str, name: str, target: ParsedTarget) -> str | None:
    """Compound award counts."""
    hit = any(re.search("先进|劳模|模范", label) for label, _, _ in target.parts)
    return "awardees" if hit else None


def _satisfaction(l1: str, l2: str, name: str, target: ParsedTarget) -> str | None:
    """满意度 / 满意率 indicators."""
    hit = "满意" in l1 or "满意" in l2 or "满意度" in name or "满意率" in name
    return "satisfaction_rate" if hit else None


def _on_time(l1: str, l2: str, name: str, target: ParsedTarget) -> str | None:
    """Deadlines under 时效, or a timeliness rate."""
    if target.direction == "date" and ("时效" in l2 or "时间" in name or "完成" in name):
        return "on_time_share"
    return "on_time_share" if "及时率" in name and target.unit == "%" else None


def _total_paid(l1: str, l2: str, name: str, target: ParsedTarget) -> str | None:
    """Money-valued 成本 indicators."""
    return "total_paid" if "成本" in l2 + name and target.unit in _MONEY_UNITS else None


def _events(l1: str, l2: str, name: str, target: ParsedTarget) -> str | None:
    """Counts of events held."""
    return "events_held" if target.unit == "次" or "次数" in name else None


def _coverage(l1: str, l2: str, name: str, target: ParsedTarget) -> str | None:
    """Share of in-file people reached."""
    hit = target.unit == "%" and re.search("救助率|覆盖|帮扶率|受助率", name)
    return "coverage_rate" if hit else None


def _people(l1: str, l2: str, name: str, target: ParsedTarget) -> str | None:
    """Head counts of people paid; staff head counts stay manual."""
    if target.unit not in _HEADCOUNT_UNITS or any(w in name for w in _STAFF_WORDS):
        return None
    return "people_paid" if "数量" in l2 and any(w in name for w in _AID_WORDS) else None


_METRIC_RULES = (_awardees, _satisfaction, _on_time, _total_paid, _events, _coverage, _people)
