"""Yearly 困难类别 thresholds (editable data, never code) and the category they suggest."""
from __future__ import annotations

from sqlalchemy import select

from caseapp.cases.models import HardshipThreshold
from caseapp.cases.vocab import CATEGORIES
from caseapp.core.audit import diff, record
from caseapp.core.db import db
from caseapp.core.errors import ValidationFailed
from caseapp.core.scoping import ancestor_ids, principal_or_deny, require_org_in_scope, require_role, scoped
from caseapp.orgs.models import Organisation

DEEP, RELATIVE = CATEGORIES[0], CATEGORIES[1]


def threshold_for(year: int, org: Organisation) -> HardshipThreshold | None:
    """The most specific threshold of ``year`` on the organisation's path to the root, if any."""
    chain = ancestor_ids(org.path)
    rows = db.session.scalars(select(HardshipThreshold).where(
        HardshipThreshold.year == year, HardshipThreshold.org_id.in_(chain))).all()
    return max(rows, key=lambda t: chain.index(t.org_id), default=None)


def classify(per_capita_fen: int, threshold: HardshipThreshold) -> str | None:
    """深度困难 / 相对困难 by the bounds, or None when the income is above both."""
    if per_capita_fen <= threshold.deep_max_fen:
        return DEEP
    if per_capita_fen <= threshold.relative_max_fen:
        return RELATIVE
    return None


def suggest_category(per_capita_fen: int, year: int, org: Organisation) -> str | None:
    """The category the year's thresholds suggest for this 家庭人均月收入 (None: no threshold or above it)."""
    threshold = threshold_for(year, org)
    return classify(per_capita_fen, threshold) if threshold else None


def list_thresholds(year: int | None = None) -> list[HardshipThreshold]:
    """Thresholds of the organisations in scope and of their ancestors (which apply to them too)."""
    principal = principal_or_deny()
    stmt = select(HardshipThreshold).join(HardshipThreshold.org)
    if principal.org_id is not None:
        own = db.session.get(Organisation, principal.org_id)
        visible = scoped(select(Organisation.id), Organisation.id)
        stmt = stmt.where(HardshipThreshold.org_id.in_(visible) | HardshipThreshold.org_id.in_(ancestor_ids(own.path)))
    if year:
        stmt = stmt.where(HardshipThreshold.year == year)
    return list(db.session.scalars(stmt.order_by(HardshipThreshold.year.desc(), Organisation.path)))


def save_threshold(year: int, org: Organisation, deep_max_fen: int, relative_max_fen: int,
                   basis: str = "") -> HardshipThreshold:
    """Create or change the year's bounds for an organisation's subtree (admins only)."""
    require_role("admin")
    require_org_in_scope(org.id)
    if not 2000 <= year <= 2100:
        raise ValidationFailed("年度不正确", field="year")
    if deep_max_fen < 0 or relative_max_fen < deep_max_fen:
        raise ValidationFailed("相对困难上限不能低于深度困难上限，且金额不能为负", field="relative_max_fen")
    row = db.session.scalar(select(HardshipThreshold).where(
        HardshipThreshold.year == year, HardshipThreshold.org_id == org.id))
    before = _snapshot(row) if row else {}
    if row is None:
        row = HardshipThreshold(year=year, org_id=org.id)
        db.session.add(row)
    row.deep_max_fen, row.relative_max_fen, row.basis = deep_max_fen, relative_max_fen, basis.strip()
    db.session.flush()
    old, new = diff(before, _snapshot(row))
    record("hardship_threshold.save", row, before=old or None, after=new, org_id=org.id,
           summary=f"{year}年 {org.name} 困难类别标准")
    return row


def _snapshot(row: HardshipThreshold) -> dict:
    return {"year": row.year, "org_id": row.org_id, "deep_max_fen": row.deep_max_fen,
            "relative_max_fen": row.relative_max_fen, "basis": row.basis}
