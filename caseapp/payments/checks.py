"""Checks of the year's payment data against budgets and rules; they catch drift after a change.

``caseapp check``, the check page and the nightly job run these together with the document checks.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import distinct, func, select

from caseapp.budgets.checks import Problem
from caseapp.budgets.models import Project, Rule
from caseapp.core.db import db
from caseapp.core.money import format_yuan, to_fen
from caseapp.core.scoping import scoped_with_ancestors
from caseapp.payments.models import LIVE_STATES, PaymentItem
from caseapp.payments.reports import reconcile



def data_problems(year: int) -> list[Problem]:
    """Every payment-data problem of ``year`` in scope."""
    return (_over_budget(year) + _over_headcount(year) + _amount_mismatch(year) + _award_amounts(year)
            + _counters(year))


def _projects(year: int):
    return scoped_with_ancestors(select(Project), Project.org_id).where(Project.year == year)


def _over_budget(year: int) -> list[Problem]:
    used = (select(PaymentItem.project_id, func.sum(PaymentItem.amount_fen).label("used"))
            .where(PaymentItem.year == year, PaymentItem.status.in_(LIVE_STATES))
            .group_by(PaymentItem.project_id).subquery())
    rows = db.session.execute(_projects(year).with_only_columns(Project.code, Project.budget_fen, used.c.used)
                              .join(used, used.c.project_id == Project.id).where(used.c.used > Project.budget_fen))
    return [Problem("error", code, "over_budget",
                    f"已登记和已发放合计 {format_yuan(n)}，超过预算数 {format_yuan(budget)}（预算调减后请核对）")
            for code, budget, n in rows]


def _rules(year: int, kind: str):
    return (select(Rule, Project).join(Project, Project.id == Rule.project_id)
            .where(Rule.year == year, Rule.kind == kind, Rule.status == "confirmed", Rule.value.is_not(None)))


def _over_headcount(year: int) -> list[Problem]:
    people = (select(PaymentItem.project_id, func.count(distinct(PaymentItem.recipient_key)).label("n"))
              .where(PaymentItem.year == year, PaymentItem.status.in_(LIVE_STATES))
              .group_by(PaymentItem.project_id).subquery())
    stmt = _rules(year, "headcount_cap").add_columns(people.c.n).join(people, people.c.project_id == Project.id)
    scope = _in_scope(year)
    return [Problem("error", project.code, "over_headcount",
                    f"已登记或发放 {n} 人（含集体），超过规定上限 {rule.value.normalize():f}{rule.unit or '人'}"
                    f"（“{rule.source_text[:40]}”）")
            for rule, project, n in db.session.execute(stmt) if project in scope and n > rule.value]


def _in_scope(year: int) -> set:
    return set(db.session.scalars(_projects(year)))


def _amount_mismatch(year: int) -> list[Problem]:
    """Individual items whose amount differs from a confirmed 每人 amount of their project."""
    problems = []
    scope = _in_scope(year)
    for rule, project in db.session.execute(_rules(year, "per_person_amount")):
        if project not in scope or rule.unit not in ("元", "万元"):
            continue
        amount = to_fen(Decimal(rule.value), rule.unit)
        n = db.session.scalar(select(func.count()).where(
            PaymentItem.project_id == project.id, PaymentItem.person_id.is_not(None),
            PaymentItem.status.in_(LIVE_STATES), PaymentItem.amount_fen != amount))
        if n:
            problems.append(Problem("warning", project.code, "amount_mismatch",
                                    f"{n} 笔个人款项金额不是规定的每人 {format_yuan(amount)}（“{rule.source_text[:40]}”）"))
    return problems


def _award_amounts(year: int) -> list[Problem]:
    """Award items whose amount differs from their category's (the category was edited after registering)."""
    from caseapp.awards.models import AwardCategory

    stmt = (_projects(year).with_only_columns(Project.code, AwardCategory.name, AwardCategory.amount_fen,
                                              func.count(PaymentItem.id))
            .join(PaymentItem, PaymentItem.project_id == Project.id)
            .join(AwardCategory, AwardCategory.id == PaymentItem.award_category_id)
            .where(PaymentItem.status.in_(LIVE_STATES), PaymentItem.amount_fen != AwardCategory.amount_fen)
            .group_by(Project.code, AwardCategory.name, AwardCategory.amount_fen))
    return [Problem("error", code, "amount_mismatch",
                    f"{n} 笔“{name}”奖励款金额与该类别规定的 {format_yuan(amount)} 不符")
            for code, name, amount, n in db.session.execute(stmt)]


def _counters(year: int) -> list[Problem]:
    codes = {p.id: p.code for p in _in_scope(year)}
    return [Problem("error", d.key if d.key in codes.values() else "", "counter_mismatch",
                    f"{d.what}：{d.key} 计数 {d.counter}，按台账与款项应为 {d.actual}")
            for d in reconcile(year)] if codes else []


