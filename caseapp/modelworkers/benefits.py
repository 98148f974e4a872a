"""Benefit rules (劳模帮扶 standards) as editable data: list, create, edit; admins only."""
from __future__ import annotations

from sqlalchemy import select

from caseapp.core.audit import diff, record
from caseapp.core.db import db
from caseapp.core.errors import NotFound, ValidationFailed
from caseapp.core.scoping import principal_or_deny, require_global_admin
from caseapp.modelworkers.models import LEVELS, SHAPES, BenefitRule

FIELDS = ("year", "shape", "level", "aid_type", "hardship_only", "amount_fen", "threshold_fen", "description")


def rule_snapshot(rule: BenefitRule) -> dict:
    """The rule's fields for the audit log and the API."""
    return {name: getattr(rule, name) for name in FIELDS}


def clean_rule(data: dict) -> dict:
    """Check a rule's fields for its shape; amounts in 分."""
    out = {name: data.get(name) for name in FIELDS}
    if out["shape"] not in SHAPES:
        raise ValidationFailed("规则类型只能是：" + "、".join(SHAPES.values()), field="shape")
    if not isinstance(out["year"], int) or not 2000 <= out["year"] <= 2100:
        raise ValidationFailed("请填写适用年度", field="year")
    out["level"] = out["level"] or None
    if out["level"] is not None and out["level"] not in LEVELS:
        raise ValidationFailed("级别只能是：" + "、".join(LEVELS), field="level")
    out["aid_type"] = (out["aid_type"] or "劳模帮扶").strip()
    out["description"] = (out["description"] or "").strip()
    out["hardship_only"] = bool(out["hardship_only"])
    needed = "threshold_fen" if out["shape"] == "top_up" else "amount_fen"
    if not isinstance(out[needed], int) or out[needed] <= 0:
        label = "补足标准" if needed == "threshold_fen" else "金额"
        raise ValidationFailed(f"{SHAPES[out['shape']]}须填写大于0的{label}", field=needed)
    other = "amount_fen" if needed == "threshold_fen" else "threshold_fen"
    out[other] = None
    return out


def list_rules(year: int | None = None) -> list[BenefitRule]:
    """Benefit rules (every logged-in user may read them), newest year first."""
    principal_or_deny()
    stmt = select(BenefitRule).order_by(BenefitRule.year.desc(), BenefitRule.shape, BenefitRule.id)
    if year:
        stmt = stmt.where(BenefitRule.year == year)
    return list(db.session.scalars(stmt))


def get_rule(rule_id: int) -> BenefitRule:
    """One benefit rule, else NotFound."""
    principal_or_deny()
    rule = db.session.get(BenefitRule, rule_id)
    if rule is None:
        raise NotFound("帮扶标准不存在")
    return rule


def create_rule(**fields) -> BenefitRule:
    """Add a benefit rule (admins)."""
    require_global_admin()
    rule = BenefitRule(**clean_rule(fields))
    db.session.add(rule)
    db.session.flush()
    record("benefit_rule.create", rule, after=rule_snapshot(rule), summary=rule.description[:100])
    return rule


def update_rule(rule: BenefitRule, **fields) -> BenefitRule:
    """Edit a benefit rule (admins); audited field by field."""
    require_global_admin()
    before = rule_snapshot(rule)
    for name, value in clean_rule({**before, **fields}).items():
        setattr(rule, name, value)
    db.session.flush()
    old, new = diff(before, rule_snapshot(rule))
    if new:
        record("benefit_rule.update", rule, before=old, after=new)
    return rule
