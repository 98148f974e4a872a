"""Rules stated in table cells rather than prose: 1000元/人, 每生1500元/学期, 12月底前到位.

Proposed like the prose rules (the admin confirms them), already attached to the table's project and
naming their cell. A deadline that is the project's own date indicator (时效 春节前完成救助) is not proposed
again: the indicator already is a deadline.
"""
from __future__ import annotations

from typing import NamedTuple

from caseapp.budgets.importer.cells import Cell, squash
from caseapp.budgets.importer.document import ParsedProject
from caseapp.budgets.importer.prose_rules import ProposedRule, per_person_amount
from caseapp.budgets.importer.targets import DeadlineSpec, find_deadlines, parse_target


class Source(NamedTuple):
    """A cell to read rules from, with the column it is in."""

    text: str
    ref: str
    column: str
    #: the indicator's name when the cell is in an indicator row
    indicator: str = ""
    #: True for the cells of a date indicator's row (their deadline is the indicator itself)
    dated: bool = False


def header_sources(cells: list[tuple[str, Cell]]) -> list[Source]:
    """(column label, value cell) pairs of a header block: 年度目标, 资金用途 …"""
    return [Source(cell.text, cell.ref, column) for column, cell in cells if cell.text]


def indicator_sources(project: ParsedProject) -> list[Source]:
    """The target and description cells of every indicator row."""
    sources = []
    for indicator in project.indicators:
        dated = indicator.target.direction == "date"
        for name, column in (("target", "指标值"), ("description", "绩效指标描述")):
            text = indicator.target_text if name == "target" else indicator.description
            if text and name in indicator.refs:
                sources.append(Source(text, indicator.refs[name], column, indicator.level3, dated))
    return sources


def cell_rules(index: int, project: ParsedProject, sources: list[Source]) -> list[ProposedRule]:
    """Per-person amounts and deadlines of one project's cells, each once."""
    own = {_deadline_key(i.target.deadline) for i in project.indicators if i.target.deadline}
    rules: list[ProposedRule] = []
    seen: set[tuple] = set()
    for source in sources:
        for rule in _rules_in(source, project):
            key = (rule.kind, rule.value, rule.unit, _deadline_key(rule.deadline))
            if key in seen or (rule.deadline is not None and (source.dated or key[3] in own)):
                continue
            seen.add(key)
            rule.source_cell, rule.project_index = source.ref, index
            rules.append(rule)
    return rules


def _rules_in(source: Source, project: ParsedProject) -> list[ProposedRule]:
    """The rules one cell states."""
    squashed = squash(source.text)
    title = f"{project.label}·{source.column}"
    rules = [ProposedRule("deadline", None, None, source.text, title, deadline=d, subject=d.text)
             for d in find_deadlines(squashed)]
    amount = per_person_amount(squashed)
    if amount is not None and parse_target(source.text).direction not in ("<=", ">="):  # a cap is no fixed amount
        rules.append(ProposedRule("per_person_amount", amount.value, amount.unit, source.text, title,
                                  subject=source.indicator or amount.subject, direction="="))
    return rules


def _deadline_key(spec: DeadlineSpec | None) -> tuple | None:
    """What makes two deadlines the same date, whatever their wording."""
    return None if spec is None else (spec.kind, spec.month, spec.day, spec.festival)
