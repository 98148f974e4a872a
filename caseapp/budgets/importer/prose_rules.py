"""Propose rules (caps, per-person amounts, deadlines, rate targets) from the 分项绩效目标 prose."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Literal, NamedTuple, Protocol

from caseapp.budgets.importer.cells import squash
from caseapp.budgets.importer.targets import DeadlineSpec, find_deadlines

__all__ = ["DeadlineSpec", "ProposedRule", "extract_rules", "match_rules_to_projects"]

RuleKind = Literal["headcount_cap", "per_person_amount", "deadline", "rate_target"]

_START_RE = re.compile(r"^[二2][、.]?分项绩效目标")
#: The next top-level heading (三、工作保障措施 in practice) or part two ends the section.
_STOP_RE = re.compile(r"^(?:[三四五六七八九十][、.]|第二部分)")
_SUBSECTION_RE = re.compile(r"^[(（][一二三四五六七八九十]+[)）]")
_LABEL_RE = re.compile(r"^(?:绩效目标|绩效指标|年度目标)[:：]")
_CJK = r"[\u4e00-\u9fff]"
_CAP_RES = (
    re.compile(rf"(?P<subject>{_CJK}{{0,12}}?)(?:不得超过|不超过|不多于|最多|至多|控制在)"
               r"(?P<num>\d+)(?P<unit>人|名|个|家|项|户)"),
    re.compile(rf"(?P<subject>{_CJK}{{0,12}}?)(?P<num>\d+)(?P<unit>人|名|个|家|项|户)以内"),
)
_PER_PERSON_RES = (
    re.compile(rf"(?P<subject>(?:每个人|每人|每名|每户|人均|每生|生均){_CJK}{{0,12}}?)"
               r"(?P<num>\d+(?:\.\d+)?)(?P<unit>万元|元)"),
    re.compile(rf"(?P<subject>{_CJK}{{0,8}}?)(?P<num>\d+(?:\.\d+)?)(?P<unit>万元|元)/(?:人|名|生|户)"),
)
_RATE_RE = re.compile(
    r"(?P<subject>[\u4e00-\u9fff、]{1,24}?[率度])(?P<pre>达到|不低于|不少于|≥|>=)?"
    r"(?P<num>\d+(?:\.\d+)?)%(?P<suf>及以上|以上)?"
)
#: Metric words kept as a rate's subject, longest first (困难职工帮扶救助率 → 帮扶救助率).
_METRIC_WORDS = sorted(("帮扶救助率", "资金使用率", "完成及时率", "救助率", "帮扶率", "覆盖率", "满意度", "满意率",
                        "及时率", "使用率", "保障率", "发放率", "合规率", "完成率", "执行率", "到位率"),
                       key=len, reverse=True)


@dataclass
class ProposedRule:
    """A rule read from the prose, for the admin to confirm, edit or drop."""

    kind: RuleKind
    value: Decimal | None
    unit: str | None
    #: The sentence (up to 。 or ；) the rule came from, as written.
    source_text: str
    section_title: str
    deadline: DeadlineSpec | None = None
    project_code: str | None = None
    #: What is capped, paid or measured: 表彰人数, 每个人奖励, 帮扶救助率, 满意度 …
    subject: str | None = None
    #: '>=' or '=' for rate targets, '<=' for caps, None otherwise.
    direction: str | None = None
    #: Whom a rate target is about, as written: 困难职工, 教职工, 受表彰劳模、先进工作集体 …
    population: str | None = None
    #: The whole sub-section (title and paragraphs), used to match the rule to a project.
    section_text: str = field(default="", repr=False, compare=False)
    #: For a rule read from a table: the cell (第4张表第3行第5列) and the project (its index in the document).
    source_cell: str | None = None
    project_index: int | None = None


def extract_rules(paragraphs: list[str]) -> list[ProposedRule]:
    """Rules from the sub-sections of 二、分项绩效目标, stopping at 三、工作保障措施."""
    rules: list[ProposedRule] = []
    for title, body in _sections(paragraphs):
        context = "".join([title, *body])
        for sentence in (s for text in body for s in _sentences(text)):
            for rule in _rules_in_sentence(sentence, title):
                rule.section_text = context
                rules.append(rule)
    return _dedupe(rules)


def _sections(paragraphs: Iterable[str]) -> list[tuple[str, list[str]]]:
    """(sub-section title, body paragraphs) inside 分项绩效目标; a table of contents yields nothing."""
    sections: list[tuple[str, list[str]]] = []
    inside = False
    for paragraph in paragraphs:
        squashed = squash(paragraph)
        if _START_RE.match(squashed):
            inside = True
            sections.append(("", []))
        elif inside and _STOP_RE.match(squashed):
            inside = False
        elif inside and _SUBSECTION_RE.match(squashed):
            sections.append((paragraph.strip(), []))
        elif inside and squashed:
            sections[-1][1].append(paragraph)
    return [section for section in sections if section[1]]


def _sentences(text: str) -> list[str]:
    """Split at 。；; and drop the 绩效目标：/绩效指标： lead-in."""
    pieces = (p.strip().rstrip("。；;").strip() for p in re.split(r"(?<=[。；;])", text))
    return [_LABEL_RE.sub("", p).strip() for p in pieces if p]


def _rules_in_sentence(sentence: str, title: str) -> list[ProposedRule]:
    """All rules one sentence states."""
    squashed = squash(sentence)
    rules = [ProposedRule("deadline", None, None, sentence, title, deadline=d, subject=d.text)
             for d in find_deadlines(squashed)]
    for clause in re.split(r"[,，]", squashed):
        rules.extend(_caps(clause, sentence, title))
        rules.extend(_per_person(clause, sentence, title))
        rules.extend(_rates(clause, sentence, title))
    return rules


def _caps(clause: str, sentence: str, title: str) -> list[ProposedRule]:
    """表彰人数不超过100人, 先进集体不超过15个, 100人以内."""
    for pattern in _CAP_RES:
        match = pattern.search(clause)
        if match:
            return [ProposedRule("headcount_cap", Decimal(match.group("num")), match.group("unit"), sentence,
                                 title, subject=match.group("subject") or None, direction="<=")]
    return []


def _per_person(clause: str, sentence: str, title: str) -> list[ProposedRule]:
    """每个人奖励1000元, 每人资助2000元, 2000元/人, 每生1500元/学期."""
    found = per_person_amount(clause)
    if found is None:
        return []
    return [ProposedRule("per_person_amount", found.value, found.unit, sentence, title, subject=found.subject,
                         direction="=")]


class PerPerson(NamedTuple):
    """A per-person amount as stated: 每个人奖励 1000 元."""

    subject: str | None
    value: Decimal
    unit: str


def per_person_amount(clause: str) -> PerPerson | None:
    """The first per-person amount a squashed clause states."""
    for pattern in _PER_PERSON_RES:
        match = pattern.search(clause)
        if match:
            return PerPerson(match.group("subject") or None, Decimal(match.group("num")), match.group("unit"))
    return None


def _rates(clause: str, sentence: str, title: str) -> list[ProposedRule]:
    """帮扶救助率达到90%以上, 满意率达到 95%以上, 救助率 100%."""
    rules = []
    for match in _RATE_RE.finditer(clause):
        at_least = match.group("pre") or match.group("suf")
        population, subject = _split_rate_phrase(match.group("subject"))
        rules.append(ProposedRule("rate_target", Decimal(match.group("num")), "%", sentence, title,
                                  subject=subject, direction=">=" if at_least else "=",
                                  population=population))
    return rules


def _split_rate_phrase(phrase: str) -> tuple[str | None, str]:
    """(population, metric word): 使困难职工帮扶救助率 → ('困难职工', '帮扶救助率')."""
    phrase = phrase.removeprefix("使").lstrip("、")
    word = next((w for w in _METRIC_WORDS if phrase.endswith(w)), phrase)
    return phrase[: len(phrase) - len(word)] or None, word


def _dedupe(rules: list[ProposedRule]) -> list[ProposedRule]:
    """Drop repeats: a sub-section often states the same target under 绩效目标 and 绩效指标."""
    seen, unique = set(), []
    for rule in rules:
        key = (rule.kind, rule.section_title, rule.population, rule.subject, rule.value, rule.unit,
               rule.deadline)
        if key not in seen:
            seen.add(key)
            unique.append(rule)
    return unique


class ProjectLike(Protocol):
    """What matching needs from a project (ParsedProject or a database row)."""

    code: str
    name: str


#: Topic words; a rule goes to the project sharing most of its topics (劳动模范 ≈ 劳模, 表彰 ≈ 评选).
_CONCEPTS: dict[str, tuple[str, ...]] = {
    "award": ("表彰", "评选", "奖励", "先进集体", "先进个人", "先进工作者"),
    "model_worker": ("劳模", "劳动模范"),
    "hardship": ("困难", "帮扶", "救助", "纾困", "解困"),
    "consolation": ("慰问", "送温暖", "环卫"),
    "study": ("助学", "金秋", "入学", "学生", "子女"),
    "operation": ("工资", "运转", "工会经费", "离退休", "退休干部", "人员经费", "上解", "经费保障"),
}
#: A topic named in the rule's own sentence counts this much more than one elsewhere in its section.
_SENTENCE_WEIGHT = 3


def match_rules_to_projects(rules: list[ProposedRule], projects: Iterable[ProjectLike]) -> None:
    """Set each rule's project_code to the project whose topics its sentence and section share most."""
    profiles = [(p.code, _topic_shares(_project_text(p))) for p in projects]
    for rule in rules:
        rule.project_code = _best_project(rule, profiles)


def _project_text(project: ProjectLike) -> str:
    """Everything a project says about itself: name, purpose, goal, indicator names."""
    texts = [project.name, getattr(project, "purpose", ""), getattr(project, "goal_text", "")]
    for indicator in getattr(project, "indicators", []) or []:
        texts += [getattr(indicator, "level3", ""), getattr(indicator, "description", "")]
    return squash("".join(t or "" for t in texts))


def _concept_counts(text: str) -> Counter:
    """How often each topic's words occur."""
    return Counter({concept: sum(text.count(w) for w in words) for concept, words in _CONCEPTS.items()})


def _topic_shares(text: str) -> dict[str, float]:
    """Each topic's share of a project's topic words.

    Shares rather than presence: 金秋助学's purpose mentions 困难职工 once, but the project is about
    助学; a 帮扶救助 rule must still go to the 困难职工帮扶救助 project.
    """
    counts = _concept_counts(text)
    total = sum(counts.values())
    return {concept: count / total for concept, count in counts.items()} if total else {}


def _best_project(rule: ProposedRule, profiles: list[tuple[str, dict[str, float]]]) -> str | None:
    """The unique best-scoring project code, or None on no overlap or a tie."""
    sentence = _concept_counts(squash(rule.source_text))
    section = _concept_counts(squash(rule.section_text or rule.section_title))
    weights = {c: _SENTENCE_WEIGHT * sentence[c] + section[c] for c in _CONCEPTS}
    scores = [(sum(weights[c] * share for c, share in shares.items()), code) for code, shares in profiles]
    ranked = sorted(scores, reverse=True)
    if not ranked or ranked[0][0] <= 0 or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
        return None
    return ranked[0][1]
