"""The proposed rules of an import: matched to projects, compared with decided ones, written as 'proposed'."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from caseapp.budgets.importer.identity import Identity
from caseapp.budgets.importer.prose_rules import ProposedRule, match_rules_to_projects
from caseapp.budgets.models import Project, Rule
from caseapp.core.db import db
from caseapp.core.errors import ValidationFailed


@dataclass
class RulePreview:
    """A proposed rule with the project it would be attached to."""

    index: int
    rule: ProposedRule
    project_code: str | None
    #: 'confirmed' / 'rejected' when an earlier import's identical rule was already decided (not re-proposed)
    decided: str | None = None


def preview_rules(rules: list[ProposedRule], identities: list[Identity], year: int | None,
                  org_id: int) -> list[RulePreview]:
    """Prose rules matched by topic, table rules to their own project; a table rule repeating a prose rule of
    the same project is dropped (the prose one stays)."""
    prose = [r for r in rules if r.project_index is None]
    match_rules_to_projects(prose, [i.parsed for i in identities])
    for rule in rules:
        if rule.project_index is not None:
            rule.project_code = identities[rule.project_index].parsed.code
    said = {_same(r) for r in prose}
    kept = prose + [r for r in rules if r.project_index is not None and _same(r) not in said]
    decided = _decided_rules(year, org_id) if year is not None else {}
    return [RulePreview(i, r, r.project_code, decided.get(rule_key(r))) for i, r in enumerate(kept)]


def _same(rule: ProposedRule) -> tuple:
    """A rule's meaning for one project: kind, value, unit, deadline."""
    deadline = rule.deadline
    when = None if deadline is None else (deadline.kind, deadline.month, deadline.day, deadline.festival)
    return rule.project_code, rule.kind, rule.value, rule.unit, when


def rule_key(rule: ProposedRule | Rule) -> tuple:
    """What makes two rules the same statement: kind, sentence, value, unit."""
    value = None if rule.value is None else rule.value.normalize()
    return rule.kind, rule.source_text, value, rule.unit or None


def _decided_rules(year: int, org_id: int) -> dict[tuple, str]:
    """Rules of the year already confirmed or rejected, by their key."""
    stmt = select(Rule).where(Rule.year == year, Rule.org_id == org_id, Rule.status != "proposed")
    return {rule_key(rule): rule.status for rule in db.session.scalars(stmt)}


def apply_matches(rules: list[RulePreview], known: set[str], year: int, matches: dict[int, str | None]) -> None:
    """Override the suggested project of rules by index; the code must be one the year knows."""
    for index, code in matches.items():
        if not 0 <= int(index) < len(rules):
            raise ValidationFailed(f"第{int(index) + 1}条规则不存在", field="rules")
        if code and code not in known:
            raise ValidationFailed(f"项目编码 {code} 不在{year}年的项目中", field="rules")
        rules[int(index)].project_code = code or None


def replace_rules(rules: list[RulePreview], year: int, org_id: int, projects: dict[str, Project]) -> tuple[int, int]:
    """Drop the year's still-proposed rules and propose the document's; decided rules stay as they are."""
    stale = db.session.scalars(select(Rule).where(Rule.year == year, Rule.org_id == org_id,
                                                  Rule.status == "proposed")).all()
    for rule in stale:
        db.session.delete(rule)
    created = 0
    for item in rules:
        if item.decided is None:
            db.session.add(_new_rule(item, year, org_id, projects))
            created += 1
    return len(stale), created


def _new_rule(item: RulePreview, year: int, org_id: int, projects: dict[str, Project]) -> Rule:
    """A proposed Rule row from the parsed rule."""
    rule, deadline = item.rule, item.rule.deadline
    project = projects.get(item.project_code) if item.project_code else None
    if project is None and item.project_code:
        project = db.session.scalar(select(Project).where(Project.year == year, Project.code == item.project_code))
    return Rule(year=year, org_id=org_id, project=project, kind=rule.kind,
                subject=(rule.subject or "")[:100], value=rule.value, unit=rule.unit,
                source_text=rule.source_text, section_title=rule.section_title[:200],
                source_cell=rule.source_cell[:100] if rule.source_cell else None,
                deadline_kind=deadline.kind if deadline else None,
                deadline_month=deadline.month if deadline else None,
                deadline_day=deadline.day if deadline else None,
                festival=deadline.festival if deadline else None,
                festival_before="day" if deadline and deadline.festival else None, status="proposed")
