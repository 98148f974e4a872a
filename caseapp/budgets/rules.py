"""Reviewing the rules read from the prose: list them, confirm, reject or attach them to another project."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp.budgets.models import Project, Rule
from caseapp.core.audit import record
from caseapp.core.db import db
from caseapp.core.errors import ValidationFailed
from caseapp.core.scoping import get_scoped, require_role, scoped, scoped_with_ancestors

RULE_STATUS_LABELS = {"proposed": "待确认", "confirmed": "已确认", "rejected": "已驳回"}
RULE_KIND_LABELS = {"headcount_cap": "人数上限", "per_person_amount": "每人金额", "deadline": "完成时限",
                    "rate_target": "比率目标"}


def list_rules(year: int, status: str | None = None) -> list[Rule]:
    """The year's rules the actor can read (own subtree and above), optionally of one status, in document order."""
    stmt = scoped_with_ancestors(select(Rule), Rule.org_id).where(Rule.year == year).options(selectinload(Rule.project))
    if status:
        stmt = stmt.where(Rule.status == status)
    return list(db.session.scalars(stmt.order_by(Rule.id)))


def set_rule_status(rule_id: int, status: str, project_code: str | None = None) -> Rule:
    """Confirm or reject a rule (admins only); ``project_code`` re-matches it, "" detaches it, None keeps it."""
    require_role("admin")
    rule = get_scoped(Rule, rule_id)  # scope before validation: out of scope is a plain 404
    if status not in ("confirmed", "rejected"):
        raise ValidationFailed("规则只能确认或驳回", field="status")
    before = _snapshot(rule)
    if project_code is not None:
        rule.project = _project_of_year(rule.year, project_code) if project_code else None
    rule.status = status
    db.session.flush()
    record("budgets.rule_status", rule, before=before, after=_snapshot(rule),
           summary=f"{RULE_STATUS_LABELS[status]}规则：{rule.source_text[:80]}")
    return rule


def confirm_all_proposed(year: int) -> int:
    """Confirm every proposed rule of the year in scope as matched; returns how many."""
    rules = list_rules(year, "proposed")
    for rule in rules:
        set_rule_status(rule.id, "confirmed")
    return len(rules)


def _project_of_year(year: int, code: str) -> Project:
    """The project of ``year`` with this code, in scope."""
    stmt = scoped(select(Project), Project.org_id).where(Project.year == year, Project.code == code)
    project = db.session.scalar(stmt)
    if project is None:
        raise ValidationFailed(f"{year}年没有项目编码为 {code} 的项目", field="project_code")
    return project


def _snapshot(rule: Rule) -> dict:
    """What the audit log keeps of a rule (no personal data in rules)."""
    return {"status": rule.status, "project": rule.project.code if rule.project else None}
