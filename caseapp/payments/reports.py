"""Read-side: item lists, budget execution per project, and the reconciliation of counters with the ledger."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, select

from caseapp.core.calendar import month_end
from caseapp.core.db import db
from caseapp.core.paging import Count, Page, capped_count, capped_counts_by, keyset_page
from caseapp.core.scoping import scoped
from caseapp.payments.models import (LIVE_STATES, PAID_STATES, PAYMENT, RESERVED_STATES, BudgetCounter,
                                     CategoryCounter, LedgerEntry, PaymentEvent, PaymentItem, PersonAidCounter)


def list_items(*, project_id: int | None = None, status: str | None = None, statuses=None,
               page: int = 1, per_page: int = 50) -> tuple[list[PaymentItem], int]:
    """Items in scope, newest first; returns (rows, total)."""
    stmt = scoped(select(PaymentItem), PaymentItem.org_id)
    if project_id is not None:
        stmt = stmt.where(PaymentItem.project_id == project_id)
    if status:
        stmt = stmt.where(PaymentItem.status == status)
    if statuses:
        stmt = stmt.where(PaymentItem.status.in_(statuses))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.scalars(stmt.order_by(PaymentItem.id.desc()).limit(per_page).offset((page - 1) * per_page))
    return list(rows), total


def _of_year(year: int | None):
    stmt = scoped(select(PaymentItem), PaymentItem.org_id)
    return stmt.where(PaymentItem.year == year) if year is not None else stmt


def items_page(*, year: int | None, status: str | None = None, after: int | None = None,
               before: int | None = None, page: int = 1, per_page: int = 100) -> Page:
    """One keyset page of the items in scope of ``year`` (and ``status``), newest first, with a capped count:
    the work list never counts every item of every year."""
    from sqlalchemy.orm import joinedload

    stmt = _of_year(year)
    if status:
        stmt = stmt.where(PaymentItem.status == status)
    return keyset_page(stmt.options(joinedload(PaymentItem.aid_type)), PaymentItem.id, after=after, before=before,
                       page=page, per_page=per_page, total=capped_count(stmt.with_only_columns(PaymentItem.id)))


def status_counts(year: int | None = None, statuses=None) -> dict[str, Count]:
    """{status: items in scope of ``year``, up to 1,000} for the tabs of the work list (one statement); of
    ``statuses`` only when given."""
    from caseapp.payments.models import STATUSES

    return capped_counts_by(_of_year(year).with_only_columns(PaymentItem.id), PaymentItem.status,
                            statuses or STATUSES)


def list_year(today: date | None = None) -> int:
    """The fiscal year the work list shows unless another is chosen: the dashboard's default year."""
    from caseapp.budgets.services import default_year
    from caseapp.core.calendar import local_today

    return default_year(today or local_today())


def history(item_id: int) -> list[PaymentEvent]:
    """The item's transitions, oldest first."""
    return list(db.session.scalars(select(PaymentEvent).where(PaymentEvent.item_id == item_id)
                                   .order_by(PaymentEvent.id)))


def _reserved_sum(project_id: int) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(PaymentItem.amount_fen), 0)).where(
        PaymentItem.project_id == project_id, PaymentItem.status.in_(RESERVED_STATES)))


def money_by_project(project_ids) -> dict[int, tuple[int, int]]:
    """{project id: (paid, reserved)} read from the budget counters the caps keep (one primary-key look-up
    each); a project without a counter (nothing ever reserved against it) is summed from its own rows."""
    ids = list(project_ids)
    found = {pid: (paid, reserved) for pid, paid, reserved in db.session.execute(
        select(BudgetCounter.project_id, BudgetCounter.paid_fen, BudgetCounter.reserved_fen)
        .where(BudgetCounter.project_id.in_(ids or [0])))}
    for pid in (pid for pid in ids if pid not in found):
        from caseapp.payments.ledger import paid_total

        found[pid] = (paid_total(project_id=pid), _reserved_sum(pid))
    return found


def execution(project) -> dict:
    """预算执行: budget, reserved and paid (the budget counter) and the spending plan's share at each month end."""
    paid, reserved = money_by_project([project.id])[project.id]
    by_month = dict(db.session.execute(
        select(func.extract("month", LedgerEntry.entry_date), func.sum(LedgerEntry.amount_fen))
        .where(LedgerEntry.project_id == project.id, LedgerEntry.year == project.year)
        .group_by(func.extract("month", LedgerEntry.entry_date))).all())
    plan, cumulative = [], 0
    points = {p.month: p.percent for p in project.plan_points}
    for month in range(1, 13):
        cumulative += int(by_month.get(month) or 0)
        if month in points:
            plan.append({"month": month, "month_end": month_end(project.year, month).isoformat(),
                         "planned_percent": points[month],
                         "planned_fen": project.budget_fen * points[month] // 100, "paid_fen": cumulative})
    return {"project_code": project.code, "year": project.year, "budget_fen": project.budget_fen,
            "reserved_fen": reserved, "paid_fen": paid, "available_fen": project.budget_fen - reserved - paid,
            "plan": plan}


def spent_by_project(projects) -> dict[int, int]:
    """已支出 (the ledger's net total, as the budget counters keep it) of each of ``projects``, for the
    dashboard."""
    return {pid: paid for pid, (paid, _reserved) in money_by_project(p.id for p in projects).items()}


@dataclass(frozen=True)
class Difference:
    """One disagreement found by the reconciliation."""

    what: str  #: 预算计数 / 名额计数 / 个人限额计数 / 台账
    key: str
    counter: int
    actual: int

    def as_dict(self) -> dict:
        return {"what": self.what, "key": self.key, "counter": self.counter, "actual": self.actual}


def reconcile(year: int) -> list[Difference]:
    """Compare every counter of ``year`` with the items and the ledger; an empty list means all agree."""
    return _budget_diffs(year) + _category_diffs(year) + _person_diffs(year) + _ledger_diffs(year)


def _budget_diffs(year: int) -> list[Difference]:
    from caseapp.budgets.models import Project

    reserved = (select(func.coalesce(func.sum(PaymentItem.amount_fen), 0))
                .where(PaymentItem.project_id == BudgetCounter.project_id,
                       PaymentItem.status.in_(RESERVED_STATES)).scalar_subquery())
    paid = (select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0))
            .where(LedgerEntry.project_id == BudgetCounter.project_id).scalar_subquery())
    rows = db.session.execute(select(Project.code, BudgetCounter.reserved_fen, reserved, BudgetCounter.paid_fen, paid)
                              .join(Project, Project.id == BudgetCounter.project_id).where(Project.year == year))
    out = []
    for code, c_res, a_res, c_paid, a_paid in rows:
        if c_res != a_res:
            out.append(Difference("预算计数（已占用）", code, c_res, a_res))
        if c_paid != a_paid:
            out.append(Difference("预算计数（已支付）", code, c_paid, a_paid))
    return out


def _category_diffs(year: int) -> list[Difference]:
    actual = (select(func.count()).where(PaymentItem.award_category_id == CategoryCounter.category_id,
                                         PaymentItem.status.in_(LIVE_STATES), PaymentItem.year == year)
              .scalar_subquery())
    years = select(PaymentItem.award_category_id).where(PaymentItem.year == year)
    rows = db.session.execute(select(CategoryCounter.label, CategoryCounter.used, actual)
                              .where(CategoryCounter.category_id.in_(years)))
    return [Difference("名额计数", label, used, real) for label, used, real in rows if used != real]


def _person_diffs(year: int) -> list[Difference]:
    actual = (select(func.coalesce(func.sum(PaymentItem.amount_fen), 0))
              .where(PaymentItem.person_id == PersonAidCounter.person_id,
                     PaymentItem.aid_type_id == PersonAidCounter.aid_type_id,
                     PaymentItem.year == PersonAidCounter.year, PaymentItem.status.in_(LIVE_STATES))
              .scalar_subquery())
    rows = db.session.execute(select(PersonAidCounter.person_id, PersonAidCounter.aid_type_id,
                                     PersonAidCounter.used_fen, actual).where(PersonAidCounter.year == year))
    return [Difference("个人限额计数", f"人员{pid}/类型{aid}", used, real) for pid, aid, used, real in rows if used != real]


def _ledger_diffs(year: int) -> list[Difference]:
    """Paid items have a net ledger amount equal to theirs; every other item nets to zero."""
    net = func.coalesce(func.sum(LedgerEntry.amount_fen), 0)
    payments = func.sum(case((LedgerEntry.kind == PAYMENT, 1), else_=0))
    expected = case((PaymentItem.status.in_(PAID_STATES), PaymentItem.amount_fen), else_=0)
    rows = db.session.execute(
        select(PaymentItem.id, expected, net, payments)
        .outerjoin(LedgerEntry, and_(LedgerEntry.item_id == PaymentItem.id))
        .where(PaymentItem.year == year).group_by(PaymentItem.id, PaymentItem.status, PaymentItem.amount_fen)
        .having((net != expected) | ((payments == 0) & PaymentItem.status.in_(PAID_STATES)))).all()
    return [Difference("台账", f"款项{item_id}", want, have) for item_id, want, have, _n in rows]


def due_for_payment(on: date) -> int:
    """How many items in scope finished their 公示 before ``on`` (for the finance work list)."""
    return db.session.scalar(scoped(select(func.count()).select_from(PaymentItem).where(
        PaymentItem.status == "公示中", PaymentItem.publicity_end < on), PaymentItem.org_id))
